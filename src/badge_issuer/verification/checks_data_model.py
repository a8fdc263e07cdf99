"""The VC Data Model 2.0 MUSTs every credential meets, whatever else it is (pure).

Open Badges credentials from elsewhere may differ from 1EdTech's JSON Schema in ways the VC
Data Model allows (one `proof` object instead of an array, one `type` string, ...); those are
warnings of the OB `schema` check. What the data model itself requires is checked here, as an
error, for Open Badges and any other credential alike (VC Data Model 2.0 sections 4.x):
- `credentialSubject` is present, each subject an object with at least one claim (4.8);
- `issuer` is a URL, or an object whose `id` is a URL (4.7); `id`, when present, is a URL (4.4);
- `credentialStatus` (4.10), `termsOfUse` (5.7), `evidence` (5.6), `refreshService` (5.4) and
  `credentialSchema` (4.11): each object has a `type`; a `credentialSchema` also has a URL `id`;
- `relatedResource` (5.3): objects with a URL `id`, ids unique, each with `digestSRI` or
  `digestMultibase` (comparing the digest would need a fetch: it is not done).
Each problem names the JSON path it is at; the VC API issuer refuses the same problems.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from badge_issuer.credentials.jsonld.strict import is_absolute_iri
from badge_issuer.verification.data_model import as_list
from badge_issuer.verification.report import Check, CheckName

TYPED_MEMBERS = ("credentialStatus", "termsOfUse", "evidence", "refreshService", "credentialSchema")
_MAX_LISTED = 5

Problem = tuple[str, str]


def _at(path: str, key: str | int, many: bool) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]" if many else path
    return f"{path}.{key}" if path else key


def _items(document: Mapping[str, Any], member: str) -> Iterator[tuple[str, Any]]:
    value = document[member]
    many = isinstance(value, list)
    for index, item in enumerate(as_list(value)):
        yield _at(member, index, many), item


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and is_absolute_iri(value)


def _subjects(document: Mapping[str, Any]) -> Iterator[Problem]:
    if "credentialSubject" not in document or document["credentialSubject"] in ([], None):
        yield "credentialSubject", "is required"
        return
    for path, subject in _items(document, "credentialSubject"):
        if not isinstance(subject, Mapping) or not subject:
            yield path, "must be an object with at least one claim"


def _issuer(document: Mapping[str, Any]) -> Iterator[Problem]:
    issuer = document.get("issuer")
    if issuer is None:
        yield "issuer", "is required"
    elif isinstance(issuer, Mapping):
        if not _is_url(issuer.get("id")):
            yield "issuer.id", "must be a URL"
    elif not _is_url(issuer):
        yield "issuer", "must be a URL or an object whose id is a URL"


def _identifier(document: Mapping[str, Any]) -> Iterator[Problem]:
    if "id" in document and not _is_url(document["id"]):
        yield "id", "must be a URL"


def _typed_members(document: Mapping[str, Any]) -> Iterator[Problem]:
    for member in TYPED_MEMBERS:
        if member not in document:
            continue
        for path, item in _items(document, member):
            if not isinstance(item, Mapping):
                yield path, "must be an object"
                continue
            types = as_list(item.get("type"))
            if "type" not in item or not types or not all(isinstance(t, str) for t in types):
                yield _at(path, "type", False), "is required (a string or an array of strings)"
            if member == "credentialSchema" and not _is_url(item.get("id")):
                yield _at(path, "id", False), "must be a URL"
            if member == "credentialStatus" and "id" in item and not _is_url(item["id"]):
                yield _at(path, "id", False), "must be a URL"


def _related_resources(document: Mapping[str, Any]) -> Iterator[Problem]:
    if "relatedResource" not in document:
        return
    seen: set[str] = set()
    for path, item in _items(document, "relatedResource"):
        if not isinstance(item, Mapping):
            yield path, "must be an object"
            continue
        identifier = item.get("id")
        if not isinstance(identifier, str) or not _is_url(identifier):
            yield _at(path, "id", False), "must be a URL"
        elif identifier in seen:
            yield _at(path, "id", False), f"{identifier} is listed twice"
        else:
            seen.add(identifier)
        if "digestSRI" not in item and "digestMultibase" not in item:
            yield path, "needs digestSRI or digestMultibase"


def data_model_problems(document: Mapping[str, Any]) -> list[Problem]:
    """Return every VC Data Model MUST the credential breaks, as (JSON path, detail)."""
    rules = (_subjects, _issuer, _identifier, _typed_members, _related_resources)
    return [problem for rule in rules for problem in rule(document)]


def data_model_check(document: Mapping[str, Any]) -> Check:
    """The `data-model` check: failed with every broken MUST listed by JSON path."""
    problems = data_model_problems(document)
    if not problems:
        return Check.passed(CheckName.DATA_MODEL, "meets the VC Data Model 2.0 requirements")
    listed = "; ".join(f"{path}: {detail}" for path, detail in problems[:_MAX_LISTED])
    more = f" (and {len(problems) - _MAX_LISTED} more)" if len(problems) > _MAX_LISTED else ""
    return Check.failed(CheckName.DATA_MODEL, listed + more)
