"""The layout holds: each part imports only what docs/architecture.md allows, and no file
imports itself back through others (no import cycles).

Imports are read from the source (every `import` and `from … import`, in functions too), so a
lazy import inside a task or a verb counts like one at the top of a file.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

# Where each part's modules live: (folder under the repository, the import name it holds).
PACKAGES = {
    "caregov": ROOT / "caregov",
    "cli": ROOT / "cli",
    "ingestion": ROOT / "ingestion",
    "warehouse": ROOT / "warehouse",
    "boardpack": ROOT / "boardpack",
    "caregov_superset": ROOT / "superset" / "caregov_superset",
    "caregov_dags": ROOT / "dags" / "caregov_dags",
}
DAG_FILES = sorted((ROOT / "dags").glob("*.py"))
# The modules of caregov_superset the DAGs may call: its public face.
SUPERSET_FACE = {"caregov_superset.sync", "caregov_superset.upkeep"}
# Part → the parts it may import (docs/architecture.md, "Parts and allowed imports").
ALLOWED = {
    "kernel": {"kernel"},
    "sample": {"kernel", "sample"},
    "ingestion": {"kernel", "ingestion"},
    "warehouse": {"kernel", "warehouse"},
    "boardpack": {"kernel", "boardpack"},
    "superset": {"kernel", "superset", "superset-face"},
    "dags": {"kernel", "ingestion", "warehouse", "boardpack", "superset-face", "dags"},
    "shell": {
        "kernel",
        "sample",
        "ingestion",
        "warehouse",
        "boardpack",
        "superset",
        "superset-face",
        "shell",
    },
}


def part_of(module: str) -> str | None:
    """The part a module of ours belongs to, or None for a module from elsewhere."""
    top = module.split(".", 1)[0]
    if module == "caregov.sample" or module.startswith("caregov.sample."):
        return "sample"
    if module in SUPERSET_FACE:
        return "superset-face"
    return {
        "caregov": "kernel",
        "cli": "shell",
        "ingestion": "ingestion",
        "warehouse": "warehouse",
        "boardpack": "boardpack",
        "caregov_superset": "superset",
        "caregov_dags": "dags",
    }.get(top) or ("dags" if top in {path.stem for path in DAG_FILES} else None)


def our_modules() -> dict[str, Path]:
    """Every module of ours: dotted name → file."""
    modules = {path.stem: path for path in DAG_FILES}
    for name, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = [name, *path.relative_to(folder).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imports_of(path: Path, known: dict[str, Path]) -> Iterator[str]:
    """The modules of ours that a file imports (a `from package import module` names the
    module; a `from module import name` names the module)."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            named = [f"{node.module}.{alias.name}" for alias in node.names]
            submodules = [name for name in named if name in known]
            if submodules:
                yield from submodules
            elif node.module in known:
                yield node.module


MODULES = our_modules()
GRAPH = {module: sorted(set(imports_of(path, MODULES))) for module, path in MODULES.items()}


def test_every_module_belongs_to_a_part() -> None:
    """The parts cover the code: no module of ours falls outside them."""
    assert [m for m in MODULES if part_of(m) is None] == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_imports_only_what_its_part_may(module: str) -> None:
    """A module imports only modules of the parts its own part may use."""
    mine = part_of(module)
    assert mine is not None
    allowed = ALLOWED["superset" if mine == "superset-face" else mine]
    wrong = [imported for imported in GRAPH[module] if part_of(imported) not in allowed]
    assert wrong == [], f"{module} ({mine}) may not import {wrong}"


def test_no_import_cycles() -> None:
    """No module reaches itself by following imports."""
    state: dict[str, str] = {}
    cycles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for imported in GRAPH[module]:
            if state.get(imported) == "open":
                cycles.append([*path[path.index(imported) :], imported])
            elif imported not in state:
                visit(imported, [*path, imported])
        state[module] = "done"

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_boundary_check_can_fail() -> None:
    """The rules catch a stage importing the command line, and the DAGs importing Superset's
    internals (checked on made-up import lists)."""
    assert "shell" not in ALLOWED[part_of("ingestion.load") or ""]
    assert part_of("caregov_superset.client") not in ALLOWED["dags"]
    assert part_of("caregov_superset.upkeep") in ALLOWED["dags"]
    assert part_of("caregov.sample.writer") == "sample"
    assert "ingestion" not in ALLOWED["sample"]
    assert ALLOWED[part_of("boardpack.pack") or ""] == {"kernel", "boardpack"}
    assert "boardpack" not in ALLOWED["warehouse"]


def test_superset_server_files_import_nothing_of_ours() -> None:
    """superset_config.py and bootstrap_metadata.py run in Superset's own virtualenv, where none
    of our packages is installed."""
    for name in ("superset_config.py", "bootstrap_metadata.py"):
        assert list(imports_of(ROOT / "superset" / name, MODULES)) == []
