"""``/sandbox/ky-so/``: the sandbox remote-signing service inside congvu (demo and tests only).

Hands the request to the sandbox's own WSGI application (``sandbox.py``)
unchanged; answers 404 unless ``CONGVU_SIGNING_SANDBOX`` is on.
"""

import io
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

from . import sandbox


@csrf_exempt
def mounted(request, rest: str = ""):
    if not getattr(settings, "CONGVU_SIGNING_SANDBOX", False):
        raise Http404
    environ = dict(request.environ)
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        # The phone's form, as Django parsed it, in the one encoding the sandbox reads.
        body = urlencode(list(request.POST.lists()), doseq=True).encode()
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
    else:
        body = request.body
    environ.update(
        {"PATH_INFO": "/" + rest, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
    )
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, headers

    data = b"".join(sandbox.application(environ, start_response))
    response = HttpResponse(data, status=int(answer["status"].split()[0]))
    for name, value in answer["headers"]:
        if name.lower() != "content-length":
            response[name] = value
    return response


app_name = "signatures_sandbox"
urlpatterns = [re_path(r"^(?P<rest>.*)$", mounted, name="sandbox")]
