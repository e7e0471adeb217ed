"""With the sandbox on, the demo gives one leader a key at the sandbox and the others PKCS#12."""

import pytest

from congvu.signatures import sandbox
from congvu.signatures.demo import REMOTE_DEMO_USERNAME, provision_demo_keys
from congvu.signatures.models import KeyKind, SigningKey
from tests.factories import PositionFactory


@pytest.mark.django_db
def test_demo_enrols_one_leader_at_the_sandbox(settings, tmp_path):
    settings.CONGVU_SIGNING_SANDBOX = True
    settings.CONGVU_SIGNING_SANDBOX_DIR = str(tmp_path / "ky-so-sandbox")
    settings.CONGVU_SIGNING_REMOTE_URL = ""
    deputy = PositionFactory(deputy=True, user__username=REMOTE_DEMO_USERNAME)
    head = PositionFactory(unit=deputy.unit, leader=True)
    PositionFactory(unit=deputy.unit, clerk=True)
    provision_demo_keys()
    remote = SigningKey.objects.get(user=deputy.user)
    assert remote.is_remote and remote.remote_provider == "sandbox" and not bytes(remote.pkcs12)
    # The sandbox holds her key; congvu holds only the account and the certificate.
    account = sandbox.SandboxStore().account(remote.remote_account)
    assert sandbox.unb64(account["certificates"][0]) == bytes(remote.certificate_der)
    local = SigningKey.objects.get(user=head.user)
    assert not local.is_remote and bytes(local.pkcs12)
    assert SigningKey.objects.filter(kind=KeyKind.AGENCY, unit=deputy.unit).exists()


@pytest.mark.django_db
def test_without_the_sandbox_every_demo_leader_has_a_file(settings):
    settings.CONGVU_SIGNING_SANDBOX = False
    deputy = PositionFactory(deputy=True, user__username=REMOTE_DEMO_USERNAME)
    provision_demo_keys()
    assert not SigningKey.objects.get(user=deputy.user).is_remote
