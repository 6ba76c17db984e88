from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UpdatesConfig(AppConfig):
    name = "updates"
    verbose_name = _("Updates to signers")

    def ready(self):
        from outbox.suppression import complained

        from .services import on_complaint

        complained.connect(on_complaint, dispatch_uid="updates.on_complaint")
