"""Award benchmark: rule evaluation (pure) and end-to-end awards/s through HTTP.

Runs two measurements in one go, so their figures come from the same machine state:
1. `bench/award_eval.py`: a learner with 200 completions against a generated skill map of
   500 achievements (median/p99 ms of one evaluation, and its floors: compile, validate);
2. `bench/intake.py --awards`: signed webhooks through one real `badge-issuer serve` worker
   where every completion earns a badge (sign + status entry + store in the request), on
   SQLite and a throwaway PostgreSQL: awards/s and p50/p99 latency.
Arguments after `--` go to the HTTP part (e.g. `-- --requests 300 --backends sqlite`).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def main() -> int:
    http_args = sys.argv[sys.argv.index("--") + 1 :] if "--" in sys.argv else []
    print("== rule evaluation (pure) ==", flush=True)
    evaluation = subprocess.run([sys.executable, str(BENCH / "award_eval.py"), "--runs", "300"])
    print("\n== end to end: every completion earns a signed credential ==", flush=True)
    http = subprocess.run([sys.executable, str(BENCH / "intake.py"), "--awards", *http_args])
    return evaluation.returncode or http.returncode


if __name__ == "__main__":
    raise SystemExit(main())
