"""The matter catalog as one unit: the national list, local overlays, one id index, facts.

Modules, each importing only those above it (no cycle):

- :mod:`sim.catalog.index`: :class:`MatterIndex`, the one id index (order, lookup by id with
  a "did you mean" error, ids, counts) shared by the national list and the overlays, and the
  parsers of user input (batch, closed choices).
- :mod:`sim.catalog.national`: :class:`Matter` and the :class:`Catalog` of 140 matters
  (seed 001) read from ``sim/data/catalog.toml``.
- :mod:`sim.catalog.overlays`: a local plan's :class:`LocalCatalog` (seeds 000, 002-004)
  read from ``sim/data/overlays/<locality>.toml`` or a planner's own file.
- :mod:`sim.catalog.facts`: :class:`MatterFacts`, the plain records the engine compiles
  scenarios against.
- :mod:`sim.catalog.views`: the rows and the counts summary ``tongban catalog`` shows.

Modes. :data:`Mode` is what a matter offers: ``online`` (全程网办), ``proxy`` (异地代收代办)
and ``joint`` (多地联办), the three modes of DESIGN.md §1 and the only values the
catalog and the overlays hold; ``tongban catalog --mode`` accepts these three. A scenario
adds one more value for a *case*, :data:`CaseMode` = :data:`Mode` + ``counter``: the case
is served at the window and ends there (no separation, mail or handling office). It is the
default mode of abstract scenarios (no locality, hence no catalog modes; see
``sim/compile.py``), may be chosen for any matter, and routes inbound cases like
``online``. ``counter`` is a way of staging a case, not a delivery mode of a matter, so it
is not a :data:`Mode`; :data:`CaseMode` is built from :data:`Mode` so that the two cannot
disagree.
"""

from sim.catalog.facts import MatterFacts, locality_matter_ids, national_matters
from sim.catalog.index import BATCHES, MatterIndex, parse_batch, parse_choice, unknown_matter
from sim.catalog.national import (
    CASE_MODES,
    CATEGORIES,
    HANDLING_LEVELS,
    ISSUE_FIELDS,
    MODES,
    CaseMode,
    Catalog,
    Category,
    HandlingLevel,
    Matter,
    Mode,
    ResultDelivery,
    build_catalog,
    load_catalog,
    read_data_file,
)
from sim.catalog.overlays import (
    LOCAL_FIELDS,
    LOCALITIES,
    SHIPPED_OVERLAYS,
    WINDOW_LEVELS,
    LocalCatalog,
    LocalEntry,
    Locality,
    LocalMatter,
    WindowLevel,
    build_overlay,
    check_locality,
    load_overlay,
    read_overlay_file,
)
from sim.catalog.views import catalog_summary, select_rows

__all__ = [
    "BATCHES",
    "CASE_MODES",
    "CATEGORIES",
    "HANDLING_LEVELS",
    "ISSUE_FIELDS",
    "LOCALITIES",
    "LOCAL_FIELDS",
    "MODES",
    "SHIPPED_OVERLAYS",
    "WINDOW_LEVELS",
    "CaseMode",
    "Catalog",
    "Category",
    "HandlingLevel",
    "LocalCatalog",
    "LocalEntry",
    "LocalMatter",
    "Locality",
    "Matter",
    "MatterFacts",
    "MatterIndex",
    "Mode",
    "ResultDelivery",
    "WindowLevel",
    "build_catalog",
    "build_overlay",
    "catalog_summary",
    "check_locality",
    "load_catalog",
    "load_overlay",
    "locality_matter_ids",
    "national_matters",
    "parse_batch",
    "parse_choice",
    "read_data_file",
    "read_overlay_file",
    "select_rows",
    "unknown_matter",
]
