"""Shipped data tables of the geographic layer (see geo/README.md)."""
