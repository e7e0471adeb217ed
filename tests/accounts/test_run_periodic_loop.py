"""`congvu run_periodic --loop`: the embedded stand-in for Celery beat (`make demo`)."""

import datetime

from django.core.management import call_command

import pytest

pytestmark = pytest.mark.django_db

TASK = "congvu.accounts.tasks.expire_delegations"


def test_each_job_runs_on_its_own_interval_and_a_broken_one_stops_nothing(
    settings, capsys, time_machine
):
    time_machine.move_to("2026-12-07 08:00:00+07:00", tick=False)
    settings.CELERY_BEAT_SCHEDULE = {
        "often": {"task": TASK, "schedule": 0},
        "hourly": {"task": TASK, "schedule": datetime.timedelta(hours=1)},
        "broken": {"task": "congvu.accounts.tasks.no_such_task", "schedule": 0},
    }
    call_command("run_periodic", loop=True, tick=0, cycles=3)
    out = capsys.readouterr()
    assert out.out.count("often (") == 3
    assert out.out.count("hourly (") == 1
    assert out.err.count("broken (congvu.accounts.tasks.no_such_task): FAILED") == 3


def test_an_interval_runs_again_once_it_has_passed(settings, capsys, time_machine, monkeypatch):
    time_machine.move_to("2026-12-07 08:00:00+07:00", tick=False)
    settings.CELERY_BEAT_SCHEDULE = {"minutely": {"task": TASK, "schedule": 60}}
    calls = []

    def sleep(seconds):
        calls.append(seconds)
        time_machine.shift(datetime.timedelta(seconds=30))

    import congvu.accounts.management.commands.run_periodic as command

    monkeypatch.setattr(command.time, "sleep", sleep)
    call_command("run_periodic", loop=True, tick=30, cycles=5)
    # At 0 s, 60 s and 120 s: every other look at the schedule.
    assert capsys.readouterr().out.count("minutely (") == 3
    assert calls == [30, 30, 30, 30]
