"""Values every page of the shell needs."""

from django.conf import settings


def shell(request):
    return {"site_name": settings.CONGVU_SITE_NAME}
