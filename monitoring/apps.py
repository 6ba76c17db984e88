from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Monitoring"

    def ready(self):
        from prometheus_client import REGISTRY

        from .metrics import PlatformCollector

        REGISTRY.register(PlatformCollector())
