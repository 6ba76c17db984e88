from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = "Statements and signatures"

    def ready(self):
        from campaigns.models import Campaign

        from .models import Statement

        for signal in (post_save, post_delete):
            signal.connect(_statement_changed, sender=Statement, dispatch_uid="petitions-statement-changed")
            signal.connect(_campaign_changed, sender=Campaign, dispatch_uid="petitions-campaign-changed")


def _statement_changed(sender, instance, **kwargs):
    from .pagecache import forget_statements

    forget_statements([instance])


def _campaign_changed(sender, instance, **kwargs):
    from .pagecache import forget_statements

    statements = list(instance.statements.all()) if kwargs.get("signal") is post_save else []
    for statement in statements:
        statement.campaign = instance
    forget_statements(statements)
