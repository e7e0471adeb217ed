# congvu application image: the web app (gunicorn), the Celery worker and beat.
# Debian 12 (bookworm), the release the Debian package list is checked on.
# See docs/deploy.md. Build: docker build -t congvu .
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=congvu.settings.production \
    CONGVU_HOME=/app \
    CONGVU_VAR_DIR=/var/lib/congvu

WORKDIR /app

# Debian packages from the one list (fonts, Pango, poppler, gettext, LDAP
# headers), and a compiler only while python-ldap builds.
COPY deps/debian-packages.txt deps/debian-packages.txt
COPY requirements-pip.lock requirements.lock requirements-build.lock ./
RUN apt-get update \
 && grep -vE '^\s*(#|$)' deps/debian-packages.txt \
    | xargs apt-get install -y --no-install-recommends \
 && apt-get install -y --no-install-recommends gcc \
 && pip install --require-hashes --no-deps -r requirements-pip.lock \
 && pip install --require-hashes -r requirements-build.lock \
 && pip install --require-hashes --no-build-isolation -r requirements.lock \
 && apt-get purge -y --auto-remove gcc \
 && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md ./
COPY src ./src
# Translation catalogues are built, not committed (*.mo is ignored by git).
RUN find src -name django.po -execdir msgfmt --check-format -o django.mo django.po \; \
 && pip install --no-build-isolation --no-deps . \
 && rm -rf build src/*.egg-info

RUN useradd --system --home-dir /var/lib/congvu --shell /usr/sbin/nologin congvu \
 && mkdir -p /var/lib/congvu/static /var/lib/congvu/media /var/lib/congvu/audit-anchors \
 && chown -R congvu:congvu /var/lib/congvu
USER congvu

EXPOSE 8000
CMD ["gunicorn", "congvu.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--workers", "3", "--threads", "4", "--forwarded-allow-ips", "*", \
     "--access-logfile", "-"]
