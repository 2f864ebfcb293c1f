"""``tongban serve`` and ``tongban keys`` on bad options: exit 2 and one line, no traceback."""

from __future__ import annotations

from typer.testing import CliRunner

from tongban.cli import app


def test_bad_serve_and_keys_options_exit_2_with_the_field() -> None:
    runner = CliRunner()
    cases = [
        (["serve", "--port", "0"], "--port"),
        (["serve", "--workers", "0"], "--workers"),
        (["keys", "create", "--role", "root", "--name", "x"], "--role"),
        (["keys", "create", "--role", "admin", "--name", " "], "--name"),
    ]
    for args, field in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert field in result.output and "Traceback" not in result.output
