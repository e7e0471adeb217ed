import pytest


@pytest.fixture(autouse=True)
def _tmp_storage(_tmp_storage):
    """Each test stores blobs in its own directory."""
    return _tmp_storage
