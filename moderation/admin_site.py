"""The admin site with the moderation queues' counts beside their names (index and side bar)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class ModerationAdminSite(admin.AdminSite):
    # The side bar takes a quarter of a laptop's width from the lists; the index has the same links.
    enable_nav_sidebar = False

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            for entry in app["models"]:
                model_admin = self._registry.get(entry["model"])
                waiting = getattr(model_admin, "waiting", None)
                if waiting is not None:
                    entry["name"] = f"{entry['name']} ({waiting(request)})"
        return app_list


class ModerationAdminConfig(AdminConfig):
    default_site = "moderation.admin_site.ModerationAdminSite"
