from . import views


class ProbeMiddleware:
    """Answers /healthz and /readyz first, before host validation, sessions and locale.

    Kubernetes sends its probes with the pod's IP as Host, which ALLOWED_HOSTS rightly refuses; and
    a probe needs none of what the other middleware does, only to be cheap.
    """

    PROBES = {"/healthz": views.healthz, "/readyz": views.readyz}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = self.PROBES.get(request.path_info)
        return probe(request) if probe else self.get_response(request)
