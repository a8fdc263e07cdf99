"""What the VC API issuer signs (pure): a well-formed VC 2.0 or VC 1.1 credential, strict JSON-LD.

Every problem is reported with the JSON pointer of the property that causes it, all at once.
The credential is signed as given except for one addition: a VC 1.1 credential whose contexts
do not define DataIntegrityProof gets the Data Integrity v2 context appended (as other
eddsa-rdfc-2022 issuers do), since its proof cannot be expressed otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from badge_issuer.credentials.jsonld.loader import StaticDocumentLoader
from badge_issuer.credentials.jsonld.strict import JsonLdProblem, find_problems, is_absolute_iri
from badge_issuer.credentials.proofs.result import DATA_LOSS_DETECTION_ERROR
from badge_issuer.vcapi.problem_details import (
    MALFORMED_VALUE_ERROR,
    PARSING_ERROR,
    RANGE_ERROR,
    ProblemDetail,
    json_pointer,
    pointer_of_path,
    problem,
)
from badge_issuer.verification import data_model
from badge_issuer.verification.checks_data_model import TYPED_MEMBERS, data_model_problems
from badge_issuer.verification.checks_document import json_check
from badge_issuer.verification.ob3_schema import schema_problems
from badge_issuer.verification.rules import is_open_badge

__all__ = [
    "credential_problems",
    "jsonld_problem_details",
    "jsonld_problems",
    "with_proof_context",
]

ROOT = "/credential"

Problems = Iterator[ProblemDetail]


def _malformed(pointer: str, detail: str) -> ProblemDetail:
    return problem(MALFORMED_VALUE_ERROR, pointer=pointer, detail=detail)


def _context_problems(document: Mapping[str, Any], known: Collection[str]) -> Problems:
    pointer = json_pointer(ROOT, "@context")
    if "@context" not in document:
        yield _malformed(pointer, "the credential has no @context")
        return
    contexts = document["@context"]
    if not isinstance(contexts, list | str) or contexts == []:
        yield _malformed(pointer, "@context must be a URL or a non-empty array")
        return
    contexts = data_model.as_list(contexts)
    based = contexts[0] in (data_model.VC_V2_CONTEXT, data_model.VC_V1_CONTEXT)
    if not based:
        detail = (
            f"the first @context must be {data_model.VC_V2_CONTEXT} (VC 2.0)"
            f" or {data_model.VC_V1_CONTEXT} (VC 1.1)"
        )
        yield _malformed(json_pointer(pointer, 0), detail)
    for index, context in enumerate(contexts[1:], start=1):
        at = json_pointer(pointer, index)
        if based and context in (data_model.VC_V2_CONTEXT, data_model.VC_V1_CONTEXT):
            yield _malformed(at, "a base VC context may appear only once, first")
        elif isinstance(context, str) and context not in known:
            detail = f"{context!r} is not a bundled context; remote contexts are never fetched"
            yield problem(PARSING_ERROR, pointer=at, detail=detail)
        elif not isinstance(context, str | Mapping):
            yield _malformed(at, "a context is a URL or an object")


def _type_problems(document: Mapping[str, Any]) -> Problems:
    types = data_model.as_list(document.get("type"))
    if not all(isinstance(item, str) for item in types) or "VerifiableCredential" not in types:
        detail = "type must be a string or an array of strings including VerifiableCredential"
        yield _malformed(json_pointer(ROOT, "type"), detail)


def _subject_problems(document: Mapping[str, Any]) -> Problems:
    pointer = json_pointer(ROOT, "credentialSubject")
    subjects = document.get("credentialSubject")
    if subjects is None or subjects == []:
        yield _malformed(pointer, "the credential has no credentialSubject")
        return
    for index, subject in enumerate(data_model.as_list(subjects)):
        at = json_pointer(pointer, index) if isinstance(subjects, list) else pointer
        if not isinstance(subject, Mapping) or not subject:
            yield _malformed(at, "a credentialSubject is an object with at least one claim")


def _issuer_problems(document: Mapping[str, Any]) -> Problems:
    issuer = document.get("issuer")
    pointer = json_pointer(ROOT, "issuer")
    if isinstance(issuer, Mapping):
        issuer, pointer = issuer.get("id"), json_pointer(pointer, "id")
    if issuer is None:
        yield _malformed(pointer, "the credential names no issuer")
    elif not isinstance(issuer, str) or not is_absolute_iri(issuer):
        yield _malformed(pointer, f"the issuer {issuer!r} is not a URL")


def _id_problems(document: Mapping[str, Any]) -> Problems:
    # Relative ids are found by the strict JSON-LD check, which names their path.
    if "id" in document and not isinstance(document["id"], str):
        yield _malformed(json_pointer(ROOT, "id"), "id must be a URL string")


def _date_problems(document: Mapping[str, Any], model: data_model.DataModel) -> Problems:
    start_name, end_name = data_model.VALIDITY_PROPERTIES[model]
    if model is data_model.DataModel.V1_1 and start_name not in document:
        yield _malformed(json_pointer(ROOT, start_name), "a VC 1.1 credential needs issuanceDate")
    moments: list[datetime | None] = []
    for name in (start_name, end_name):
        value = document.get(name)
        moment = data_model.parse_date_time_stamp(value)
        if name in document and moment is None:
            detail = f"{name} {value!r} is not an XML Schema dateTime with a time zone"
            yield _malformed(json_pointer(ROOT, name), detail)
        moments.append(moment)
    start, end = moments
    if start is not None and end is not None and end < start:
        detail = f"{end_name} is before {start_name}"
        yield problem(RANGE_ERROR, pointer=json_pointer(ROOT, end_name), detail=detail)


def _proof_problems(document: Mapping[str, Any]) -> Problems:
    if "proof" in document:
        detail = "the credential already has a proof; send it unsecured"
        yield _malformed(json_pointer(ROOT, "proof"), detail)


def _member_problems(document: Mapping[str, Any]) -> Problems:
    """The verifier's data-model MUSTs on typed members and related resources (same rules)."""
    for path, detail in data_model_problems(document):
        if path.startswith((*TYPED_MEMBERS, "relatedResource")):
            yield _malformed(pointer_of_path(ROOT, path), detail)


