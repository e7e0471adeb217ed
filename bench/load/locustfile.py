"""A working day of congvu under load: officials at their desks, citizens on the portal.

Headless only, against the loopback server of ``bench/load/run.py``, which
writes the plan (sessions, documents in scope, dossiers) this file reads from
``LOAD_PLAN``. Each user is paced at ``LOAD_USER_RPS`` requests per second
(``constant_throughput``), so the offered rate is users × that; a request
that does not answer 200 is a failure (a redirect would mean a lost session).
"""

from __future__ import annotations

import json
import os
import random
from urllib.parse import quote

from locust import constant_throughput, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["LOAD_PLAN"], encoding="utf-8") as _fh:
    PLAN = json.load(_fh)
USER_RPS = float(os.environ.get("LOAD_USER_RPS", "4"))
OFFICIAL_WEIGHT = int(os.environ.get("LOAD_OFFICIAL_WEIGHT", "3"))
CITIZEN_WEIGHT = int(os.environ.get("LOAD_CITIZEN_WEIGHT", "2"))


class _Base(FastHttpUser):
    abstract = True
    wait_time = constant_throughput(USER_RPS)
    # One connection per simulated user, as one browser tab would keep.
    concurrency = 1

    headers: dict = {}

    def open(self, path: str, name: str | None = None):
        with self.client.get(
            path,
            name=name or path,
            headers=self.headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


class Official(_Base):
    """A clerk, specialist or leader: inbox, lists, a document, a search."""

    weight = OFFICIAL_WEIGHT

    def on_start(self):
        self.me = random.choice(PLAN["officials"])
        self.headers = {"Cookie": f"sessionid={self.me['cookie']}"}

    @task(4)
    def inbox(self):
        self.open("/app/viec-cua-toi/")

    @task(2)
    def home(self):
        self.open("/app/")

    @task(2)
    def incoming_list(self):
        self.open("/app/van-ban-den/")

    @task(1)
    def outgoing_list(self):
        self.open("/app/van-ban-di/")

    @task(3)
    def incoming_document(self):
        if self.me["incoming"]:
            pk = random.choice(self.me["incoming"])
            self.open(f"/app/van-ban-den/{pk}/", name="/app/van-ban-den/[id]/")

    @task(1)
    def outgoing_document(self):
        if self.me["outgoing"]:
            pk = random.choice(self.me["outgoing"])
            self.open(f"/app/van-ban-di/{pk}/", name="/app/van-ban-di/[id]/")

    @task(2)
    def search(self):
        term = random.choice(PLAN["search_terms"])
        self.open(f"/app/tim-kiem/?q={quote(term)}", name="/app/tim-kiem/?q=[term]")


class Citizen(_Base):
    """A citizen: the procedure catalogue, the online services page, their own dossiers."""

    weight = CITIZEN_WEIGHT

    def on_start(self):
        self.me = random.choice(PLAN["citizens"]) if PLAN["citizens"] else None
        self.headers = {"Cookie": f"sessionid={self.me['cookie']}"} if self.me else {}

    @task(1)
    def portal_home(self):
        self.open("/")

    @task(3)
    def procedures(self):
        self.open("/thu-tuc/")

    @task(3)
    def procedure(self):
        if PLAN["procedures"]:
            code = random.choice(PLAN["procedures"])
            self.open(f"/thu-tuc/{quote(code)}/", name="/thu-tuc/[code]/")

    @task(1)
    def online_services(self):
        self.open("/dich-vu-cong/")

    @task(1)
    def my_dossiers(self):
        if self.me:
            self.open("/dich-vu-cong/ho-so/")

    @task(2)
    def dossier(self):
        if self.me and self.me["dossiers"]:
            token = random.choice(self.me["dossiers"])
            self.open(f"/dich-vu-cong/ho-so/{token}/", name="/dich-vu-cong/ho-so/[token]/")
