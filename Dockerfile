# syntax=docker/dockerfile:1
ARG BASE=python:3.11-slim

FROM ${BASE} AS build
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install .

FROM ${BASE} AS runtime
RUN groupadd --system --gid 10001 badge && useradd --system --uid 10001 --gid badge --home-dir /app badge
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY migrations ./migrations
COPY examples ./examples
RUN mkdir -p /app/var /app/keys && chown 10001:10001 /app/var /app/keys
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    BADGE_ISSUER_DATABASE_URL=sqlite:////app/var/badge-issuer.db \
    BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE=/app/keys/master.key
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2).status == 200 else 1)"]
ENTRYPOINT ["badge-issuer"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
