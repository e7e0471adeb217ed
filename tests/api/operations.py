"""Every API operation, read from the generated OpenAPI schema.

Tests that must cover the whole API (error format, the route-walking
authorization test) iterate over ``api_operations()``, so an endpoint added
later is covered as soon as it is routed, without anyone listing it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PARAM_RE = re.compile(r"\{(\w+)\}")


@cache
def api_schema() -> dict:
    """The OpenAPI document as /api/openapi.json serves it (public generation)."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def api_operations(prefix: str = "/api/") -> list[tuple[str, str, dict]]:
    """(METHOD, path template like "/api/v1/units/{id}/", operation object), sorted."""
    found = []
    for path, item in api_schema()["paths"].items():
        if not path.startswith(prefix):
            continue
        for method, operation in item.items():
            if method in HTTP_METHODS:
                found.append((method.upper(), path, operation))
    return sorted(found, key=lambda op: (op[1], op[0]))


def path_parameters(path: str) -> list[str]:
    return PARAM_RE.findall(path)


def fill_path(path: str, value=1, **values) -> str:
    """Substitute ``{name}`` slots: by name from ``values``, else ``value``."""
    return PARAM_RE.sub(lambda m: str(values.get(m[1], value)), path)


def iter_operation_ids() -> Iterator[str]:
    for method, path, _operation in api_operations():
        yield f"{method} {path}"
