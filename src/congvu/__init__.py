"""congvu: quản lý văn bản và điều hành, một cửa điện tử, báo cáo."""

from .celery import app as celery_app

__all__ = ["celery_app"]
__version__ = "0.1.0"
