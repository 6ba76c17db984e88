from django import template

from updates.models import Update

register = template.Library()


@register.inclusion_tag("updates/_panel.html")
def updates_panel(statement):
    """The statement's latest updates with their sending progress, for the organisers' dashboard."""
    return {
        "statement": statement,
        "campaign": statement.campaign,
        "updates": Update.objects.filter(statement=statement).order_by("-created_at")[:5],
    }
