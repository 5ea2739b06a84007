"""The package's architecture, kept: which subpackage may import which, and which
modules may import a CLI or server framework.

Imports are read from the source with ``ast`` (at a module's top, inside functions,
under ``TYPE_CHECKING``), so a lazy import counts as much as an eager one."""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

import cqfacts

PACKAGE = Path(cqfacts.__file__).parent

# The layers, lowest first. A module may import its own subpackage, anything in a lower
# layer, and a peer in its own layer as long as the subpackages' imports form no
# cycle. The base modules (the package's __init__, errors and fast_typing) are below everything and
# import nothing of the package; cqfacts.__main__, the process's entry point, sits with
# the front ends, since it hands the command line to cqfacts.cli.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("cqfacts", "cqfacts.errors", "cqfacts.fast_typing"),
    ("cqfacts.facts",),
    ("cqfacts.search", "cqfacts.store"),  # store keeps search's index: store -> search
    ("cqfacts.derive", "cqfacts.text"),
    ("cqfacts.output",),
    ("cqfacts.ask",),  # the arguments of every front end, answering in output's shapes
    ("cqfacts.cli", "cqfacts.web", "cqfacts.mcp", "cqfacts.__main__"),
)

# Today's imports against the direction, each (importer, imported) by module. Remove a
# line when its import goes; never add one without saying why.
EXCEPTIONS: frozenset[tuple[str, str]] = frozenset({})

# Frameworks of the front ends: the library never imports them, so a lookup, the
# curator's tools and every other embedding of cqfacts run without them.
FRAMEWORKS = (
    "typer", "click", "rich", "starlette", "uvicorn", "mcp", "mcp_types", "pydantic", "anyio",
    "flask", "fastapi",
)  # fmt: skip
# What may import them: the front ends and the rich renderer.
FRAMEWORK_USERS = ("cqfacts.cli", "cqfacts.web", "cqfacts.mcp", "cqfacts.output.render")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: dict[str, Path] = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


@cache
def _unit(module: str) -> str:
    """The layered unit a module belongs to: its subpackage, or itself at the top."""
    units = [unit for layer in LAYERS for unit in layer if unit != "cqfacts"]
    return next((unit for unit in units if _within(module, unit)), "cqfacts")


def _layer(unit: str) -> int:
    return next(number for number, layer in enumerate(LAYERS) if unit in layer)


@cache
def imports(module: str) -> frozenset[str]:
    """Every name ``module`` imports, anywhere in its source: top-level packages of
    other distributions as written, the package's own modules resolved (``from
    cqfacts.output import shapes`` is cqfacts.output.shapes)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolved against the importing package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                named = ".".join([*base, *([node.module] if node.module else [])])
            else:
                named = node.module or ""
            found.add(named)
            found |= {f"{named}.{alias.name}" for alias in node.names} & MODULES.keys()
    return frozenset(found)


def _own(module: str) -> set[str]:
    """The package's modules ``module`` imports (a package's __init__ for a name that
    is no module of its own)."""
    own: set[str] = set()
    for name in imports(module):
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name.startswith("cqfacts"):
            own.add(name)
    return own


def test_the_layers_cover_every_subpackage_and_top_level_module():
    units = {unit for layer in LAYERS for unit in layer}
    subpackages = {_module_name(path.parent) for path in PACKAGE.glob("*/__init__.py")}
    top_level = {_module_name(path) for path in PACKAGE.glob("*.py")}
    assert subpackages | top_level == units


def test_every_import_goes_down_the_layers_or_is_a_listed_exception():
    wrong = sorted(
        (module, imported)
        for module in MODULES
        for imported in _own(module)
        if _unit(imported) != _unit(module)
        and _layer(_unit(imported)) > _layer(_unit(module))
        and (module, imported) not in EXCEPTIONS
    )
    assert wrong == [], "imports against the layers (see LAYERS in this file)"


def test_the_subpackages_import_each_other_without_a_cycle():
    # Peers in a layer may import each other one way only (cli -> web, store -> search).
    edges: dict[str, set[str]] = {}
    for module in MODULES:
        for imported in _own(module):
            if (module, imported) not in EXCEPTIONS and _unit(imported) != _unit(module):
                edges.setdefault(_unit(module), set()).add(_unit(imported))

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for unit in edges.get(start, set()) - seen:
            seen.add(unit)
            if unit == goal or reaches(unit, goal, seen):
                return True
        return False

    assert sorted(unit for unit in edges if reaches(unit, unit, set())) == []


def test_every_listed_exception_is_still_an_import():
    # A stale line would let the import come back unnoticed.
    assert sorted(pair for pair in EXCEPTIONS if pair[1] not in _own(pair[0])) == []


def _literal_prefix(node: ast.expr) -> str:
    """The text a computed module name starts with, as written: ``"cqfacts.cli.x"``,
    or ``f"cqfacts.cli.commands.{name}"``'s ``cqfacts.cli.commands.``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    return ""


def test_modules_import_by_a_computed_name_only_within_their_subpackage():
    # The tests above read import statements; importlib.import_module(name) or
    # __import__ would pass them unseen, unless the name's written prefix keeps it in
    # the importer's own subpackage (the CLI loads its command modules so).
    unseen = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                called = node.func
                name = (
                    called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
                )
                if name in ("import_module", "__import__"):
                    prefix = _literal_prefix(node.args[0]) if node.args else ""
                    own = _unit(module)
                    if own == "cqfacts" or not prefix.startswith(own + "."):
                        unseen.append(f"{module}:{node.lineno}")
    assert unseen == []


@pytest.mark.parametrize(
    "module", [name for name in MODULES if not any(_within(name, user) for user in FRAMEWORK_USERS)]
)
def test_the_library_imports_no_cli_or_server_framework(module):
    used = {name.partition(".")[0] for name in imports(module)}
    assert sorted(used & set(FRAMEWORKS)) == []


def test_the_library_modules_load_no_cli_or_server_framework():
    """As run, not only as written: nothing a library module imports (another
    distribution included) loads a framework, even while a draft is made."""
    library = [
        name
        for name in MODULES
        if name != "cqfacts.__main__" and not any(_within(name, user) for user in FRAMEWORK_USERS)
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {library!r}:\n"
        "    importlib.import_module(name)\n"
        "sys.modules['cqfacts.text.draft'].draft_report('新增企业5家。')\n"
        f"print(sorted(name for name in {FRAMEWORKS!r} if name in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"


def test_the_subpackages_init_files_hold_a_docstring_and_nothing_else():
    # Importing cqfacts.search.index must not import the rest of search: start-up time.
    for path in PACKAGE.glob("*/__init__.py"):
        body = ast.parse(path.read_text(encoding="utf-8")).body
        assert len(body) == 1 and ast.get_docstring(ast.Module(body, [])), path
