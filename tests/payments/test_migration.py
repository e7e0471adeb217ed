"""Data migration 0002: payments recorded before ``procedure`` existed take their dossier's."""

import pytest

from congvu.payments.models import Payment

pytestmark = pytest.mark.django_db


def test_backfill_sets_procedure_from_dossier(dossier, officer):
    from importlib import import_module

    from django.apps import apps

    from congvu.payments import services

    payment = services.payment_record_cash(actor=officer, dossier=dossier)
    Payment.objects.filter(pk=payment.pk).update(procedure=None)
    import_module("congvu.payments.migrations.0002_payment_procedure").backfill(apps, None)
    payment.refresh_from_db()
    assert payment.procedure_id == dossier.procedure_id
