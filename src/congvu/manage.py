"""The `congvu` command: the project's manage.py, installed into the venv."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    # Run as a file (`python src/congvu/manage.py`), Python puts this package's own folder
    # first on the path, where congvu/celery.py would shadow the celery library: the
    # package is imported from its parent instead, as `python -m congvu.manage` does.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    sys.path.insert(0, os.path.dirname(here))
    main()
