import pytest


@pytest.fixture(autouse=True)
def _tmp_storage(settings, tmp_path):
    """Each test stores blobs in its own directory."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"
