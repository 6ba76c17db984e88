"""Pydantic models of the API's documents: they make the OpenAPI description at /api/schema/, and
the tests validate real answers against them. Fields an OSDI client may ignore are extra fields
named "campaign:…" (allowed by extra="allow")."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


# Text from a client: PostgreSQL cannot store a NUL character, so it is refused with a 400.
Text = Annotated[str, AfterValidator(_no_nul)]


class Link(Schema):
    href: str


class Resource(Schema):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    identifiers: list[str] = Field(description='"campaign:<uuid>"')
    created_date: str
    modified_date: str
    links: dict[str, Link | list[Link]] = Field(alias="_links")


class Petition(Resource):
    title: str
    petition_text: str
    browser_url: str
    total_signatures: int


class Signature(Resource):
    comments: str


class Person(Resource):
    given_name: str
    email_addresses: list[dict]
    postal_addresses: list[dict]
    languages_spoken: list[str]


class Event(Resource):
    title: str
    start_date: str
    end_date: str
    status: Literal["confirmed", "cancelled"]
    capacity: int | None
    total_accepted: int


class Attendance(Resource):
    status: Literal["accepted", "tentative", "declined"]
    attended: bool


class FundraisingPage(Resource):
    title: str
    currency: str
    total_amount: str


class Donation(Resource):
    action_date: str
    amount: str
    currency: str
    voided: bool


class Collection(Schema):
    """An OSDI collection page; the resources are in _embedded under their osdi: name."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    total_pages: int
    per_page: int
    page: int
    total_records: int
    links: dict[str, Link | list[Link] | list[dict]] = Field(alias="_links")
    embedded: dict[str, list[dict]] = Field(alias="_embedded")


class Error(Schema):
    detail: str | list


# --- Writes --------------------------------------------------------------------------------------


class PersonIn(Schema):
    given_name: str = Field(min_length=1, max_length=100)
    email_address: str = Field(max_length=254)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166 code, e.g. GB")
    locality: str = Field("", max_length=100, description="City or postcode")
    organisation: str = Field("", max_length=200)
    role: str = Field("", max_length=100)
    consent_contact: bool = Field(False, description="The person ticked “may contact me” themselves.")
    show_publicly: bool = False


class SignatureIn(Schema):
    person: PersonIn
    comments: str = Field("", max_length=1000)
    confirmed_offline: bool = Field(
        False,
        description=(
            "Only for a read-write key: the organiser vouches that the person signed in front of "
            "them (a stall, a paper form). No confirmation email is sent; the signature counts at "
            "once and the key that said so is recorded."
        ),
    )


class DonationIn(Schema):
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    action_date: date | None = None
    method: Literal["bank", "cheque", "collection", "online"]
    reference_number: Text = Field("", max_length=100)
    donor_name: Text = Field("", max_length=200)


class AttendanceIn(Schema):
    attended: bool
