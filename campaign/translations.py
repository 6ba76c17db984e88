"""Text shown in a visitor's (or recipient's) language: what campaigns, statements and events share.

A translatable model has a translation model (a `Translation`: one row per object and language,
related name "translations") holding some of its text fields. `localise` copies one onto an
instance for display and marks it `shown_language`; the model's save() starts with
`refuse_if_localised`, so a translated text is never stored as the original. One object, one
total, whatever the language.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def base_language(language: str | None) -> str:
    return (language or "").split("-")[0].lower()


def localise(obj, fields: tuple[str, ...], language: str | None = None):
    """Put the `fields` of obj's translation into this language (the active one by default) on obj,
    if there is one; without one obj stays as it is. Returns obj."""
    language = base_language(language or get_language())
    if getattr(obj, "shown_language", None) is not None:
        return obj
    translation = obj.translations.filter(language=language).only(*fields).first()
    if translation is not None:
        for name in fields:
            setattr(obj, name, getattr(translation, name))
        obj.shown_language = language
    return obj


def refuse_if_localised(obj) -> None:
    """For save(): an instance localise() put a translation on is for display only."""
    if getattr(obj, "shown_language", None) is not None:
        raise ValueError(f"{obj._meta.verbose_name} shown in a visitor's language cannot be saved")


class Translation(models.Model):
    """An object's text in another language; the subclass adds the foreign key and the fields."""

    # The subclass's foreign key to what it translates ("statement", "event").
    translates = ""

    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{getattr(self, self.translates)} ({self.language})"

    @staticmethod
    def one_per_language(translates: str, name: str) -> models.UniqueConstraint:
        return models.UniqueConstraint(fields=[translates, "language"], name=name)
