import json

from django.core.management.base import BaseCommand, CommandError

from monitoring import health


class Command(BaseCommand):
    help = (
        "Run /readyz's checks (all, or those named) and exit 1 when one fails: for container health checks."
    )

    def add_arguments(self, parser):
        parser.add_argument("checks", nargs="*", choices=sorted(health.CHECKS))

    def handle(self, *args, checks, **options):
        report = health.readiness(checks)
        self.stdout.write(json.dumps(report))
        if report["status"] != health.OK:
            raise CommandError(
                "not ready: "
                + ", ".join(
                    name for name, check in report["checks"].items() if check["status"] == health.FAILING
                )
            )
