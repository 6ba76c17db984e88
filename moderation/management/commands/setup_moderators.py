"""Create or update the "moderator" group with the least privileges moderators need.

Moderators can see and moderate signatures and listings, approve statements and events waiting for
approval and edits to approved ones, edit block lists, and read the audit trail and the trending
view. They cannot add or delete
signatures, touch users, groups or permissions, or edit campaigns and statements. Run after every
migrate (it is idempotent): the group's permissions are reset to exactly this list.
"""

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError

GROUP = "moderator"
PERMISSIONS = [
    "campaigns.view_campaign",
    "petitions.view_statement",
    "petitions.view_signature",
    "petitions.change_signature",
    "moderation.view_listingawaitingapproval",
    "moderation.change_listingawaitingapproval",
    "moderation.view_organisationawaitingapproval",
    "moderation.change_organisationawaitingapproval",
    "moderation.view_heldforreview",
    "moderation.change_heldforreview",
    "moderation.view_trendingactivity",
    "moderation.view_statementawaitingapproval",
    "moderation.change_statementawaitingapproval",
    "moderation.view_eventawaitingapproval",
    "moderation.change_eventawaitingapproval",
    "moderation.view_statementeditawaitingapproval",
    "moderation.change_statementeditawaitingapproval",
    "moderation.view_eventeditawaitingapproval",
    "moderation.change_eventeditawaitingapproval",
    "safety.view_blockrule",
    "safety.add_blockrule",
    "safety.change_blockrule",
    "safety.delete_blockrule",
    "safety.view_auditentry",
]


def moderator_permissions() -> list[Permission]:
    found = []
    for dotted in PERMISSIONS:
        app_label, codename = dotted.split(".")
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission is None:
            raise CommandError(f"permission {dotted} does not exist: run migrate first")
        found.append(permission)
    return found


def setup_moderators() -> Group:
    group, _created = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(moderator_permissions())
    return group


class Command(BaseCommand):
    help = "Create or update the moderator group with least-privilege permissions."

    def handle(self, *args, **options):
        group = setup_moderators()
        self.stdout.write(f"Group {group.name!r} has {group.permissions.count()} permissions.")
        self.stdout.write("Make a user a moderator: set is_staff and add them to this group in admin.")
