"""What a `serve` worker imports before it can answer uvicorn's supervisor.

uvicorn kills a worker that does not answer its health check within 5 s and starts another. A
spawned worker answers only once it has unpickled its configuration, which imports the module of
the HTTP protocol class; on a loaded machine the settings' imports there (~0.2 s of CPU) made
workers miss the check again and again. OpenTelemetry's SDK is imported only when tracing is on.
Each check runs in a fresh interpreter: this test process has imported everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys


def _modules_after(code: str) -> set[str]:
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_protocol_module_does_not_import_the_settings() -> None:
    modules = _modules_after("import badge_issuer.serving_protocol")
    assert "badge_issuer.serving_protocol" in modules
    assert "badge_issuer.config" not in modules
    assert "pydantic_settings" not in modules


def test_an_application_without_tracing_does_not_import_the_tracing_sdk() -> None:
    modules = _modules_after(
        "from pathlib import Path\n"
        "from badge_issuer.config import Settings\n"
        "from badge_issuer.main import create_app\n"
        "create_app(Settings(_env_file=None, database_url='sqlite://',"
        " public_url='http://localhost:8000', key_encryption_key_file=Path('unused.key')))"
    )
    assert "badge_issuer.main" in modules
    assert "badge_issuer.metrics.tracing" not in modules
    assert not {name for name in modules if name.startswith("opentelemetry.sdk")}


def test_a_worker_serves_with_its_start_up_heap_frozen() -> None:
    # The worker's import builds the application; what it leaves behind lives as long as the
    # worker and must not be scanned by a full collection in the middle of serving requests.
    script = (
        "import gc, os\n"
        "os.environ.update(BADGE_ISSUER_DATABASE_URL='sqlite://',"
        " BADGE_ISSUER_PUBLIC_URL='http://localhost:8000',"
        " BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE='unused.key')\n"
        "import badge_issuer.asgi\n"
        "print(gc.get_freeze_count(), gc.isenabled())"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    frozen, enabled = done.stdout.strip().splitlines()[-1].split()
    assert int(frozen) > 100_000
    assert enabled == "True"