def _open_badge_problems(document: Mapping[str, Any]) -> Problems:
    """An Open Badges credential is signed only if it meets the OB 3.0 schema exactly."""
    if not is_open_badge(document):
        return
    for found in schema_problems(document):
        path, _, detail = found.partition(": ")
        yield _malformed(pointer_of_path(ROOT, path), f"OB 3.0 schema: {detail}")


def credential_problems(
    document: Mapping[str, Any], *, known_contexts: Collection[str]
) -> list[ProblemDetail]:
    """Return every structural problem of a credential to issue (empty when it is fine)."""
    size = json_check(document)
    if size.status == "failed":
        return [_malformed(ROOT, size.detail)]
    model = data_model.data_model_of(document)
    rules: list[Callable[[Mapping[str, Any]], Problems]] = [
        _type_problems,
        _subject_problems,
        _issuer_problems,
        _id_problems,
        _proof_problems,
        _member_problems,
        _open_badge_problems,
    ]
    problems = list(_context_problems(document, known_contexts))
    for rule in rules:
        problems.extend(rule(document))
    if model is not None:
        problems.extend(_date_problems(document, model))
    return problems


def with_proof_context(document: Mapping[str, Any]) -> dict[str, Any]:
    """Return the credential, its VC 1.1 contexts completed with Data Integrity v2 if needed."""
    contexts = data_model.as_list(document.get("@context"))
    if (
        data_model.data_model_of(document) is not data_model.DataModel.V1_1
        or data_model.DATA_INTEGRITY_V2_CONTEXT in contexts
    ):
        return dict(document)
    return {**document, "@context": [*contexts, data_model.DATA_INTEGRITY_V2_CONTEXT]}


def jsonld_problem_details(problems: Iterable[JsonLdProblem]) -> list[ProblemDetail]:
    """Return strict JSON-LD problems as ProblemDetails pointing into the credential."""
    return [
        problem(
            PARSING_ERROR if found.kind == "invalid-json-ld" else DATA_LOSS_DETECTION_ERROR,
            pointer=pointer_of_path(ROOT, found.path),
            detail=found.detail,
        )
        for found in problems
    ]


def jsonld_problems(
    document: Mapping[str, Any], loader: StaticDocumentLoader
) -> list[ProblemDetail]:
    """Return what JSON-LD processing would drop or refuse: undefined terms, relative IRIs."""
    return jsonld_problem_details(find_problems(document, loader))
