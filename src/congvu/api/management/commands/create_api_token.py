"""congvu create_api_token USERNAME [--reset]: an API token for an integration account.

The key is printed once; only its SHA-256 digest is stored, so a lost key is
replaced with ``--reset``, never shown again.
"""

from django.core.management.base import BaseCommand, CommandError

from congvu.accounts.models import User
from congvu.api.services import api_token_issue
from congvu.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Cấp mã truy cập API (Authorization: Token …) cho một cán bộ. Mã chỉ hiện một lần; "
        "mất mã thì cấp lại bằng --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--reset", action="store_true", help="Thay mã cũ bằng mã mới (mã cũ hết hiệu lực)."
        )

    def handle(self, *args, username, reset, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {username!r}.")
        try:
            _token, key = api_token_issue(actor=None, user=user, reset=reset)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(key)
