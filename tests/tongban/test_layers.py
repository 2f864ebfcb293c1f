"""The layering the design asks for, read from the import statements (AST).

``routing`` and ``geo`` never import ``sim``; ``tongban.kernel`` imports none of the project;
nothing outside ``tongban/cli.py`` and ``tongban/commands/`` imports the CLI modules.
(The integrator's import-linter contracts check the same at ``make test``.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PROJECT = ("sim", "geo", "routing", "api", "tongban")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports (absolute names; relative imports resolved)."""
    tree = ast.parse(path.read_text("utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def files_under(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def _is_in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_checker_sees_imports() -> None:
    assert "sim.compile" in imported_modules(ROOT / "tongban" / "pipeline" / "stages.py")


@pytest.mark.parametrize("layer", ["routing", "geo"])
def test_routing_and_geo_never_import_sim(layer: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in imported_modules(path) if _is_in(m, "sim"))
        for path in files_under(layer)
    }
    assert files_under(layer)
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_kernel_imports_none_of_the_project() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            m
            for m in imported_modules(path)
            if any(_is_in(m, p) for p in PROJECT) and not _is_in(m, "tongban.kernel")
        )
        for path in files_under("tongban/kernel")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_nothing_but_the_cli_imports_the_cli() -> None:
    cli = ("tongban.cli", "tongban.commands")
    allowed = {ROOT / "tongban" / "cli.py", *files_under("tongban/commands")}
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            m for m in imported_modules(path) if any(_is_in(m, c) for c in cli)
        )
        for path in files_under("sim", "geo", "routing", "api", "tongban")
        if path not in allowed
    }
    assert {k: v for k, v in offenders.items() if v} == {}
