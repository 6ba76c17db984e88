from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ShortLink, validate_short_slug


class ShortLinkForm(forms.Form):
    slug = forms.CharField(
        label=_("Short link"),
        max_length=60,
        help_text=_("Letters, digits and hyphens, e.g. “peru”: the link becomes /s/peru."),
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip().lower()
        validate_short_slug(slug)
        if ShortLink.objects.filter(slug__iexact=slug).exists():
            raise forms.ValidationError(_("This short link is taken."))
        return slug
