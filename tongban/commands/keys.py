"""``tongban keys create --role planner --name NAME``: a new API key, printed once.

The key is the last line of the output, alone (only its hash is stored).
"""

from __future__ import annotations

import typer

from tongban.kernel.errors import InputError

keys_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)
ROLES = ("analyst", "planner", "admin")


@keys_app.command("create")
def create_command(
    role: str = typer.Option(..., "--role", help="analyst, planner or admin."),
    name: str = typer.Option(..., "--name", help="Who or what the key is for."),
) -> None:
    """Create a key in the service's database and print it once."""
    if role not in ROLES:
        raise InputError(f"--role must be one of {', '.join(ROLES)} (got {role!r})", field="role")
    if not name.strip():
        raise InputError("--name must not be empty", field="name")
    from api.db import make_engine, migrate, session_scope
    from api.models.keys import Role
    from api.security import create_key
    from api.settings import get_settings

    engine = make_engine(get_settings().url)
    migrate(engine)
    with session_scope(engine) as session:
        record, key = create_key(session, name.strip(), Role(role))
    engine.dispose()
    typer.echo(f"created {role} key {record.id} ({record.name}); it is shown only once:", err=True)
    typer.echo(key)


def register(app: typer.Typer) -> None:
    """Add ``keys`` to the root app."""
    app.add_typer(keys_app, name="keys")
