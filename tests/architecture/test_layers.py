"""The app layers of docs/architecture.md hold in the source tree."""

from __future__ import annotations

import textwrap
import types
from pathlib import Path

import congvu

from . import contracts
from .checker import check, collect, stale_exceptions

SOURCE_ROOT = Path(congvu.__file__).resolve().parent.parent


def test_every_app_has_a_layer():
    apps = {path.parent.name for path in (SOURCE_ROOT / "congvu").glob("*/apps.py")}
    layered = {app for layer in contracts.LAYERS for app in layer["apps"]}
    roots = {root.split(".")[1] for root in contracts.COMPOSITION_ROOTS if "." in root}
    assert apps - layered - roots == set(), (
        "apps without a layer in tests/architecture/contracts.py"
    )


def test_every_top_level_module_is_placed():
    """A module beside the apps is unchecked unless it is a declared composition root."""
    top = {
        f"congvu.{path.stem}"
        for path in (SOURCE_ROOT / "congvu").iterdir()
        if path.suffix == ".py"
        and path.stem != "__init__"
        or path.is_dir()
        and (path / "__init__.py").exists()
        and not (path / "apps.py").exists()
    }
    assert top - set(contracts.COMPOSITION_ROOTS) == set()


def test_import_contracts_hold():
    violations = check(collect(SOURCE_ROOT), contracts)
    assert not violations, "\n" + "\n".join(str(v) for v in violations)


def test_listed_exceptions_are_still_needed():
    assert stale_exceptions(collect(SOURCE_ROOT), contracts) == []


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def _contracts(**overrides):
    values = {name: getattr(contracts, name) for name in dir(contracts) if name.isupper()}
    values["EXCEPTIONS"] = {}
    values.update(overrides)
    return types.SimpleNamespace(**values)


def test_checker_reports_each_kind_of_violation(tmp_path):
    root = _tree(
        tmp_path,
        {
            "congvu/__init__.py": "",
            "congvu/core/__init__.py": "",
            "congvu/core/authz.py": """
                def as_actor(user):
                    from congvu.accounts.selectors import actor_facts
                    return actor_facts(user)
            """,
            "congvu/incoming/__init__.py": "",
            "congvu/incoming/services.py": """
                from django.apps import apps

                def dossier_model():
                    return apps.get_model("onestop", "Dossier")
            """,
            "congvu/incoming/views.py": "from ..stats import selectors\n",
            "congvu/outgoing/__init__.py": "",
            "congvu/outgoing/views.py": "from congvu.incoming.api import Viewset\n",
            "congvu/files/__init__.py": "",
            "congvu/files/hooks.py": """
                from django.utils.module_loading import import_string
                scanner = import_string("congvu.web.access.official_required")
            """,
            "congvu/web/__init__.py": "",
            "congvu/web/views.py": "import congvu.portal.services\nfrom congvu.celery import app\n",
        },
    )
    found = {str(v).rsplit(" at line", 1)[0] for v in check(collect(root), _contracts())}
    assert found == {
        "congvu.core.authz imports congvu.accounts.selectors.actor_facts "
        "(contract: core does not import foundation)",
        "congvu.incoming.services imports congvu.onestop "
        "(contract: documents does not import one-stop)",
        "congvu.incoming.views imports congvu.stats.selectors (contract: nothing imports reports)",
        "congvu.outgoing.views imports congvu.incoming.api.Viewset "
        "(contract: only the API package imports app APIs)",
        "congvu.files.hooks imports congvu.web.access.official_required "
        "(contract: foundation does not import frames)",
        "congvu.web.views imports congvu.portal.services (contract: frames apps are independent)",
        "congvu.web.views imports congvu.celery.app (contract: no app imports a composition root)",
    }


def test_checker_allows_what_the_layers_allow(tmp_path):
    root = _tree(
        tmp_path,
        {
            "congvu/__init__.py": "from .celery import app\n",
            "congvu/api/__init__.py": "",
            "congvu/api/urls.py": "from congvu.stats import api\nfrom congvu.files.api import V\n",
            "congvu/files/__init__.py": "",
            "congvu/files/api.py": "from congvu.api.errors import ErrorSerializer\n",
            "congvu/onestop/__init__.py": "",
            "congvu/onestop/services.py": "from congvu.incoming.models import X\nfrom . import api\n",
            "congvu/demo/__init__.py": "from congvu.stats import selectors\n",
        },
    )
    assert check(collect(root), _contracts()) == []


def test_checker_sees_the_toolkit_only_from_app_apis(tmp_path):
    root = _tree(
        tmp_path,
        {
            "congvu/__init__.py": "",
            "congvu/files/__init__.py": "",
            "congvu/files/views.py": "from congvu.api.errors import ErrorSerializer\n",
        },
    )
    assert [str(v) for v in check(collect(root), _contracts())] == [
        "congvu.files.views imports congvu.api.errors.ErrorSerializer "
        "(contract: foundation does not import api) at line 1"
    ]


def test_listed_exception_is_excused_and_goes_stale_once_fixed(tmp_path):
    files = {"congvu/__init__.py": "", "congvu/core/__init__.py": "", "congvu/core/x.py": ""}
    key = ("congvu.core.x", "congvu.org.models.Unit")
    listed = _contracts(EXCEPTIONS={key: "reason"})
    files["congvu/core/x.py"] = "from congvu.org.models import Unit\n"
    root = _tree(tmp_path, files)
    assert check(collect(root), listed) == []
    assert stale_exceptions(collect(root), listed) == []
    (root / "congvu/core/x.py").write_text("", encoding="utf-8")
    assert stale_exceptions(collect(root), listed) == [key]
