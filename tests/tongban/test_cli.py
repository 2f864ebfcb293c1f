"""The root command line: version, help, and the bad-input contract (exit 2, no traceback)."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from tongban import __version__
from tongban.cli import _Group, app
from tongban.kernel.errors import InputError

runner = CliRunner()


def test_version_prints_package_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"tongban {__version__}"


def test_help_lists_registered_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "catalog" in result.stdout


def test_input_error_becomes_exit_code_2_with_one_line() -> None:
    probe = typer.Typer(cls=_Group)

    @probe.command()
    def fail() -> None:
        raise InputError("field 'x' must be between 1 and 3", field="x")

    @probe.command()
    def ok() -> None:
        pass

    result = runner.invoke(probe, ["fail"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: field 'x' must be between 1 and 3"
    assert "Traceback" not in result.output
