"""What a read-write key may do: add signatures, record attendance at the door, record donations.

Each goes through the same service as the web page it stands for: a signature through the signing
form's validation and petitions.services.sign (abuse checks, confirmation mail), attendance through
events.services.mark_attended, a donation through funds.services.record_donation (audited).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from ninja.errors import HttpError

from events import services as event_services
from funds import services as fund_services
from petitions import services as petition_services
from petitions.forms import SignatureForm
from petitions.models import Signature

from .models import OfflineConfirmation


def require_write(request) -> None:
    if not request.auth.can_write:
        raise HttpError(403, "This key is read-only: ask an owner of the campaign for a read-write key.")


def _form_errors(form) -> str:
    return "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())


def add_signature(request, statement, payload) -> None:
    """Validate like the signing form and sign like it; confirmed at once if the key vouches for it."""
    if not statement.is_open:
        raise HttpError(409, "This petition is closed.")
    person = payload.person
    form = SignatureForm(
        {
            "name": person.given_name,
            "email": person.email_address,
            "country": person.country.upper(),
            "kind": Signature.Kind.ORGANISATION if person.organisation else Signature.Kind.INDIVIDUAL,
            "organisation": person.organisation,
            "role": person.role,
            "location": person.locality,
            "comment": payload.comments,
            "show_publicly": person.show_publicly,
            "consent_contact": person.consent_contact,
        },
        statement=statement,
    )
    if not form.is_valid():
        raise HttpError(400, _form_errors(form))
    offline = payload.confirmed_offline
    if offline:
        require_write(request)
    info = petition_services.RequestInfo(
        ip=request.META.get("REMOTE_ADDR", ""),
        user_agent=request.META.get("HTTP_USER_AGENT", "").replace("\x00", ""),
        source=Signature.Source.API,
        confirmed_offline=offline,
    )
    with transaction.atomic():
        signature = petition_services.sign(statement, form.cleaned_data, info)
        if signature is not None and signature.status == Signature.Status.CONFIRMED:
            OfflineConfirmation.objects.create(key=request.auth, signature=signature)


def record_attendance(attendee, payload) -> None:
    if payload.attended and attendee.status != attendee.Status.CONFIRMED:
        raise HttpError(409, "Only someone with a place can be checked in.")
    event_services.mark_attended(attendee.pk, payload.attended)


def record_donation(request, fund, payload):
    data = {
        "amount": payload.amount,
        "method": payload.method,
        "reference": payload.reference_number,
        "donor_name": payload.donor_name,
    }
    if payload.action_date:
        data["received_on"] = payload.action_date
    try:
        return fund_services.record_donation(fund, None, **data)
    except ValidationError as error:
        raise HttpError(400, "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items()))
