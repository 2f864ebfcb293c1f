"""Limits: documented defaults, overridable from the environment, checked with a clear message."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tongban.kernel.errors import InputError
from tongban.kernel.inputfiles import check_nesting, nesting_depth, read_text_bounded
from tongban.kernel.limits import Limits, check_at_most, limits


@pytest.fixture
def fresh_limits() -> Iterator[None]:
    limits.cache_clear()
    yield
    limits.cache_clear()


def test_defaults_are_the_documented_ones() -> None:
    defaults = Limits()
    assert defaults.horizon_days == 3660 and defaults.replications == 1000
    assert defaults.customers == 10_000 and defaults.nesting_depth == 64
    assert defaults.file_bytes == 16 * 1024 * 1024
    assert Limits.__doc__ is not None
    module_doc = __import__("tongban.kernel.limits", fromlist=["x"]).__doc__
    for name in Limits.model_fields:
        assert f"``{name}``" in module_doc, f"limit {name} is not documented"


def test_environment_overrides_a_limit(monkeypatch: pytest.MonkeyPatch, fresh_limits: None) -> None:
    monkeypatch.setenv("TONGBAN_LIMIT_HORIZON_DAYS", "7320")
    assert limits().horizon_days == 7320
    check_at_most("days", 7000, "horizon_days")


def test_message_names_field_value_limit_and_setting(fresh_limits: None) -> None:
    with pytest.raises(InputError) as caught:
        check_at_most("days", 100_000, "horizon_days", "days")
    assert str(caught.value) == (
        "days = 100000 days is above the limit 3660 days (TONGBAN_LIMIT_HORIZON_DAYS)"
    )
    assert caught.value.field == "days"


def test_nan_is_never_within_a_limit(fresh_limits: None) -> None:
    with pytest.raises(InputError):
        check_at_most("per_hour", float("nan"), "per_hour")


def test_nesting_depth_is_counted_without_recursion() -> None:
    deep: list[object] = []
    node = deep
    for _ in range(200_000):
        child: list[object] = []
        node.append(child)
        node = child
    assert nesting_depth(deep) == 200_001
    assert nesting_depth({"a": [1, {"b": 2}]}) == 3
    with pytest.raises(InputError, match="nested 200001 levels deep; the limit is 64"):
        check_nesting(deep, "x")


def test_bounded_reader_accepts_a_bom_and_refuses_big_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_limits: None
) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"a": 1}).encode())
    assert json.loads(read_text_bounded(path, "file")) == {"a": 1}
    monkeypatch.setenv("TONGBAN_LIMIT_FILE_BYTES", "4")
    limits.cache_clear()
    with pytest.raises(InputError, match="larger than the limit 4 bytes"):
        read_text_bounded(path, "file")
