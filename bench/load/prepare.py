"""The load database and the plan the Locust users follow.

1. ``bench.generate`` fills the database (organisation, officials, documents),
   unless it is already there; the national procedure sample is imported and
   a few citizens get dossiers to follow.
2. The plan (JSON) lists, for sampled officials of each role, a session cookie
   and documents within their scope, search terms, and for citizens a session
   and their dossiers. Locust only reads it: no database access during the run.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "src/congvu/procedures/data/tthc-sample.jsonl"
CITIZEN_PREFIX = "load.citizen."
SEARCH_TERMS = [
    "kế hoạch",
    "báo cáo",
    "triển khai",
    "ke hoach",
    "quyết định",
    "đất đai",
    "phòng chống",
    "tổ chức",
]
OFFICIAL_ROLES = ("clerk", "specialist", "leader", "leader_head", "onestop_officer")


def generate(size: str, officials: int) -> None:
    command = [sys.executable, "-m", "bench.generate", "--size", size, "--seed", "1"]
    command += ["--officials", str(officials), "--if-absent"]
    subprocess.run(command, cwd=ROOT, check=True)


def _login(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _procedures() -> list[str]:
    from django.core.management import call_command

    from congvu.procedures.models import Procedure

    if not Procedure.objects.exists():
        call_command("import_procedures", str(SAMPLE), verbosity=0)
    return list(
        Procedure.objects.filter(active=True).order_by("code").values_list("code", flat=True)
    )


def _citizens(count: int, rng: random.Random) -> list[dict]:
    from tests.factories import DossierFactory

    from congvu.accounts.models import User
    from congvu.onestop.models import Dossier
    from congvu.org.models import Unit
    from congvu.procedures.models import ProcedureVersion

    citizens = {u.username: u for u in User.objects.filter(username__startswith=CITIZEN_PREFIX)}
    versions = list(ProcedureVersion.objects.order_by("pk")[:20])
    units = list(Unit.objects.filter(kind="commune").order_by("pk")[:10]) or list(
        Unit.objects.order_by("pk")[:10]
    )
    for n in range(count):
        user = citizens.get(f"{CITIZEN_PREFIX}{n}")
        if user is None:
            user = citizens[f"{CITIZEN_PREFIX}{n}"] = User.objects.create_user(
                username=f"{CITIZEN_PREFIX}{n}",
                email=f"congdan{n}@example.vn",
                kind="citizen",
                full_name=f"Công dân thử tải {n}",
                email_verified=True,
                applicant_type="person",
            )
        # Also after a regeneration of the documents, which deletes every dossier.
        if not Dossier.objects.filter(applicant=user).exists():
            for k in range(3):
                DossierFactory(
                    code=f"000.00.00.L00-261128-{n:04d}{k}",
                    procedure_version=rng.choice(versions),
                    receiving_unit=rng.choice(units),
                    applicant=user,
                    applicant_name=user.full_name,
                )
    citizens = sorted(citizens.values(), key=lambda u: u.pk)
    plan = []
    for user in citizens:
        tokens = list(Dossier.objects.filter(applicant=user).values_list("public_token", flat=True))
        plan.append({"cookie": _login(user), "dossiers": tokens})
    return plan


def _officials(per_role: int, rng: random.Random) -> list[dict]:
    from bench.generate import USER_PREFIX
    from congvu.accounts.models import Position
    from congvu.incoming.models import IncomingDocument
    from congvu.outgoing.models import OutgoingDocument

    plan = []
    for role in OFFICIAL_ROLES:
        positions = list(
            Position.objects.active()
            .filter(role=role, user__username__startswith=USER_PREFIX, user__is_active=True)
            .select_related("user")
            .order_by("pk")
        )
        for position in rng.sample(positions, min(per_role, len(positions))):
            user = position.user
            incoming = list(
                IncomingDocument.objects.restrict(user, "view")
                .order_by("-pk")
                .values_list("pk", flat=True)[:30]
            )
            outgoing = list(
                OutgoingDocument.objects.restrict(user, "view")
                .order_by("-pk")
                .values_list("pk", flat=True)[:30]
            )
            plan.append(
                {"role": role, "cookie": _login(user), "incoming": incoming, "outgoing": outgoing}
            )
    return plan


def prepare(*, size: str, officials: int, out: Path, per_role: int = 12, citizens: int = 30):
    generate(size, officials)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load.settings")
    import django

    django.setup()
    rng = random.Random(1)
    procedures = _procedures()
    plan = {
        "officials": _officials(per_role, rng),
        "citizens": _citizens(citizens, rng),
        "procedures": procedures,
        "search_terms": SEARCH_TERMS,
    }
    _analyze()
    out.write_text(json.dumps(plan, ensure_ascii=False))
    return plan


def _analyze() -> None:
    """Planner statistics for the freshly loaded tables.

    Without them PostgreSQL plans every query as if the tables were empty (a server
    with autovacuum off never gathers them): the incoming list then took 185 ms of
    SQL on 20,000 documents instead of about 15 ms.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
