import json

from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from . import health


@never_cache
def healthz(request):
    """Liveness: the process answers. Checks nothing else, so a database outage restarts nothing."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request):
    """Readiness: 200 when every check passes, 503 when one fails; JSON says which and since when.

    `?checks=database,redis` runs only those (a web pod's readiness probe should not fail because
    beat stopped: every pod would leave the load balancer at once).
    """
    wanted = [name for name in request.GET.get("checks", "").split(",") if name]
    unknown = sorted(set(wanted) - set(health.CHECKS))
    if unknown:
        return JsonResponse(
            {"error": f"unknown checks: {', '.join(unknown)}", "checks": sorted(health.CHECKS)}, status=400
        )
    report = health.readiness(wanted)
    return HttpResponse(
        json.dumps(report, indent=1),
        content_type="application/json",
        status=200 if report["status"] == health.OK else 503,
    )
