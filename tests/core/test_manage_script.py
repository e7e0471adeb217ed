"""The project's manage.py works however it is started (README: `python -m congvu.manage`)."""

import os
import subprocess
import sys
from pathlib import Path

import congvu

MANAGE = Path(congvu.__file__).with_name("manage.py")


def _check(*args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "congvu.settings.test"}
    return subprocess.run(
        [sys.executable, *args, "check"],
        capture_output=True,
        text=True,
        env=env,
        cwd=MANAGE.parent.parent,
        timeout=120,
    )


def test_manage_py_run_as_a_file_imports_the_celery_library_not_its_neighbour():
    # Run as a file, Python puts src/congvu/ first on the path, where congvu/celery.py
    # used to shadow the celery library (ImportError: partially initialized module).
    done = _check(str(MANAGE))
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


def test_manage_module_runs_as_before():
    done = _check("-m", "congvu.manage")
    assert done.returncode == 0, done.stderr
