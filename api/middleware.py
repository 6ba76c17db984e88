from .models import ApiKeyUse


class KeyUseLogMiddleware:
    """Record each request made with an API key, with the status it was answered with.

    The API's authentication puts the key on the request; other requests are not touched.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "api_key", None)
        if key is not None:
            ApiKeyUse.objects.create(
                key=key, method=request.method[:7], path=request.path[:300], status=response.status_code
            )
        return response
