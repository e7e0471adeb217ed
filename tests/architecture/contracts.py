"""The import contracts between congvu's apps (docs/architecture.md, "Layers").

``tests/architecture/test_layers.py`` reads every module under ``src/congvu``
and checks these tables. Change them together with docs/architecture.md.
"""

# Bottom to top. A module may import its own app, any app of its own layer and
# any app of a lower layer; an ``independent`` layer's apps do not import each
# other. Nothing in a layer imports a composition root.
LAYERS: list[dict] = [
    {"name": "core", "apps": ["core"]},
    {"name": "audit", "apps": ["audit"]},
    {"name": "organisation", "apps": ["org"]},
    # Foundation services on top of the organisation tree. workdays sits above
    # org because a calendar override belongs to a unit (CalendarOverride.unit).
    # hub: the local exchange hub stores and forwards opaque packages; it knows
    # no document app.
    # events: the outbox of domain events, below the documents layer so its producers
    # publish into it and consumers anywhere above subscribe (docs/events.md).
    {
        "name": "foundation",
        "apps": ["accounts", "workdays", "files", "signatures", "hub", "events"],
    },
    # The two UI frames: officials' area (/app/) and the public portal (/).
    {"name": "frames", "apps": ["web", "portal"], "independent": True},
    {
        "name": "documents",
        "apps": [
            "registry",
            "incoming",
            "outgoing",
            "archive",
            "inbox",
            "search",
            "exchange",
        ],
    },
    {"name": "one-stop", "apps": ["procedures", "onestop", "payments"]},
    {"name": "reports", "apps": ["stats"]},
    {"name": "api", "apps": ["api"]},
]

# Modules that wire the apps together. They may import anything; no app
# imports them.
COMPOSITION_ROOTS = [
    "congvu",  # the package itself: loads the Celery app
    "congvu.settings",
    "congvu.urls",
    "congvu.celery",
    "congvu.asgi",
    "congvu.wsgi",
    "congvu.manage",
    "congvu.demo",  # demo data for every app (congvu load_demo)
    "congvu.formats",  # number formats (FORMAT_MODULE_PATH); imports nothing of congvu
]

# An app's API module (``congvu.<app>.api``) is imported only by the API
# package, which mounts it under /api/v1/, and by its own app.
API_PACKAGE = "congvu.api"

# The base classes and fields an app's API module builds on. Only
# ``congvu.<app>.api`` modules may import them from below the API layer.
API_TOOLKIT = ["congvu.api.fields", "congvu.api.viewsets", "congvu.api.errors"]

# Reports read everything and are read by nothing but the API package.
LEAVES = {"stats": "nothing imports reports"}

# Known violations left in place, each with its reason:
# (importing module, imported module or name) -> why it is still there.
# The test fails when an entry no longer matches, so the list only shrinks.
EXCEPTIONS: dict[tuple[str, str], str] = {}
