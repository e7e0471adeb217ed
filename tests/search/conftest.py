from tests.inbox.conftest import commune, other  # noqa: F401
