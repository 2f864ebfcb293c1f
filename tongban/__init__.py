"""tongban: simulation and EMS logistics planning for cross-province government services.

This package holds the entry points (CLI) and the few things every layer shares
(the package version and the input-error type). The domain lives in the ``sim``,
``geo``, ``routing`` and ``api`` packages.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tongban")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
