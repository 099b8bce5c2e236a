"""Each domain's URL map is one file: shop/<domain>/blueprint.py.

That module creates the Blueprint, lists every rule with `add_url_rule` and
registers the blueprint's hooks and template globals. The view modules hold
the functions (with their own decorators: login, rate limits, CSRF exemptions,
page cache), carry no route decorator and import nothing from a blueprint
module, so no import cycle runs through the URL map.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import shop

SHOP = Path(shop.__file__).parent
BLUEPRINT_MODULE = "blueprint.py"
# Decorators or calls that add a rule or a hook to a Blueprint.
ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}
BLUEPRINT_HOOKS = {
    "after_app_request",
    "after_request",
    "app_context_processor",
    "app_errorhandler",
    "app_template_filter",
    "app_template_global",
    "app_url_value_preprocessor",
    "before_app_request",
    "before_request",
    "record",
    "record_once",
    "url_value_preprocessor",
}


def _shop_modules() -> list[Path]:
    return sorted(p for p in SHOP.rglob("*.py") if "translations" not in p.parts)


def url_map_offences(source: str, filename: str) -> list[str]:
    """What in a module outside blueprint.py builds a URL map: a Blueprint,
    a route decorator, an add_url_rule, a blueprint hook used as a decorator,
    or an import of a blueprint module."""
    offences = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id != "app"
                    and target.attr in ROUTE_DECORATORS | BLUEPRINT_HOOKS
                ):
                    where = f"{filename}:{decorator.lineno}"
                    offences.append(f"{where} @{target.value.id}.{target.attr}")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in {"Blueprint", "add_url_rule"}:
                offences.append(f"{filename}:{node.lineno} {name}(…)")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = {alias.name for alias in node.names}
            if module.endswith(".blueprint") or (
                module.startswith("shop") and BLUEPRINT_MODULE[:-3] in names
            ):
                offences.append(f"{filename}:{node.lineno} from {module} import …")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.endswith(".blueprint"):
                    offences.append(f"{filename}:{node.lineno} import {alias.name}")
    return offences


@pytest.mark.parametrize(
    "source",
    [
        '@bp.get("/x")\ndef x(): ...',
        '@recovery_bp.route("/x", methods=["POST"])\ndef x(): ...',
        "@bp.app_template_global('x')\ndef x(): ...",
        "@bp.after_request\ndef x(response): ...",
        'bp = Blueprint("x", __name__)',
        'bp.add_url_rule("/x", "x", x)',
        "from shop.orders.blueprint import bp",
        "from shop.orders import blueprint",
        "import shop.orders.blueprint",
    ],
)
def test_the_check_sees_a_url_map_built_outside_blueprint_py(source):
    assert url_map_offences(source, "views.py")


def test_a_view_module_passes_the_check():
    source = "@login_required\n@limiter.limit('1/second')\ndef x(): ...\n"
    assert url_map_offences(source, "views.py") == []


def test_only_blueprint_modules_build_url_maps():
    offences = []
    for path in _shop_modules():
        if path.name == BLUEPRINT_MODULE:
            continue
        found = url_map_offences(path.read_text(encoding="utf-8"), str(path.relative_to(SHOP)))
        if path == SHOP / "__init__.py":
            # The factory imports each blueprint to register it, and nothing else.
            found = [o for o in found if " from shop." not in o]
        offences += found
    assert offences == []


def test_blueprint_modules_are_imported_by_the_factory_only():
    importers = set()
    for path in _shop_modules():
        if path.name == BLUEPRINT_MODULE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith(".blueprint"):
                importers.add(str(path.relative_to(SHOP)))
    assert importers == {"__init__.py"}


def test_every_blueprint_comes_from_its_domains_blueprint_module(app):
    for name, blueprint in app.blueprints.items():
        module = blueprint.import_name
        assert module.startswith("shop.") and module.endswith(".blueprint"), name
        assert (SHOP.parent / (module.replace(".", "/") + ".py")).is_file(), name


def test_every_rule_is_listed_in_its_blueprint_module(app):
    """As many rules in the app as add_url_rule calls in the blueprint
    modules, and each rule's view lives in the package of its blueprint."""
    rules_per_module: dict[str, int] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        blueprint = app.blueprints[rule.endpoint.rsplit(".", 1)[0]]
        module = blueprint.import_name
        rules_per_module[module] = rules_per_module.get(module, 0) + 1
        view = app.view_functions[rule.endpoint]
        package = module.rsplit(".", 1)[0]
        assert view.__module__.startswith(package + "."), (rule.endpoint, view.__module__)

    listed = {}
    for module in rules_per_module:
        path = SHOP.parent / (module.replace(".", "/") + ".py")
        calls = [
            node
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add_url_rule"
        ]
        listed[module] = len(calls)
    assert listed == rules_per_module
