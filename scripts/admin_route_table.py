"""Write the README's admin route table from the generated OpenAPI document.

Every admin operation (one with `security`) states its scope and issuer binding
(`x-admin-scope`, `x-issuer-binding`, from admin/openapi.py); the table between the README's
`admin-routes` markers lists them, sorted by path then method. `make openapi` runs this after
writing openapi/openapi.json; tests/admin/test_route_binding.py fails when the two disagree.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- admin-routes:start -->", "<!-- admin-routes:end -->"


def table(document: dict[str, object]) -> str:
    paths = document["paths"]
    assert isinstance(paths, dict)
    rows = sorted(
        (path, method.upper(), operation["x-admin-scope"], operation["x-issuer-binding"])
        for path, item in paths.items()
        for method, operation in item.items()
        if isinstance(operation, dict) and operation.get("security")
    )
    lines = ["| method | path | scope | issuer binding |", "| --- | --- | --- | --- |"]
    lines += [
        f"| {method} | `{path}` | `{scope}` | {binding} |" for path, method, scope, binding in rows
    ]
    return "\n".join(lines)


def main() -> int:
    document = json.loads((ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8"))
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    readme.write_text(f"{before}{START}\n{table(document)}\n{END}{after}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
