"""What organisers do: invitations and members (who may open a dashboard: campaigns.access)."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from campaign.slugs import free_slug
from campaigns.access import needs_approval
from campaigns.models import Campaign, Membership, Role
from outbox.services import enqueue
from petitions import revisions
from petitions.models import Statement, StatementRevision

from .models import Invitation


class InvitationError(Exception):
    """Why an invitation cannot be accepted: code is "expired", "used" or "wrong_account"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def campaigns_for(user):
    return Campaign.objects.filter(memberships__user=user).order_by("title")


def add_organiser(campaign: Campaign, user, role: str = Role.ORGANISER) -> Membership:
    """Make the user a member of the campaign (used by the demo, benchmarks and admin scripts)."""
    membership, _created = Membership.objects.update_or_create(
        campaign=campaign, user=user, defaults={"role": role}
    )
    return membership


def verified_emails(user) -> set[str]:
    return {
        email.lower()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    }


def invite(campaign: Campaign, email: str, role: str, invited_by) -> Invitation:
    """Create an invitation and its email in the outbox, in one transaction."""
    with transaction.atomic():
        invitation = Invitation.objects.create(
            campaign=campaign,
            email=email.strip(),
            role=role,
            invited_by=invited_by,
            expires_at=timezone.now() + timedelta(days=settings.ORGANISER_INVITATION_DAYS),
        )
        enqueue("organisers.invitation", invitation.email, ref=invitation.pk, campaign_id=campaign.pk)
    return invitation


def is_member_by_email(campaign: Campaign, email: str) -> bool:
    email = email.strip().lower()
    return Membership.objects.filter(campaign=campaign, user__emailaddress__email__iexact=email).exists() or (
        Membership.objects.filter(campaign=campaign, user__email__iexact=email).exists()
    )


def accept_invitation(invitation_uuid, user) -> Membership:
    """Make the user a member as the invitation says, once; the user must own the invited address.

    Raises InvitationError. Accepting again as the member it made returns the same membership.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("campaign")
            .filter(uuid=invitation_uuid)
            .first()
        )
        if invitation is None:
            raise Http404
        if invitation.used_at is not None:
            if invitation.used_by_id == user.pk:
                existing = Membership.objects.filter(campaign=invitation.campaign, user=user).first()
                if existing:
                    return existing
            raise InvitationError("used")
        if invitation.is_expired:
            raise InvitationError("expired")
        if invitation.email.lower() not in verified_emails(user):
            raise InvitationError("wrong_account")
        membership, created = Membership.objects.get_or_create(
            campaign=invitation.campaign, user=user, defaults={"role": invitation.role}
        )
        if not created and invitation.role == Role.OWNER and membership.role != Role.OWNER:
            membership.role = Role.OWNER
            membership.save(update_fields=["role"])
        invitation.used_at = timezone.now()
        invitation.used_by = user
        invitation.save(update_fields=["used_at", "used_by"])
    return membership


class LastOwnerError(Exception):
    pass


def remove_member(membership: Membership) -> None:
    """Remove a member; a campaign always keeps at least one owner."""
    with transaction.atomic():
        owners = list(
            Membership.objects.select_for_update()
            .filter(campaign_id=membership.campaign_id, role=Role.OWNER)
            .values_list("pk", flat=True)
        )
        if membership.role == Role.OWNER and owners == [membership.pk]:
            raise LastOwnerError
        membership.delete()


def unique_statement_slug(campaign: Campaign, title: str) -> str:
    """A slug from the title, free in this campaign and never one of the site's own path segments."""
    return free_slug(
        slugify(title)[:50] or "statement",
        lambda slug: Statement.objects.filter(campaign=campaign, slug=slug).exists(),
    )


def create_statement(campaign: Campaign, statement: Statement, author) -> Statement:
    """Save a new statement written in the dashboard; it awaits approval if its author needs it."""
    statement.campaign = campaign
    statement.approved_at = None if needs_approval(author) else timezone.now()
    for _attempt in range(3):
        statement.slug = unique_statement_slug(campaign, statement.title)
        try:
            with transaction.atomic():
                statement.save()
            return statement
        except IntegrityError:
            continue
    raise IntegrityError("could not find a free slug for this statement")


# What a moderator reviews in an edit to an approved statement: the words the public reads.
# Status, target, closing date and the form's questions take effect at once.
STATEMENT_REVIEWED_FIELDS = ("title", "body")


def save_statement(statement: Statement, author) -> StatementRevision | None:
    """Save an edit made in the dashboard. An approved statement edited by someone who needs approval
    keeps its approved title and text in public; the new ones wait as a revision (returned)."""
    if statement.approved_at is None or not needs_approval(author):
        statement.save()
        return None
    with transaction.atomic():
        current = Statement.objects.select_for_update().get(pk=statement.pk)
        revision = revisions.propose(current.revisions, current, statement, STATEMENT_REVIEWED_FIELDS, author)
        statement.save()
    return revision
