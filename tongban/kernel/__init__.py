"""The kernel: small value types every layer shares, importing nothing of the project.

``errors`` (the input-error type), ``clock`` ("HH:MM" ↔ minutes), ``hours`` (a day's
opening hours) and ``pickups`` (EMS pickup schedule shared by routing and the simulation).
The layering (``pyproject.toml``, import-linter) keeps it at the bottom.
"""
