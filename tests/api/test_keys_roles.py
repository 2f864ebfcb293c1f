"""Keys and roles: 401 without or with an unknown key, 403 for the wrong role, admin manages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from api.db import make_engine
from api.security import find_key
from tests.api.service import MMC_SMALL, Service


def test_missing_and_unknown_keys_are_401_with_a_clear_message(service: Service) -> None:
    missing = service.request("GET", "/scenarios", role=None)
    assert missing.status_code == 401 and "X-API-Key" in missing.json()["detail"]
    unknown = service.request("GET", "/scenarios", role=None, headers={"X-API-Key": "tb_nope"})
    assert unknown.status_code == 401 and "unknown" in unknown.json()["detail"]


def test_wrong_role_is_403_naming_the_role_needed(service: Service) -> None:
    response = service.request("POST", "/scenarios", "analyst", json=MMC_SMALL)
    assert response.status_code == 403
    assert "planner" in response.json()["detail"] and "analyst" in response.json()["detail"]
    assert service.request("GET", "/keys", "planner").status_code == 403
    assert service.request("GET", "/keys", "admin").status_code == 200


def test_admin_creates_and_revokes_keys(service: Service) -> None:
    created = service.request("POST", "/keys", "admin", json={"name": "ops", "role": "analyst"})
    assert created.status_code == 201
    key = created.json()["key"]
    listed = service.request("GET", "/keys", "admin").json()
    assert all("key" not in k and "key_hash" not in k for k in listed)
    mine = {"X-API-Key": key}
    assert service.request("GET", "/scenarios", role=None, headers=mine).status_code == 200
    revoked = service.request("DELETE", f"/keys/{created.json()['id']}", "admin")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert service.request("GET", "/scenarios", role=None, headers=mine).status_code == 401
    bad = service.request("POST", "/keys", "admin", json={"name": "x", "role": "root"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body", "role"]


def test_only_hashes_are_stored(service: Service) -> None:
    engine = make_engine(service.url)
    from sqlmodel import Session, select

    from api.models.keys import ApiKey

    with Session(engine) as session:
        stored = [k.key_hash for k in session.exec(select(ApiKey))]
        assert service.keys["planner"] not in stored
        assert find_key(session, service.keys["planner"]) is not None
    engine.dispose()


def test_cli_prints_the_key_once_alone_on_its_last_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "TONGBAN_DATABASE_URL": url}
    command = [sys.executable, "-c", "from tongban.cli import main; main()", "keys", "create"]
    done = subprocess.run(
        [*command, "--role", "planner", "--name", "ci"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    key = done.stdout.splitlines()[-1]
    assert key.startswith("tb_") and " " not in key
    engine = make_engine(url)
    from sqlmodel import Session

    with Session(engine) as session:
        record = find_key(session, key)
        assert record is not None and record.role == "planner" and record.name == "ci"
    engine.dispose()
    bad = subprocess.run(
        [*command, "--role", "boss", "--name", "x"], env=env, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "analyst, planner, admin" in bad.stderr
