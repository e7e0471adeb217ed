"""congvu create_api_token USERNAME [--reset] [--scope read|read_write] [--days N].

The key is printed once; only its SHA-256 digest is stored, so a lost key is
replaced with ``--reset``, never shown again. A token issued here is read-only
unless ``--scope read_write`` is given, and lasts ``--days`` days (default
``API_TOKEN_DAYS``, 90).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from congvu.accounts.models import User
from congvu.api.models import ApiToken
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
        parser.add_argument(
            "--scope",
            choices=ApiToken.Scope.values,
            default=ApiToken.Scope.READ,
            help="read: chỉ đọc (mặc định); read_write: đọc và ghi.",
        )
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Số ngày hiệu lực (mặc định theo API_TOKEN_DAYS, 90 ngày).",
        )

    def handle(self, *args, username, reset, scope, days, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {username!r}.")
        try:
            token, key = api_token_issue(actor=None, user=user, reset=reset, scope=scope, days=days)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(key)
        expires = timezone.localtime(token.expires_at).strftime("%d/%m/%Y %H:%M")
        self.stderr.write(f"Phạm vi: {token.get_scope_display()}; hết hạn lúc {expires}.")
