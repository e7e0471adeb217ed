"""API rate limits: per account when authenticated, per client address when anonymous.

The test settings turn the limits off (the suite and the fuzzer send bursts);
here they are set low so the limit is reached.
"""

from django.core.cache import cache
from django.test import override_settings

import pytest
from rest_framework.test import APIClient

from congvu.api.services import api_token_issue


def rates(user=None, anon=None):
    from django.conf import settings

    return override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"user": user, "anon": anon},
        }
    )


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def token_client(user, ip="10.0.0.1") -> APIClient:
    _token, key = api_token_issue(actor=None, user=user, reset=True)
    client = APIClient(REMOTE_ADDR=ip)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.mark.django_db
def test_an_account_over_its_rate_gets_429_with_retry_after(actor_factory):
    clerk = actor_factory("clerk", username="lienthong")
    other = actor_factory("clerk", username="vanthu")
    with rates(user="3/minute"):
        client = token_client(clerk)
        for _ in range(3):
            assert client.get("/api/v1/me/").status_code == 200
        response = client.get("/api/v1/me/")
        assert response.status_code == 429
        body = response.json()
        assert body["code"] == "throttled"
        assert body["errors"] == []
        assert "Quá nhiều yêu cầu" in body["message"]
        retry = int(response["Retry-After"])
        assert 1 <= retry <= 60
        assert str(retry) in body["message"]
        # Counted per account, not per address: a colleague behind the same address is served.
        assert token_client(other).get("/api/v1/me/").status_code == 200
        # A session of the same account shares its count.
        session = APIClient(REMOTE_ADDR="10.9.9.9")
        session.force_authenticate(clerk)
        assert session.get("/api/v1/me/").status_code == 429


@pytest.mark.django_db
def test_anonymous_requests_are_limited_per_address():
    with rates(anon="2/minute"):
        first = APIClient(REMOTE_ADDR="192.0.2.1")
        assert first.get("/api/v1/procedures/").status_code == 200
        assert first.get("/api/v1/procedures/").status_code == 200
        response = first.get("/api/v1/procedures/")
        assert response.status_code == 429
        assert response.json()["code"] == "throttled"
        assert "Retry-After" in response
        # A forged X-Forwarded-For does not give a fresh count.
        forged = first.get("/api/v1/procedures/", HTTP_X_FORWARDED_FOR="203.0.113.7")
        assert forged.status_code == 429
        # Another address has its own count.
        assert APIClient(REMOTE_ADDR="192.0.2.2").get("/api/v1/procedures/").status_code == 200


@pytest.mark.django_db
def test_anonymous_limit_does_not_count_authenticated_accounts(actor_factory):
    clerk = actor_factory("clerk")
    with rates(anon="1/minute"):
        client = token_client(clerk, ip="192.0.2.1")
        for _ in range(3):
            assert client.get("/api/v1/procedures/").status_code == 200


@pytest.mark.django_db
def test_an_empty_rate_turns_the_limit_off(actor_factory):
    clerk = actor_factory("clerk")
    with rates(user=None, anon=None):
        client = token_client(clerk)
        for _ in range(20):
            assert client.get("/api/v1/me/").status_code == 200


def test_the_schema_documents_429():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = [op for item in schema["paths"].values() for op in item.values()]
    assert operations
    assert all("429" in op["responses"] for op in operations)


def test_deployments_are_limited_by_default():
    """Only the test settings turn the limits off; base (and so production) keeps them."""
    from congvu.settings import base

    rates = base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates["user"] and rates["anon"]
    assert base.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "congvu.api.throttling.UserRateThrottle",
        "congvu.api.throttling.AnonRateThrottle",
    ]
