"""Signing and verifying from a thread that already runs an event loop (ASGI).

pyHanko's synchronous calls use ``asyncio.run``, which raises in such a thread;
``signatures.loopsafe`` hands them to a worker thread there.
"""

import asyncio
import threading

import pytest

from congvu.outgoing.services.issuance import render_pdf
from congvu.signatures import loopsafe, pades, remote_pades
from congvu.signatures.models import KeyKind, SigningKey
from congvu.signatures.validation import trust_roots, validate_pdf
from tests.outgoing.helpers import approved


def _inside_a_running_loop(fn):
    async def main():
        asyncio.get_running_loop()  # the point: a loop is running in this thread
        return fn()

    return asyncio.run(main())


@pytest.mark.django_db
def test_sign_and_verify_from_inside_a_running_loop(signing):
    # Everything from the database is read first, outside the loop (as a view would).
    pdf = render_pdf(approved(signing))
    person = pades.key_material(SigningKey.objects.get(kind=KeyKind.PERSON))
    agency = pades.key_material(SigningKey.objects.get(kind=KeyKind.AGENCY))
    roots = trust_roots()

    def sign_and_check():
        signed = pades.sign_issued(pdf, person=person, agency=agency, agency_name=signing.unit.name)
        return validate_pdf(signed, roots=roots, fetch=False)

    reports = _inside_a_running_loop(sign_and_check)
    assert [r.valid and r.intact and r.trusted for r in reports] == [True, True]


@pytest.mark.django_db
def test_remote_halves_from_inside_a_running_loop(signing):
    pdf = render_pdf(approved(signing))
    key = SigningKey.objects.get(kind=KeyKind.PERSON)
    prepared = _inside_a_running_loop(
        lambda: remote_pades.prepare(
            pdf, certificate_der=bytes(key.certificate_der), image=bytes(key.image), location=""
        )
    )
    assert prepared.to_be_signed and prepared.reserved_end > prepared.reserved_start


def test_outside_a_loop_the_call_stays_in_this_thread():
    here = threading.get_ident()
    assert loopsafe.call(threading.get_ident) == here
    assert _inside_a_running_loop(lambda: loopsafe.call(threading.get_ident)) != here


def test_errors_reach_the_caller_from_the_worker():
    async def fails():
        raise ValueError("token refused")

    with pytest.raises(ValueError, match="token refused"):
        _inside_a_running_loop(lambda: loopsafe.run(fails))
