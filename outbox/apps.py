from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "Outbox"

    def ready(self):
        # Every app's emails.py registers its builders (outbox.registry).
        autodiscover_modules("emails")

        from anymail.signals import tracking

        from .suppression import on_tracking

        tracking.connect(on_tracking, dispatch_uid="outbox.suppression")
