from django.conf import settings


def site(request):
    return {"SITE_URL": settings.SITE_URL, "ORGANISER_SIGNUP_OPEN": settings.ORGANISER_SIGNUP_OPEN}
