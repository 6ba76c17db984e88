from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Update


class UpdateForm(forms.ModelForm):
    class Meta:
        model = Update
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}
        help_texts = {
            "body": _(
                "Markdown. Each signer gets it in an email with a link to the statement and a link to "
                "unsubscribe."
            )
        }
