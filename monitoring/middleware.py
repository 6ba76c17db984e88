from . import views


class ProbeMiddleware:
    """Answers /healthz, /readyz and /metrics first, before host validation, sessions and locale.

    Kubernetes sends its probes (and Prometheus its scrapes) with the pod's IP as Host, which
    ALLOWED_HOSTS rightly refuses; and a probe needs none of what the other middleware does.
    """

    PROBES = {"/healthz": views.healthz, "/readyz": views.readyz, "/metrics": views.prometheus}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = self.PROBES.get(request.path_info)
        return probe(request) if probe else self.get_response(request)
