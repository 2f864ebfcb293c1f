"""The catalog as one unit: the engine's facts, the shared id index, the modes, no cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from pydantic import ValidationError

from sim.catalog import (
    CASE_MODES,
    MODES,
    LocalCatalog,
    MatterFacts,
    load_catalog,
    load_overlay,
    locality_matter_ids,
    national_matters,
)
from sim.scenarios.schema import MatterSettings
from tongban.kernel.errors import InputError

CATALOG_PACKAGE = Path(__file__).resolve().parents[2] / "sim" / "catalog"
#: The documented order of the package's modules: each imports only those before it.
LAYERS = ("index", "national", "overlays", "facts", "views")


def test_national_facts_copy_every_matter_in_catalog_order() -> None:
    facts = national_matters()
    catalog = load_catalog()
    assert tuple(facts) == catalog.ids and len(facts) == 140
    for matter in catalog:
        fact = facts[matter.id]
        assert fact == MatterFacts.of(matter)
        assert (fact.modes, fact.default_mode, fact.handling_level) == (
            matter.modes,
            matter.default_mode,
            matter.handling_level,
        )
        assert fact.limit_working_days == matter.limit_working_days


def test_locality_ids_are_the_overlay_ids_in_catalog_order() -> None:
    ids = locality_matter_ids("haicang")
    assert len(ids) == 106 and ids == load_overlay("haicang").ids
    order = load_catalog().ids
    assert list(ids) == sorted(ids, key=order.index)
    with pytest.raises(InputError, match="tianjin, qijiang, haicang, chizhou"):
        locality_matter_ids("beijing")


def test_one_index_serves_national_and_local_lookups() -> None:
    overlay = load_overlay("haicang")
    missing = next(i for i in load_catalog().ids if i not in overlay)
    for index, known in ((load_catalog(), "1-05"), (overlay, overlay.ids[0])):
        assert index[known].id == known and known in index
        with pytest.raises(InputError, match="did you mean"):
            index["1-5"]
    with pytest.raises(InputError, match=f"matter '{missing}' is not in the catalog"):
        overlay[missing]
    twice = (overlay.matters[0], overlay.matters[0])
    with pytest.raises(ValueError, match=f"overlay haicang: matter id {twice[0].id} appears"):
        LocalCatalog(overlay.locality, twice)


def test_case_modes_are_the_catalog_modes_plus_counter() -> None:
    assert MODES == ("online", "proxy", "joint")
    assert (*MODES, "counter") == CASE_MODES
    assert MatterSettings(mode="counter").mode == "counter"
    with pytest.raises(ValidationError, match="'joint' or 'counter'"):
        MatterSettings.model_validate({"mode": "post"})
    with pytest.raises(InputError, match="mode must be one of online, proxy, joint"):
        load_catalog().filter(mode="counter")


def _imported_siblings(module: str) -> set[str]:
    tree = ast.parse((CATALOG_PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    names = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    return {name.rsplit(".", 1)[1] for name in names if name.startswith("sim.catalog.")}


def test_package_modules_import_only_earlier_layers() -> None:
    modules = {path.stem for path in CATALOG_PACKAGE.glob("*.py")} - {"__init__"}
    assert modules == set(LAYERS)
    for position, module in enumerate(LAYERS):
        assert _imported_siblings(module) <= set(LAYERS[:position]), module
