"""The OpenAPI document is valid, public, complete, and documents the error shape."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

import pytest
from openapi_spec_validator import validate

from tests.api.operations import api_operations


def _v1_routes(resolver=None, prefix=""):
    """Every route under /api/v1/ from Django's URL resolver, as an OpenAPI path template."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _v1_routes(entry, route)
        elif isinstance(entry, URLPattern) and route.startswith("api/v1/"):
            yield "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


@pytest.fixture
def schema(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/")
    return response.json()


@pytest.mark.django_db
def test_schema_is_valid_openapi_3(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")


@pytest.mark.django_db
def test_schema_lists_every_v1_route(schema):
    routes = set(_v1_routes())
    assert "/api/v1/units/" in routes and "/api/v1/me/" in routes
    documented = {p.replace("{pk}", "{id}") for p in schema["paths"]}
    assert {r.replace("{pk}", "{id}") for r in routes} <= documented


@pytest.mark.django_db
def test_served_schema_matches_the_operations_helper(schema):
    served = {
        (m.upper(), p) for p, item in schema["paths"].items() for m in item if m != "parameters"
    }
    helper = {(method, path) for method, path, _op in api_operations()}
    assert helper == served
    assert ("GET", "/api/v1/audit-records/{id}/") in helper
    assert ("POST", "/api/v1/delegations/{id}/revoke/") in helper


def test_every_operation_documents_the_error_component():
    for method, path, operation in api_operations():
        errors = {code: r for code, r in operation["responses"].items() if code.startswith("4")}
        # Public operations (AllowAny, e.g. the procedure catalogue) list {} among their
        # security requirements and answer neither 401 nor 403.
        if {} not in operation.get("security", []):
            assert {"401", "403"} <= set(errors), (method, path)
        if "{" in path:
            assert "404" in errors, (method, path)
        for response in errors.values():
            ref = response["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/Error"


@pytest.mark.django_db
def test_error_component_has_code_message_and_field_errors(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "message", "errors"}
    field_error = schema["components"]["schemas"]["FieldError"]
    assert set(field_error["properties"]) == {"field", "code", "message"}


@pytest.mark.django_db
def test_list_filters_are_documented_as_query_parameters(schema):
    params = {p["name"] for p in schema["paths"]["/api/v1/units/"]["get"]["parameters"]}
    assert {"active_on", "kind", "parent", "q", "limit", "offset"} <= params


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "schema_reference"),
    [("/api/docs/", "/api/docs/?script="), ("/api/redoc/", "/api/openapi.json")],
)
def test_interactive_docs_are_public_and_use_local_assets_only(client, url, schema_reference):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert schema_reference in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "every asset must be local"
    assert "<script>" not in html and "<style" not in html, "no inline script or style (CSP)"


@pytest.mark.django_db
def test_swagger_init_script_is_served_separately(client):
    response = client.get("/api/docs/?script=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/openapi.json" in response.content.decode()
