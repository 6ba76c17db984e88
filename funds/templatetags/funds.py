from django import template

from .. import services
from ..models import Fund

register = template.Library()


@register.inclusion_tag("funds/_thermometer.html")
def fund_thermometer(campaign):
    """The fund's thermometer for a campaign page, or nothing if the campaign has no fund."""
    fund = Fund.objects.filter(campaign=campaign).first()
    return {"summary": services.summary(fund) if fund else None}
