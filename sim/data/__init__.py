"""Package data: the national catalog (catalog.toml) and its local overlays."""
