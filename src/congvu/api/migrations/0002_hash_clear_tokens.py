"""Hash the keys of DRF's ``authtoken_token`` table into ApiToken and delete them.

Earlier versions kept API keys in clear in DRF's ``authtoken`` table. That app
is no longer installed, so its table is read with plain SQL when it exists;
each key becomes a digest row (same user, same issue time) and the clear row
is deleted, so integrations keep working with the key they already have.
"""

import datetime
import hashlib

from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

LEGACY_TABLE = "authtoken_token"


def hash_clear_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if LEGACY_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("api", "ApiToken")
    table = schema_editor.quote_name(LEGACY_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {schema_editor.quote_name('key')}, user_id, created FROM {table}")
        rows = cursor.fetchall()
    have = set(ApiToken.objects.values_list("user_id", flat=True))
    for key, user_id, created in rows:
        if user_id in have:
            continue
        token = ApiToken.objects.create(
            user_id=user_id,
            digest=hashlib.sha256(key.encode("utf-8")).hexdigest(),
            prefix=key[:8],
        )
        # auto_now_add set "now"; keep when the key was really issued.
        ApiToken.objects.filter(pk=token.pk).update(created=_aware(created))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")


def _aware(value):
    """SQLite hands back text, PostgreSQL an aware datetime; both are UTC."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_api_token"),
    ]

    operations = [
        migrations.RunPython(hash_clear_tokens, migrations.RunPython.noop, elidable=True),
    ]
