"""``fewer_collections``: the young-generation threshold is raised inside, restored after."""

from __future__ import annotations

import gc

import pytest

from tongban.kernel.collector import YOUNG_THRESHOLD, fewer_collections


def test_threshold_raised_inside_and_restored_after_even_on_error() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold()[0] == max(YOUNG_THRESHOLD, before[0])
        assert gc.get_threshold()[1:] == before[1:]
        assert gc.isenabled()  # SimPy's cycles still need collecting
        assert gc.get_freeze_count() > 0  # what was alive is out of the passes
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError), fewer_collections(young=5_000):
        raise RuntimeError("a model error")
    assert gc.get_threshold() == before


def test_nested_blocks_restore_in_order() -> None:
    before = gc.get_threshold()
    with fewer_collections(young=600_000):
        with fewer_collections(young=900_000):
            assert gc.get_threshold()[0] == 900_000
        assert gc.get_threshold()[0] == max(600_000, before[0])
    assert gc.get_threshold() == before
