"""`congvu hub_agency add CODE NAME`: connect an agency to the local exchange hub."""

from django.core.management.base import BaseCommand, CommandError

from congvu.hub.models import HubAgency
from congvu.hub.services import HubError, hub_agency_add


class Command(BaseCommand):
    help = "Kết nối một cơ quan với trục liên thông nội bộ (in mã truy cập một lần) hoặc liệt kê."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        add = sub.add_parser("add")
        add.add_argument("code")
        add.add_argument("name")
        sub.add_parser("list")

    def handle(self, *args, verb, **options):
        if verb == "list":
            for agency in HubAgency.objects.all():
                state = "" if agency.is_active else " (ngừng)"
                self.stdout.write(f"{agency.code}\t{agency.name}{state}")
            return
        try:
            agency, token = hub_agency_add(code=options["code"], name=options["name"])
        except HubError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"{agency.code}\t{token}")
