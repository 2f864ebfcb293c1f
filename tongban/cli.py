"""The ``tongban`` command line.

Each area registers its commands from its own module in :mod:`tongban.commands`; this file
only assembles them and turns :class:`tongban.kernel.errors.InputError` and usage errors
(a bad option value) into exit code 2 with a one-line message (never a traceback or a
usage box), and SIGINT/SIGTERM into exit code 130 after cleaning up
(:mod:`tongban.commands.interrupts`).
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from tongban import __version__
from tongban.commands.interrupts import INTERRUPTED_EXIT_CODE, handle_interrupts
from tongban.kernel.errors import InputError


def _echo_usage_error(exc: Exception) -> None:
    format_message = getattr(exc, "format_message", None)
    text = str(format_message() if callable(format_message) else exc)
    typer.echo(f"error: {' '.join(text.replace('Value error, ', '').split())}", err=True)


class _Group(TyperGroup):
    """Root group: bad input anywhere below ends as one line on stderr and exit code 2."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(code=2) from None
        except typer.TyperException as exc:  # a bad option value: one line, not a box
            _echo_usage_error(exc)
            raise typer.Exit(code=getattr(exc, "exit_code", 2)) from None


app = typer.Typer(
    cls=_Group,
    name="tongban",
    help="Simulation and EMS logistics planning for cross-province government services.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# One module per area; each exposes ``register(app: typer.Typer) -> None``.
COMMAND_MODULES = (
    "catalog",
    "geo",
    "simulate",
    "staff",
    "route",
    "run",
    "sweep",
    "serve",
    "keys",
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"tongban {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress details."),
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version."
    ),
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


for _name in COMMAND_MODULES:  # a missing module is an ImportError, never skipped
    importlib.import_module(f"tongban.commands.{_name}").register(app)


def main() -> None:
    """Console-script entry point: exit 0, 1, 2 (bad input or usage) or 130 (interrupted)."""
    with handle_interrupts():
        try:
            code = app(standalone_mode=False)
        except typer.TyperException as exc:  # a usage error at the root: one line, not a box
            _echo_usage_error(exc)
            code = getattr(exc, "exit_code", 2)
        except (KeyboardInterrupt, typer.Abort):
            code = INTERRUPTED_EXIT_CODE
        if code == INTERRUPTED_EXIT_CODE:
            typer.echo("interrupted: stopped, temporary files removed", err=True)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
