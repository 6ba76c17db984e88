"""The moderators' queues: admin views over signatures, statements, events and their edits (proxy
models). The block lists and the audit trail they act on are the safety app's."""

from django.utils.translation import gettext_lazy as _

from events.models import Event, EventRevision
from petitions.models import Signature, Statement, StatementRevision


class ListingAwaitingApproval(Signature):
    """Queue: confirmed individuals whose public listing awaits a moderator."""

    class Meta:
        proxy = True
        verbose_name = _("public listing awaiting approval")
        verbose_name_plural = _("public listings awaiting approval")


class OrganisationAwaitingApproval(Signature):
    """Queue: confirmed organisations whose listing awaits a moderator."""

    class Meta:
        proxy = True
        verbose_name = _("organisation awaiting approval")
        verbose_name_plural = _("organisations awaiting approval")


class HeldForReview(Signature):
    """Queue: signatures the abuse checks held (not counted, not mailed until released)."""

    class Meta:
        proxy = True
        verbose_name = _("signature held for review")
        verbose_name_plural = _("signatures held for review")


class TrendingActivity(Signature):
    """Admin page: IP hashes and email domains signing at unusual rates in the last hour."""

    class Meta:
        proxy = True
        verbose_name = _("trending signer")
        verbose_name_plural = _("trending signers")


class StatementAwaitingApproval(Statement):
    """Statements written by organisers who are not staff, waiting for a moderator to approve them."""

    class Meta:
        proxy = True
        verbose_name = _("statement awaiting approval")
        verbose_name_plural = _("statements awaiting approval")


class EventAwaitingApproval(Event):
    """Events made by organisers who are not staff, waiting for a moderator to approve them."""

    class Meta:
        proxy = True
        verbose_name = _("event awaiting approval")
        verbose_name_plural = _("events awaiting approval")


class StatementEditAwaitingApproval(StatementRevision):
    """Edits to approved statements by organisers who are not staff: the approved text stays public."""

    class Meta:
        proxy = True
        verbose_name = _("statement edit awaiting approval")
        verbose_name_plural = _("statement edits awaiting approval")


class EventEditAwaitingApproval(EventRevision):
    """Edits to approved events by organisers who are not staff: the approved version stays public."""

    class Meta:
        proxy = True
        verbose_name = _("event edit awaiting approval")
        verbose_name_plural = _("event edits awaiting approval")
