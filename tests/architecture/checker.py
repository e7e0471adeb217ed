"""Import contracts checked with ``ast``: no import of the code under test.

Every module under a package root is parsed and each reference to another
module of the package is collected:

- ``import a.b`` and ``from a.b import c`` at any depth (function-local
  imports and ``if TYPE_CHECKING`` blocks included), relative imports
  resolved against the importing module;
- string references that load code or models lazily:
  ``apps.get_model("onestop", "Dossier")``, ``apps.get_model("onestop.Dossier")``,
  ``import_string("congvu.x.y")`` and ``import_module("congvu.x")``.

Migrations are skipped: their cross-app references are the schema's foreign
keys, which the model layer already states. So are template folders.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

LAZY_LOADERS = {"import_string", "import_module"}


@dataclass(frozen=True)
class Reference:
    module: str
    target: str
    line: int


@dataclass(frozen=True)
class Violation:
    module: str
    target: str
    line: int
    contract: str

    def __str__(self) -> str:
        return (
            f"{self.module} imports {self.target} (contract: {self.contract}) at line {self.line}"
        )


def module_name(path: Path, source_root: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(source_root).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(parts), is_package


def _string_arg(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def references(tree: ast.AST, module: str, is_package: bool, package: str) -> list[Reference]:
    """Every reference from ``module`` to a module of ``package``."""
    here = module.split(".") if is_package else module.split(".")[:-1]
    found: list[Reference] = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            targets = [f"{origin}.{alias.name}" for alias in node.names if alias.name != "*"]
            if any(alias.name == "*" for alias in node.names):
                targets.append(origin)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            value = _string_arg(node)
            if value is None:
                continue
            if name == "get_model":
                targets = [f"{package}.{value.split('.')[0]}"]
            elif name in LAZY_LOADERS:
                targets = [value]
        found.extend(
            Reference(module, target, node.lineno)
            for target in targets
            if target == package or target.startswith(package + ".")
        )
    return found


def collect(source_root: Path, package: str = "congvu") -> list[Reference]:
    refs: list[Reference] = []
    for path in sorted((source_root / package).rglob("*.py")):
        parts = path.relative_to(source_root).parts
        # Template folders hold no modules (makemessages leaves *.html.py there for a while).
        if "migrations" in parts or "templates" in parts:
            continue
        module, is_package = module_name(path, source_root)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        refs.extend(references(tree, module, is_package, package))
    return refs


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def check(refs: list[Reference], contracts, package: str = "congvu") -> list[Violation]:
    """The references that break a contract, minus the listed exceptions."""
    layer_of: dict[str, int] = {}
    for index, layer in enumerate(contracts.LAYERS):
        for app in layer["apps"]:
            layer_of[app] = index

    def app_of(name: str) -> str | None:
        parts = name.split(".")
        return parts[1] if len(parts) > 1 and parts[1] in layer_of else None

    def is_root(name: str) -> bool:
        if name == package:
            return True
        return any(_within(name, root) for root in contracts.COMPOSITION_ROOTS if root != package)

    def is_app_api(name: str, app: str) -> bool:
        return _within(name, f"{package}.{app}.api")

    violations: list[Violation] = []
    for ref in refs:
        source_app, target_app = app_of(ref.module), app_of(ref.target)
        if source_app is None:
            # A composition root, or code outside every layer: unchecked.
            continue
        if target_app is None:
            if is_root(ref.target):
                violations.append(
                    Violation(ref.module, ref.target, ref.line, "no app imports a composition root")
                )
            continue
        if source_app == target_app:
            continue
        contract = None
        source_layer = contracts.LAYERS[layer_of[source_app]]
        target_layer = contracts.LAYERS[layer_of[target_app]]
        if is_app_api(ref.target, target_app) and target_app != "api":
            if not _within(ref.module, contracts.API_PACKAGE):
                contract = "only the API package imports app APIs"
        elif target_app in contracts.LEAVES and not _within(ref.module, contracts.API_PACKAGE):
            contract = contracts.LEAVES[target_app]
        elif any(_within(ref.target, tool) for tool in contracts.API_TOOLKIT) and is_app_api(
            ref.module, source_app
        ):
            contract = None
        elif layer_of[target_app] > layer_of[source_app]:
            contract = f"{source_layer['name']} does not import {target_layer['name']}"
        elif layer_of[target_app] == layer_of[source_app] and source_layer.get("independent"):
            contract = f"{source_layer['name']} apps are independent"
        if contract:
            violations.append(Violation(ref.module, ref.target, ref.line, contract))
    return [v for v in violations if (v.module, v.target) not in contracts.EXCEPTIONS]


def stale_exceptions(refs: list[Reference], contracts, package: str = "congvu") -> list[tuple]:
    """Listed exceptions that no longer match a reference breaking a contract."""
    kept = dict(contracts.EXCEPTIONS)

    class Unexcused:
        LAYERS = contracts.LAYERS
        COMPOSITION_ROOTS = contracts.COMPOSITION_ROOTS
        API_PACKAGE = contracts.API_PACKAGE
        API_TOOLKIT = contracts.API_TOOLKIT
        LEAVES = contracts.LEAVES
        EXCEPTIONS: dict = {}

    live = {(v.module, v.target) for v in check(refs, Unexcused, package)}
    return [key for key in kept if key not in live]
