import json
import os

from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from . import health, metrics


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


@never_cache
def prometheus(request):
    """Prometheus metrics: requests, the process, and the platform's own figures.

    Only for METRICS_TOKEN or METRICS_ALLOWED_IPS; anyone else gets the same 404 as a missing page.
    """
    if not metrics.allowed(request):
        raise Http404
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        # Every gunicorn worker's request counters, summed; the platform's figures once.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(metrics.PlatformCollector())
    else:
        registry = REGISTRY
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
