"""``tongban geo``: windows, EMS transit times and the planner's map.

* ``tongban geo windows --locality L [--levels province,prefecture,county] [--user-windows F]
  --out FILE.geojson`` writes the locality's halls (EPSG:4326, CRS declared in the file);
* ``tongban geo transit FROM TO [--json] [--seed S] [--samples N]`` prints distance and
  EMS transit statistics between two admin units (codes or names);
* ``tongban geo map --locality L --out map.png`` draws windows, offices, centres and hubs.

All input is validated before anything is written; bad input ends as one line and exit 2.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import numpy as np
import typer

from tongban.commands.options import NumberIn, seed_type
from tongban.kernel.errors import InputError

geo_app = typer.Typer(
    help="Administrative units, windows, EMS transit and maps.", no_args_is_help=True
)


def _levels(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _out_path(out: Path, suffixes: tuple[str, ...]) -> Path:
    """``--out`` checked before any work: the right suffix, not a folder, a writable place."""
    if out.suffix.lower() not in suffixes:
        raise InputError(f"--out {str(out)!r} must end with {' or '.join(suffixes)}", field="out")
    if out.is_dir() or (out.exists() and not out.is_file()):
        raise InputError(f"--out {str(out)!r} exists and is not a file", field="out")
    if not out.parent.is_dir():
        raise InputError(f"--out: directory {str(out.parent)!r} does not exist", field="out")
    try:  # a probe file where the output will go: read-only places fail here, not later
        handle, probe = tempfile.mkstemp(prefix=f".{out.stem}-", suffix=".probe", dir=out.parent)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise _cannot_write(out, exc) from None
    return out


def _cannot_write(out: Path, exc: OSError) -> InputError:
    return InputError(
        f"--out {str(out)!r}: cannot write there ({exc.strerror or exc})", field="out"
    )


@contextmanager
def _written(target: Path) -> Iterator[Path]:
    """A temporary file beside ``target``, renamed onto it when the writing succeeded."""
    temporary = target.with_name(f".{target.stem}-{os.getpid()}.tmp{target.suffix}")
    try:
        yield temporary
        os.replace(temporary, target)
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    finally:
        with suppress(OSError):
            temporary.unlink()


@geo_app.command("windows")
def windows_command(
    locality: str = typer.Option(
        ..., "--locality", help="chizhou, tianjin, qijiang, haicang, national"
    ),
    levels: str | None = typer.Option(
        None, "--levels", help="comma list: province,prefecture,county,street,township"
    ),
    user_windows: Path | None = typer.Option(
        None, "--user-windows", help="GeoJSON/CSV list for street/township halls"
    ),
    out: Path = typer.Option(..., "--out", help="output GeoJSON file"),
) -> None:
    """Write the locality's windows as GeoJSON (EPSG:4326)."""
    from geo.windows import windows_for

    target = _out_path(out, (".geojson", ".json"))
    frame = windows_for(locality, _levels(levels), user_windows)
    with _written(target) as temporary:
        frame.to_file(temporary, driver="GeoJSON")
    typer.echo(f"wrote {len(frame)} windows to {target}")


@geo_app.command("transit")
def transit_command(
    origin: str = typer.Argument(..., help="origin admin code or name (e.g. 341700 or 池州市)"),
    destination: str = typer.Argument(..., help="destination admin code or name"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
    seed: int = typer.Option(1, "--seed", parser=seed_type(), help="random seed"),
    samples: int = typer.Option(
        4000,
        "--samples",
        parser=NumberIn(whole=True, low=1, high=1_000_000),
        help="Monte Carlo samples (send times 09:00–17:00)",
    ),
) -> None:
    """EMS transit between two units: distance_km, mean/p50/p90 hours, share within 72 h."""
    from geo.ems import default_network

    summary = default_network().summary(origin, destination, np.random.default_rng(seed), samples)
    record = dataclasses.asdict(summary)
    if as_json:
        typer.echo(json.dumps(record, ensure_ascii=False))
        return
    for key, value in record.items():
        typer.echo(f"{key:18s} {value}")


@geo_app.command("map")
def map_command(
    locality: str = typer.Option(
        ..., "--locality", help="chizhou, tianjin, qijiang, haicang, national"
    ),
    out: Path = typer.Option(..., "--out", help="output PNG file"),
    levels: str | None = typer.Option(None, "--levels", help="comma list of window levels"),
) -> None:
    """Draw windows, handling offices, EMS centres and hubs to a PNG."""
    from geo.localities import get_locality
    from geo.mapping import draw_locality_map

    target = _out_path(out, (".png",))
    get_locality(locality)
    with _written(target) as temporary:
        draw_locality_map(locality, temporary, _levels(levels))
    typer.echo(f"wrote {target}")


def register(app: typer.Typer) -> None:
    """Add ``tongban geo`` to the root app."""
    app.add_typer(geo_app, name="geo")
