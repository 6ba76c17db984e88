from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Organisers' API"

    def ready(self):
        from . import webhooks

        # After every migrate: see api.sync for why the triggers are not in a migration.
        post_migrate.connect(_install_triggers, sender=self)
        webhooks.install()


def _install_triggers(sender, using="default", **kwargs):
    from .sync import install_triggers

    install_triggers(using)
