"""The rules of the house, kept as tests of the project's own.

1. Imports run one way: each app imports only the apps ``ALLOWED_IMPORTS`` gives it; nothing but
   ``demo`` imports ``demo``; ``spc`` imports no Django; only ``spc`` imports numpy and
   ``convene.spc.runs``.
2. Every object a view touches comes through its app's ``access.py``: views call no
   ``get_object_or_404`` and no ``Model.objects.get(...)``, and an app with views and models
   has an ``access.py``.
3. No function in a views module spans more than ``MAX_VIEW_LINES`` lines.

The rules read the source with ``ast``; no app module is imported. Each failure lists every
offending place as ``file:line: what was found``. Each rule also has self-tests that feed it a
synthetic violation, so a rule cannot pass by seeing nothing.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

# Which convene apps each app may import; its own app is always allowed. The one place to change
# when an app is added or a dependency is agreed. Top-level modules (convene/settings.py, urls.py,
# wsgi.py, asgi.py, __init__.py) count as the app TOP_LEVEL; ANY_APP stands for every app in this
# table. Over and above the table: nothing but demo imports demo (so TOP_LEVEL may import
# everything except demo), spc imports no Django, and only spc imports numpy and convene.spc.runs.
ANY_APP = "*"
TOP_LEVEL = "(top level)"
ALLOWED_IMPORTS: dict[str, set[str]] = {
    "spc": set(),
    "charts": {"spc"},
    "lib": set(),
    "accounts": {"lib"},
    "collaboratives": {"accounts", "lib"},
    "measures": {"collaboratives", "accounts", "lib"},
    # Notifications know no feature app: the features call notify and register their kinds,
    # scans, to-do items and signals.
    "notifications": {"collaboratives", "accounts", "lib"},
    "improvement": {"notifications", "measures", "collaboratives", "accounts", "lib", "charts"},
    "trials": {"notifications", "measures", "collaboratives", "accounts", "lib", "charts"},
    "reporting": {
        "notifications",
        "trials",
        "measures",
        "collaboratives",
        "accounts",
        "lib",
        "charts",
        "spc",
    },
    "dashboards": {
        "notifications",
        "reporting",
        "trials",
        "improvement",
        "measures",
        "collaboratives",
        "accounts",
        "lib",
        "charts",
        "spc",
    },
    "demo": {ANY_APP},
    TOP_LEVEL: {ANY_APP},
}
DEMO = "demo"  # imported by nothing but itself
ENGINE = "spc"  # imports no Django; the only app that imports ENGINE_ONLY
ENGINE_ONLY = ("numpy", "convene.spc.runs")  # charts go through the engine's public call

# Views reach objects through access.py: these calls fetch an object past it.
SHORTCUT_FETCHES = {"get_object_or_404", "get_list_or_404"}
MANAGERS = {"objects", "all_objects"}
MANAGER_FETCHES = {"get", "get_or_create"}

MAX_VIEW_LINES = 60

REPO = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------------------------
# Reading the source


def read_sources(root: Path = REPO) -> dict[str, str]:
    """Every .py under convene/ outside migrations/, keyed by its path from the repository."""
    sources = {}
    for path in sorted((root / "convene").rglob("*.py")):
        relative = path.relative_to(root)
        if "migrations" not in relative.parts:
            sources[relative.as_posix()] = path.read_text(encoding="utf-8")
    return sources


@pytest.fixture(scope="module")
def sources() -> dict[str, str]:
    found = read_sources()
    assert "convene/settings.py" in found, f"no convene/settings.py under {REPO}"
    return found


def app_of(path: str) -> str:
    """``convene/measures/grid.py`` → ``measures``; ``convene/urls.py`` → TOP_LEVEL."""
    parts = path.split("/")
    return parts[1] if len(parts) > 2 else TOP_LEVEL


def apps_in(sources: Mapping[str, str]) -> set[str]:
    """The folders directly under convene/ that hold Python modules."""
    return {app_of(path) for path in sources} - {TOP_LEVEL}


def top_level_modules(sources: Mapping[str, str]) -> set[str]:
    return {path.split("/")[1].removesuffix(".py") for path in sources if app_of(path) == TOP_LEVEL}


def is_views_module(path: str) -> bool:
    """``views.py``, ``*_views.py``, or any module of a ``views/`` package."""
    parts = path.split("/")
    return parts[-1] == "views.py" or parts[-1].endswith("_views.py") or "views" in parts[:-1]


def fail_listing(rule: str, found: list[str]) -> None:
    if found:
        listing = "\n".join(f"  {line}" for line in found)
        pytest.fail(f"{rule}\n{len(found)} found:\n{listing}", pytrace=False)


# ---------------------------------------------------------------------------------------------
# Rule 1: imports run one way


@dataclass(frozen=True)
class Import:
    path: str
    line: int
    statement: str
    module: str | None  # absolute; None when a relative import climbs above convene
    name: str | None = None  # the name taken from ``module`` by ``from module import name``

    @property
    def target(self) -> str:
        return f"{self.module}.{self.name}" if self.name else (self.module or "")

    def where(self) -> str:
        return f"{self.path}:{self.line}: {self.statement}"


def package_of(path: str) -> str:
    """The package relative imports in ``path`` start from."""
    dotted = path.removesuffix(".py").replace("/", ".")
    if dotted.endswith(".__init__"):
        return dotted.removesuffix(".__init__")
    return dotted.rpartition(".")[0]


def resolve(module: str | None, level: int, package: str) -> str | None:
    """``from ..x import y`` in package ``convene.measures`` → ``convene.x``."""
    if level == 0:
        return module
    parts = package.split(".")
    if level - 1 >= len(parts):
        return None
    base = ".".join(parts[: len(parts) - (level - 1)])
    return f"{base}.{module}" if module else base


DOTTED_PATH_IMPORTERS = {"import_module", "__import__", "include"}


def imports_in(path: str, source: str) -> Iterator[Import]:
    """Every import in the module, at any depth (inside functions, ``if TYPE_CHECKING``...),
    relative ones resolved, and imports by dotted string: ``import_module("x")``,
    ``__import__("x")``, ``include("x.urls")``."""
    package = package_of(path)
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(path, node.lineno, ast.unparse(node), alias.name)
        elif isinstance(node, ast.ImportFrom):
            module = resolve(node.module, node.level, package)
            for alias in node.names:
                name = None if alias.name == "*" else alias.name
                yield Import(path, node.lineno, ast.unparse(node), module, name)
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            first = node.args[0]
            if (
                called in DOTTED_PATH_IMPORTERS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and not first.value.startswith(".")
            ):
                yield Import(path, node.lineno, ast.unparse(node), first.value)


def all_imports(sources: Mapping[str, str]) -> list[Import]:
    return [found for path, source in sources.items() for found in imports_in(path, source)]


def app_imported(found: Import, apps: set[str], top_level: set[str]) -> str | None:
    """The convene app an import reaches (TOP_LEVEL for convene's own modules), or None."""
    parts = found.target.split(".")
    if parts[0] != "convene":
        return None
    if len(parts) == 1:
        return TOP_LEVEL
    if parts[1] in apps or parts[1] in ALLOWED_IMPORTS:
        return parts[1]
    if parts[1] in top_level or found.module == "convene":  # a name from convene/__init__.py
        return TOP_LEVEL
    return parts[1]


def may_import(importer: str, imported: str) -> bool:
    allowed = ALLOWED_IMPORTS[importer]
    return (
        imported == importer
        or imported in allowed
        or (ANY_APP in allowed and imported in ALLOWED_IMPORTS)
    )


def unknown_apps(sources: Mapping[str, str]) -> list[str]:
    return [
        f"convene/{app}/: an app that is not in ALLOWED_IMPORTS: add it to the table"
        for app in sorted(apps_in(sources) - set(ALLOWED_IMPORTS))
    ]


def table_violations(sources: Mapping[str, str]) -> list[str]:
    """Imports of a convene app that ALLOWED_IMPORTS does not give the importer. Imports of demo
    are left to ``demo_violations``; modules of an app outside the table to ``unknown_apps``."""
    apps, top_level = apps_in(sources), top_level_modules(sources)
    found, seen = [], set()
    for each in all_imports(sources):
        importer = app_of(each.path)
        if importer not in ALLOWED_IMPORTS:
            continue
        if each.module is None:
            reason = "a relative import that climbs above convene/"
        else:
            imported = app_imported(each, apps, top_level)
            if imported in (None, DEMO) or may_import(importer, imported):
                continue
            if imported not in ALLOWED_IMPORTS:
                reason = f"imports {imported}, which is not in ALLOWED_IMPORTS"
            elif imported == TOP_LEVEL:
                reason = f"{importer} may not import convene's top-level modules"
            else:
                reason = f"{importer} may not import {imported}"
        line = f"{each.where()}  ({reason})"
        if line not in seen:
            seen.add(line)
            found.append(line)
    return found


def demo_violations(sources: Mapping[str, str]) -> list[str]:
    apps, top_level = apps_in(sources), top_level_modules(sources)
    found = []
    for each in all_imports(sources):
        if app_of(each.path) != DEMO and app_imported(each, apps, top_level) == DEMO:
            line = f"{each.where()}  (nothing but {DEMO} imports {DEMO})"
            if line not in found:
                found.append(line)
    return found


def engine_django_violations(sources: Mapping[str, str]) -> list[str]:
    found = []
    for each in all_imports(sources):
        if app_of(each.path) == ENGINE and each.target.split(".")[0] == "django":
            line = f"{each.where()}  ({ENGINE} imports no Django)"
            if line not in found:
                found.append(line)
    return found


def engine_only_violations(sources: Mapping[str, str]) -> list[str]:
    found = []
    for each in all_imports(sources):
        if app_of(each.path) == ENGINE:
            continue
        for module in ENGINE_ONLY:
            if each.target == module or each.target.startswith(f"{module}."):
                line = f"{each.where()}  (only convene/{ENGINE}/ imports {module})"
                if line not in found:
                    found.append(line)
    return found


def test_every_app_is_in_the_table(sources: dict[str, str]) -> None:
    fail_listing(
        "Every app under convene/ has a row in ALLOWED_IMPORTS (tests/test_house.py).",
        unknown_apps(sources),
    )


def test_imports_follow_the_table(sources: dict[str, str]) -> None:
    fail_listing(
        "Imports run one way: each app imports only the apps ALLOWED_IMPORTS "
        "(tests/test_house.py) gives it.",
        table_violations(sources),
    )


def test_nothing_but_demo_imports_demo(sources: dict[str, str]) -> None:
    fail_listing(f"Nothing but convene/{DEMO}/ imports convene.{DEMO}.", demo_violations(sources))


def test_the_engine_imports_no_django(sources: dict[str, str]) -> None:
    fail_listing(
        f"convene/{ENGINE}/ is plain Python + numpy: no Django.", engine_django_violations(sources)
    )


def test_numpy_and_the_run_rules_stay_in_the_engine(sources: dict[str, str]) -> None:
    fail_listing(
        f"Only convene/{ENGINE}/ imports {' or '.join(ENGINE_ONLY)}: charts go through the "
        "engine's public call.",
        engine_only_violations(sources),
    )


# ---------------------------------------------------------------------------------------------
# Rule 2: every object a view touches comes through its app's access.py


def reaches_manager(node: ast.expr) -> bool:
    """Whether ``node`` is ``X.objects``, or a chain from it such as ``X.objects.filter(...)``."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            if node.attr in MANAGERS:
                return True
            node = node.value
        else:
            return False


def fetches_past_access(path: str, source: str) -> list[str]:
    tree = ast.parse(source, filename=path)
    shortcuts = set(SHORTCUT_FETCHES)
    for node in ast.walk(tree):  # ``from django.shortcuts import get_object_or_404 as fetch``
        if isinstance(node, ast.ImportFrom):
            shortcuts |= {a.asname for a in node.names if a.name in SHORTCUT_FETCHES and a.asname}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name):
            fetches = func.id in shortcuts
        elif isinstance(func, ast.Attribute):
            fetches = func.attr in SHORTCUT_FETCHES or (
                func.attr in MANAGER_FETCHES and reaches_manager(func.value)
            )
        else:
            fetches = False
        if fetches:
            call = " ".join(ast.unparse(node).split())
            if len(call) > 90:
                call = call[:89] + "…"
            found.append((node.lineno, f"{path}:{node.lineno}: {call}"))
    return [line for _, line in sorted(found)]


def access_violations(sources: Mapping[str, str]) -> list[str]:
    return [
        line
        for path, source in sources.items()
        if is_views_module(path)
        for line in fetches_past_access(path, source)
    ]


def defines_class(source: str) -> bool:
    return any(isinstance(node, ast.ClassDef) for node in ast.parse(source).body)


def takes_an_id(source: str) -> bool:
    """Whether a function of the module is handed an object's id (a parameter ``…_id``)."""
    return any(
        arg.arg.endswith("_id")
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for arg in node.args.args + node.args.kwonlyargs
    )


def missing_access_modules(sources: Mapping[str, str]) -> list[str]:
    found = []
    for app in sorted(apps_in(sources)):
        modules = {path: source for path, source in sources.items() if app_of(path) == app}
        # Views that are handed an object's id (``…_id`` in the URL) must look it up somewhere:
        # in access.py. Pages of the signed-in person alone (a profile) need none.
        has_views = any(
            is_views_module(path) and takes_an_id(source) for path, source in modules.items()
        )
        model_modules = [
            path
            for path, source in modules.items()
            if (path == f"convene/{app}/models.py" or path.startswith(f"convene/{app}/models/"))
            and defines_class(source)
        ]
        has_access = (
            f"convene/{app}/access.py" in modules or f"convene/{app}/access/__init__.py" in modules
        )
        if has_views and model_modules and not has_access:
            found.append(
                f"convene/{app}/access.py is missing: the app has views and owns models "
                f"({', '.join(model_modules)})"
            )
    return found


def test_views_reach_objects_through_access(sources: dict[str, str]) -> None:
    fail_listing(
        "Views reach every object through a function of their app's access.py, never "
        f"{', '.join(sorted(SHORTCUT_FETCHES))} or .objects/.all_objects "
        f"{'/'.join(sorted(MANAGER_FETCHES))}(...).",
        access_violations(sources),
    )


def test_apps_with_views_and_models_have_access(sources: dict[str, str]) -> None:
    fail_listing(
        "Each app whose views are handed ids and that owns models has an access.py.",
        missing_access_modules(sources),
    )


# ---------------------------------------------------------------------------------------------
# Rule 3: no view function over MAX_VIEW_LINES lines


def long_functions(path: str, source: str) -> list[str]:
    found = []
    for node in ast.parse(source, filename=path).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            # lineno is the ``def`` line: decorators excluded, the docstring included.
            span = node.end_lineno - node.lineno + 1
            if span > MAX_VIEW_LINES:
                found.append(f"{path}:{node.lineno}: def {node.name}() spans {span} lines")
    return found


def length_violations(sources: Mapping[str, str]) -> list[str]:
    return [
        line
        for path, source in sources.items()
        if is_views_module(path)
        for line in long_functions(path, source)
    ]


def test_no_view_function_over_the_limit(sources: dict[str, str]) -> None:
    fail_listing(
        f"No top-level function of a views module spans more than {MAX_VIEW_LINES} lines "
        "(decorators excluded, docstring included).",
        length_violations(sources),
    )


# ---------------------------------------------------------------------------------------------
# Self-tests: each rule catches a synthetic violation, so it cannot pass by seeing nothing.


def test_the_table_is_whole() -> None:
    named = {app for allowed in ALLOWED_IMPORTS.values() for app in allowed} - {ANY_APP}
    missing = named - set(ALLOWED_IMPORTS)
    assert not missing, f"apps named in ALLOWED_IMPORTS without a row of their own: {missing}"
    listing_demo = [app for app, allowed in ALLOWED_IMPORTS.items() if DEMO in allowed]
    assert not listing_demo, f"nothing but {DEMO} imports {DEMO}, yet {listing_demo} list it"


def test_sources_are_read(sources: dict[str, str]) -> None:
    assert any(is_views_module(path) for path in sources), "no views module found under convene/"
    assert all_imports(sources), "no import found under convene/"
    assert not any("/migrations/" in path for path in sources)


def test_relative_imports_resolve() -> None:
    source = "from . import views\nfrom .models import Metric\nfrom ..trials import run\n"
    targets = [each.target for each in imports_in("convene/measures/urls.py", source)]
    assert targets == [
        "convene.measures.views",
        "convene.measures.models.Metric",
        "convene.trials.run",
    ]
    package = [each.target for each in imports_in("convene/spc/__init__.py", "from .runs import x")]
    assert package == ["convene.spc.runs.x"]
    assert imports_in("convene/lib/x.py", "from ... import y").__next__().module is None


def test_catches_an_import_inside_a_function() -> None:
    source = "def f():\n    from convene.reporting.models import Value\n    return Value\n"
    found = table_violations({"convene/measures/x.py": source})
    assert found == [
        "convene/measures/x.py:2: from convene.reporting.models import Value"
        "  (measures may not import reporting)"
    ]


def test_catches_a_relative_import_into_another_app() -> None:
    found = table_violations({"convene/accounts/x.py": "from ..collaboratives import models\n"})
    assert found == [
        "convene/accounts/x.py:1: from ..collaboratives import models"
        "  (accounts may not import collaboratives)"
    ]
    found = table_violations({"convene/lib/x/y.py": "from ...measures.grid import build\n"})
    assert [line.split("  (")[1] for line in found] == ["lib may not import measures)"]


def test_allows_what_the_table_gives() -> None:
    sources = {
        "convene/measures/x.py": "from .models import Metric\nfrom ..collaboratives import y\n"
        "import numpy.linalg\nfrom django.db import models\nimport convene.lib.audit\n",
        "convene/dashboards/x.py": "from convene import reporting, spc\n",
        "convene/urls.py": "from django.urls import include\ninclude('convene.measures.urls')\n",
        "convene/demo/x.py": "from convene.reporting import models\nfrom convene import settings\n",
        "convene/settings.py": "",
    }
    assert table_violations(sources) == []


def test_catches_an_unknown_app_and_imports_of_it() -> None:
    sources = {
        "convene/measures/__init__.py": "",
        "convene/widgets/__init__.py": "",
        "convene/widgets/x.py": "from convene.demo import y\n",
        "convene/urls.py": "from django.urls import include\ninclude('convene.widgets.urls')\n",
    }
    assert unknown_apps(sources) == [
        "convene/widgets/: an app that is not in ALLOWED_IMPORTS: add it to the table"
    ]
    found = table_violations(sources)
    assert found == [
        "convene/urls.py:2: include('convene.widgets.urls')"
        "  (imports widgets, which is not in ALLOWED_IMPORTS)"
    ]
    assert demo_violations(sources) == [
        "convene/widgets/x.py:1: from convene.demo import y  (nothing but demo imports demo)"
    ]


def test_catches_an_import_of_demo() -> None:
    sources = {
        "convene/measures/x.py": "def load():\n    from convene.demo import x\n",
        "convene/urls.py": "from convene import demo\n",
        "convene/lib/x.py": "import importlib\nimportlib.import_module('convene.demo.world')\n",
        "convene/demo/x.py": "from convene.demo.world import build\nfrom . import world\n",
    }
    assert demo_violations(sources) == [
        "convene/measures/x.py:2: from convene.demo import x  (nothing but demo imports demo)",
        "convene/urls.py:1: from convene import demo  (nothing but demo imports demo)",
        "convene/lib/x.py:2: importlib.import_module('convene.demo.world')"
        "  (nothing but demo imports demo)",
    ]
    assert table_violations(sources) == []  # reported once, by the demo rule


def test_catches_django_in_the_engine() -> None:
    sources = {
        "convene/spc/x.py": "def f():\n    from django.conf import settings\n",
        "convene/spc/y.py": "import django\nimport numpy as np\n",
        "convene/charts/x.py": "from django.utils.translation import gettext as _\n",
    }
    assert engine_django_violations(sources) == [
        "convene/spc/x.py:2: from django.conf import settings  (spc imports no Django)",
        "convene/spc/y.py:1: import django  (spc imports no Django)",
    ]


def test_catches_numpy_and_the_run_rules_outside_the_engine() -> None:
    sources = {
        "convene/charts/x.py": "import numpy as np\nfrom convene.spc import runs\n",
        "convene/measures/x.py": "def f():\n    from numpy.linalg import norm\n"
        "    from convene.spc.runs import longest_segment\n    from convene.spc import qic\n",
        "convene/spc/__init__.py": "import numpy as np\nfrom .runs import anhoej_thresholds\n",
    }
    assert engine_only_violations(sources) == [
        "convene/charts/x.py:1: import numpy as np  (only convene/spc/ imports numpy)",
        "convene/charts/x.py:2: from convene.spc import runs"
        "  (only convene/spc/ imports convene.spc.runs)",
        "convene/measures/x.py:2: from numpy.linalg import norm  (only convene/spc/ imports numpy)",
        "convene/measures/x.py:3: from convene.spc.runs import longest_segment"
        "  (only convene/spc/ imports convene.spc.runs)",
    ]


VIEWS_THAT_FETCH = """\
from django.shortcuts import get_object_or_404, get_list_or_404 as fetch_all
from django import shortcuts


def edit(request, pk):
    a = get_object_or_404(Metric, pk=pk)
    b = Metric.objects.get(pk=pk)
    c = Metric.all_objects.get(pk=pk)
    d, created = Trial.objects.get_or_create(team=a)
    e = Metric.objects.select_related("x").get(pk=pk)
    f = fetch_all(Metric, team=a)
    g = shortcuts.get_object_or_404(Metric, pk=pk)
    fine = request.GET.get("x"), {}.get(1), metric_for(request, pk), Metric.objects.filter(x=1)
"""


def test_catches_fetches_past_access() -> None:
    assert fetches_past_access("convene/measures/views.py", VIEWS_THAT_FETCH) == [
        "convene/measures/views.py:6: get_object_or_404(Metric, pk=pk)",
        "convene/measures/views.py:7: Metric.objects.get(pk=pk)",
        "convene/measures/views.py:8: Metric.all_objects.get(pk=pk)",
        "convene/measures/views.py:9: Trial.objects.get_or_create(team=a)",
        "convene/measures/views.py:10: Metric.objects.select_related('x').get(pk=pk)",
        "convene/measures/views.py:11: fetch_all(Metric, team=a)",
        "convene/measures/views.py:12: shortcuts.get_object_or_404(Metric, pk=pk)",
    ]


def test_access_rule_reads_every_views_module_and_only_those() -> None:
    sources = {
        f"convene/measures/{name}": VIEWS_THAT_FETCH
        for name in ("views.py", "trial_views.py", "views/__init__.py", "views/team.py", "entry.py")
    }
    found = {line.split(":")[0] for line in access_violations(sources)}
    assert found == {
        "convene/measures/views.py",
        "convene/measures/trial_views.py",
        "convene/measures/views/__init__.py",
        "convene/measures/views/team.py",
    }


def test_catches_an_app_without_access() -> None:
    models = "from django.db import models\n\n\nclass Widget(models.Model):\n    pass\n"
    by_id = "def show(request, widget_id):\n    pass\n"
    sources = {
        "convene/widgets/views.py": by_id,
        "convene/widgets/models.py": models,
        "convene/gadgets/views/__init__.py": by_id,
        "convene/gadgets/models/__init__.py": "from .gadget import Gadget\n",
        "convene/gadgets/models/gadget.py": models,
        "convene/kept/views.py": by_id,
        "convene/kept/models.py": models,
        "convene/kept/access.py": "",
        "convene/boards/views.py": by_id,
        "convene/boards/models.py": "# no models\n",
        "convene/plain/models.py": models,
        # A page of the signed-in person alone looks nothing up by id.
        "convene/profiles/views.py": "def profile(request):\n    pass\n",
        "convene/profiles/models.py": models,
    }
    assert missing_access_modules(sources) == [
        "convene/gadgets/access.py is missing: the app has views and owns models "
        "(convene/gadgets/models/gadget.py)",
        "convene/widgets/access.py is missing: the app has views and owns models "
        "(convene/widgets/models.py)",
    ]


def function_of(lines: int, decorators: int = 0) -> str:
    """A top-level function spanning ``lines`` lines from its ``def``, with a docstring."""
    body = ['    """Docstring."""'] + ["    x = 1"] * (lines - 3) + ["    return x"]
    return "\n".join(["@decorator"] * decorators + ["def view(request):", *body]) + "\n"


def test_catches_a_long_view() -> None:
    assert function_of(61).count("\n") == 61
    assert long_functions("convene/measures/views.py", function_of(61)) == [
        "convene/measures/views.py:1: def view() spans 61 lines"
    ]
    assert long_functions("convene/measures/views.py", function_of(60, decorators=3)) == []
    assert long_functions("convene/measures/views.py", "async " + function_of(62)) == [
        "convene/measures/views.py:1: def view() spans 62 lines"
    ]
    sources = {
        "convene/measures/progress_views.py": function_of(61, decorators=1),
        "convene/measures/progress.py": function_of(61),
    }
    assert length_violations(sources) == [
        "convene/measures/progress_views.py:2: def view() spans 61 lines"
    ]


# htmx reads its attributes as data-hx-* too, which HTML allows; bare hx-* are errors to the Nu
# Html Checker.
BARE_HTMX = re.compile(r"(?<![\w-])hx-[a-z-]+\s*=")


def bare_htmx_attributes(root: Path = REPO) -> list[str]:
    """Every ``hx-*`` attribute written without ``data-`` in the templates, as file:line."""
    found = []
    for template in sorted((root / "templates").rglob("*.html")):
        for number, line in enumerate(template.read_text().splitlines(), 1):
            if BARE_HTMX.search(line):
                found.append(f"{template.relative_to(root)}:{number}")
    return found


def test_htmx_attributes_are_data_attributes() -> None:
    assert bare_htmx_attributes() == []


def test_catches_a_bare_htmx_attribute(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "x.html").write_text(
        '<div data-hx-get="/a/">\n<form hx-post="/b/" data-hx-swap="none">\n'
    )
    assert bare_htmx_attributes(tmp_path) == ["templates/x.html:2"]
