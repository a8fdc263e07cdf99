"""Open Badges 3.0 data model: one pydantic model set for the credentials we issue and read.

Spec names on the wire (camelCase aliases, `@context`), snake_case in Python. Serialisation
follows the spec's JSON conventions: properties with multiplicity 0..* or 1..* are arrays (a
single value is accepted when reading), and nulls and empty arrays are left out. URLs and ids
are kept as the exact strings given - never normalised - because the signature covers them.
Unknown properties are kept (`extra="allow"`): credentials from other issuers may carry
extensions, and strict JSON-LD checking, not this model, decides whether they are defined.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    model_serializer,
)
from pydantic.alias_generators import to_camel

from badge_issuer.credentials.jsonld.strict import is_absolute_iri


def _as_list(value: Any) -> Any:
    """Accept a single value where the spec allows many (reading other issuers' JSON)."""
    return value if isinstance(value, list) else [value]


def _require_absolute_iri(value: str) -> str:
    """Refuse ids that are not absolute IRIs: JSON-LD would drop or rewrite them."""
    if not is_absolute_iri(value):
        raise ValueError(f"{value!r} is not an absolute IRI")
    return value


def format_datetime(moment: datetime) -> str:
    """Return an aware datetime as an XML Schema dateTimeStamp in UTC (`…Z`)."""
    timespec = "microseconds" if moment.microsecond else "seconds"
    return moment.astimezone(UTC).isoformat(timespec=timespec).replace("+00:00", "Z")


Iri = Annotated[str, AfterValidator(_require_absolute_iri)]
DateTimeZ = Annotated[AwareDatetime, PlainSerializer(format_datetime, return_type=str)]
_T = TypeVar("_T")
Many = Annotated[list[_T], BeforeValidator(_as_list)]


class OB3Model(BaseModel):
    """Base of the OB 3.0 models: camelCase on the wire, nulls and empty arrays omitted."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        extra="allow",
    )

    @model_serializer(mode="wrap")
    def _omit_empty(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {key: value for key, value in data.items() if value is not None and value != []}

    def to_jsonld(self) -> dict[str, Any]:
        """Return the JSON-LD object (plain JSON types, spec property names)."""
        return self.model_dump(mode="json")


class Image(OB3Model):
    """An image: `id` is its URL or data: URI."""

    id: Iri
    type: Literal["Image"] = "Image"
    caption: str | None = None


class Profile(OB3Model):
    """An issuer, creator or source: a person or organisation."""

    id: Iri
    type: Many[str] = ["Profile"]
    name: str | None = None
    url: str | None = None
    email: str | None = None
    description: str | None = None
    image: Image | None = None


class Criteria(OB3Model):
    """How the achievement is earned."""

    id: Iri | None = None
    narrative: str | None = None


class Alignment(OB3Model):
    """An alignment of an achievement or result to a framework entry (e.g. a DSS skill)."""

    type: Many[str] = ["Alignment"]
    target_name: str
    target_url: str
    target_description: str | None = None
    target_code: str | None = None
    target_framework: str | None = None
    target_type: str | None = None


class ResultDescription(OB3Model):
    """A result the achievement may record (e.g. a score), with allowed values."""

    id: Iri
    type: Many[str] = ["ResultDescription"]
    name: str
    result_type: str
    allowed_value: Many[str] = []
    required_value: str | None = None
    value_min: str | None = None
    value_max: str | None = None
    alignment: Many[Alignment] = []


class Achievement(OB3Model):
    """What was achieved: the badge class."""

    id: Iri
    type: Many[str] = ["Achievement"]
    name: str
    description: str
    criteria: Criteria
    achievement_type: str | None = None
    image: Image | None = None
    creator: Profile | None = None
    human_code: str | None = None
    field_of_study: str | None = None
    in_language: str | None = None
    alignment: Many[Alignment] = []
    result_description: Many[ResultDescription] = []
    tag: Many[str] = []


class IdentityObject(OB3Model):
    """A recipient identifier, here a salted SHA-256 hash of an email address."""

    type: Literal["IdentityObject"] = "IdentityObject"
    identity_type: str
    hashed: bool
    identity_hash: str
    salt: str | None = None


class Result(OB3Model):
    """A result the recipient obtained (e.g. the score of a course)."""

    type: Many[str] = ["Result"]
    value: str | None = None
    status: str | None = None
    achieved_level: str | None = None
    result_description: str | None = None
    alignment: Many[Alignment] = []


class AchievementSubject(OB3Model):
    """The recipient and what they achieved."""

    id: Iri | None = None
    type: Many[str] = ["AchievementSubject"]
    identifier: Many[IdentityObject] = []
    achievement: Achievement
    result: Many[Result] = []
    activity_start_date: DateTimeZ | None = None
    activity_end_date: DateTimeZ | None = None


class Evidence(OB3Model):
    """Evidence of the achievement, e.g. the provider's certificate URL."""

    id: Iri | None = None
    type: Many[str] = ["Evidence"]
    name: str | None = None
    description: str | None = None
    narrative: str | None = None
    genre: str | None = None
    audience: str | None = None


class CredentialStatus(OB3Model):
    """A credential status entry of any type (read side)."""

    id: Iri
    type: str


class BitstringStatusListEntry(CredentialStatus):
    """A position in a Bitstring Status List (W3C Bitstring Status List v1.0)."""

    type: Literal["BitstringStatusListEntry"] = "BitstringStatusListEntry"
    status_purpose: str
    status_list_index: str
    status_list_credential: Iri


class Proof(OB3Model):
    """A proof of any type (read side)."""

    type: str


class DataIntegrityProof(Proof):
    """A VC Data Integrity proof; `created` stays the exact string that was signed."""

    type: Literal["DataIntegrityProof"] = "DataIntegrityProof"
    cryptosuite: str
    created: str | None = None
    verification_method: str
    proof_purpose: str
    proof_value: str | None = None


class OpenBadgeCredential(OB3Model):
    """An Open Badges 3.0 credential (OpenBadgeCredential / AchievementCredential)."""

    context: Many[str | dict[str, Any]] = Field(alias="@context")
    id: Iri
    type: Many[str] = ["VerifiableCredential", "OpenBadgeCredential"]
    issuer: Profile | Iri
    name: str | None = None
    description: str | None = None
    valid_from: DateTimeZ
    valid_until: DateTimeZ | None = None
    awarded_date: DateTimeZ | None = None
    credential_subject: AchievementSubject
    evidence: Many[Evidence] = []
    credential_status: BitstringStatusListEntry | CredentialStatus | None = None
    proof: Many[DataIntegrityProof | Proof] = []
