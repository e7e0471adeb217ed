"""REST API of this app. ``ROUTES`` are (prefix, viewset, basename) for the v1 router;
``PATHS`` are extra ``path()`` entries under /api/v1/."""

ROUTES: list = []
PATHS: list = []
