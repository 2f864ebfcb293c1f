"""HTTP API (FastAPI + SQLModel): matters, scenarios, runs. Not built yet."""
