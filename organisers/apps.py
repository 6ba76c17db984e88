from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OrganisersConfig(AppConfig):
    name = "organisers"
    verbose_name = "Organisers"

    def ready(self):
        from .site import sync_site

        # The sites app creates "example.com" on its own post_migrate; this one runs after it.
        post_migrate.connect(sync_site, sender=self, dispatch_uid="organisers.sync_site")
