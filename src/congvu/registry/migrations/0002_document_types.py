"""Data migration: the document types of Decree 30/2020 Appendix III."""

from django.db import migrations


def load(apps, schema_editor):
    from congvu.registry.loaders import load_document_types

    load_document_types(apps.get_model("registry", "DocumentType"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
