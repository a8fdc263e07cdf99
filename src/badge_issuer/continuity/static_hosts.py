"""The README and example web-server configurations written into a static archive (pure).

They restore what a file tree cannot say by itself: media types for extensionless files, and
the URLs whose files sit beside them (see `static_layout`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

_README = """# Static archive of {origin}

Written by `badge-issuer archive export`. Served from this folder at {origin} by any static web
server, every credential URL, DID document and status list answers the same JSON the service
answered, so the badges it issued keep verifying after the service is switched off.

- Revocations are frozen as of the export: a status list here never changes again. Re-run the
  export (it rewrites only what changed) for as long as the service runs.
- The verification pages (`/verify`, `/credentials/…/verification`) are not archived: they were
  answers computed by the service. Badge pages, where present, show the verdict at export time.
- Keep DNS for {host} pointing at the server that serves this folder.

| URL | file |
| --- | --- |
| `/credentials/{{uuid}}` | `credentials/{{uuid}}` (JSON) and `credentials/{{uuid}}.html` (page) |
| `/credentials/{{uuid}}/image.png`, `.svg` | `credentials/{{uuid}}.png`, `.svg` |
| `/issuers/{{slug}}/did.json` | same path |
| `/issuers/{{slug}}` | `issuers/{{slug}}/index.json` (JSON), `index.html` (page) |
| `/status-lists/{{id}}` | same path (JSON) |
| `/endorsements/{{uuid}}` | same path (JSON), `.html` (page) |
| `/achievements`, `/achievements/{{id}}` | `achievements/index.json`, `achievements/{{id}}` |
| `/achievements/{{id}}/image` | `achievements/{{id}}.image` |

Extensionless files are JSON: configure the server to answer them as `application/json`
(`nginx.conf` and `.htaccess` here do). `python3 -m http.server` needs no configuration for the
credentials, DID documents and status lists (same paths, same bytes; it labels extensionless
files `application/octet-stream`); it cannot map the other URLs of the table.
"""

_NGINX = """# nginx: serve this folder as {origin}
server {{
    listen 80;
    server_name {host};
    root /srv/badge-archive;   # this folder
    add_header Access-Control-Allow-Origin "*" always;
    add_header X-Content-Type-Options nosniff always;

    location ~ ^/(credentials|status-lists|endorsements|achievements)/[^/.]+$ {{
        default_type application/json;
        if ($http_accept ~* "text/html") {{ rewrite ^(.*)$ $1.html break; }}
        try_files $uri =404;
    }}
    location ~ ^/credentials/([^/]+)/image\\.(png|svg)$ {{ try_files /credentials/$1.$2 =404; }}
    location ~ ^/achievements/([^/]+)/image$ {{ try_files /achievements/$1.image =404; }}
    location ~ ^/(issuers/[^/]+|achievements)$ {{
        default_type application/json;
        if ($http_accept ~* "text/html") {{ rewrite ^(.*)$ $1/index.html break; }}
        try_files $uri/index.json =404;
    }}
    location ~ /did\\.json$ {{ default_type application/did+ld+json; }}
}}
"""

_HTACCESS = """# Apache (mod_rewrite, mod_headers, mod_mime): serve this folder as {origin}
RewriteEngine On
Header always set Access-Control-Allow-Origin "*"
Header always set X-Content-Type-Options nosniff
RewriteCond %{{HTTP_ACCEPT}} text/html
RewriteCond %{{REQUEST_FILENAME}}.html -f
RewriteRule ^(credentials|endorsements|achievements)/([^/.]+)$ $1/$2.html [L]
RewriteRule ^credentials/([^/]+)/image\\.(png|svg)$ credentials/$1.$2 [L]
RewriteRule ^achievements/([^/]+)/image$ achievements/$1.image [L]
RewriteRule ^(issuers/[^/]+|achievements)$ $1/index.json [L]
<FilesMatch "^[^.]+$">
    ForceType application/json
</FilesMatch>
<Files "did.json">
    ForceType application/did+ld+json
</Files>
"""


def server_files(origin: str) -> dict[str, str]:
    """Return the archive's README and example server configurations for `origin`."""
    host = urlsplit(origin).netloc
    values = {"origin": origin, "host": host}
    return {
        "README.md": _README.format(**values),
        "nginx.conf": _NGINX.format(**values),
        ".htaccess": _HTACCESS.format(**values),
    }
