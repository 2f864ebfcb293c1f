"""Shipped scenario files (TOML) and their pydantic schema."""
