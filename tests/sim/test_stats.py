"""Streaming statistics against numpy on the full data."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from sim.stats import LogHistogram, RunningMoments, Tally, t_halfwidth


def test_running_moments_match_numpy_and_merge() -> None:
    data = np.random.default_rng(0).lognormal(1.0, 0.8, 10_001)
    one, two = RunningMoments(), RunningMoments()
    for value in data[:5000]:
        one.add(float(value))
    two.add_block(data[5000:])
    one.merge(two)
    assert one.count == data.size
    assert one.mean == pytest.approx(float(data.mean()), rel=1e-12)
    assert one.variance == pytest.approx(float(data.var(ddof=1)), rel=1e-9)


@pytest.mark.parametrize("q", [0.1, 0.5, 0.9, 0.95, 0.99])
def test_log_histogram_quantiles_within_its_accuracy(q: float) -> None:
    rng = np.random.default_rng(1)
    data = np.concatenate([np.zeros(3000), rng.exponential(7.0, 20_000)])
    sketch = LogHistogram(accuracy=0.005)
    sketch.add_block(data)
    exact = float(np.quantile(data, q, method="inverted_cdf"))
    if exact == 0:
        assert sketch.quantile(q) == 0
    else:
        assert sketch.quantile(q) == pytest.approx(exact, rel=0.0051)


def test_share_at_most_and_tally_flush() -> None:
    tally = Tally(buffer_size=100)
    values = np.random.default_rng(2).exponential(5.0, 1234)
    for value in values:
        tally.add(float(value))
    assert tally.count == values.size
    assert tally.mean == pytest.approx(float(values.mean()))
    share = tally.sketch.share_at_most(5.0)
    assert share == pytest.approx(float((values <= 5.0).mean()), abs=0.01)


def test_t_halfwidth_is_the_student_interval() -> None:
    values = [1.0, 2.0, 4.0, 3.0]
    expected = scipy_stats.t.ppf(0.975, 3) * np.std(values, ddof=1) / 2.0
    assert t_halfwidth(values) == pytest.approx(expected)
    assert np.isnan(t_halfwidth([1.0]))


@settings(max_examples=40, deadline=None)
@given(
    blocks=st.lists(
        st.lists(
            st.one_of(st.just(0.0), st.floats(1e-9, 1e12, allow_nan=False, allow_infinity=False)),
            max_size=30,
        ),
        min_size=1,
        max_size=6,
    ),
    split=st.integers(0, 6),
)
def test_a_sketch_stores_its_used_span_only_and_merges_in_any_order(
    blocks: list[list[float]], split: int
) -> None:
    """Quantiles and shares of sketches built from blocks, merged in two groups either way,
    equal those of one sketch of all the values; only the used span of bins is stored."""
    whole, left, right = LogHistogram(), LogHistogram(), LogHistogram()
    for number, block in enumerate(blocks):
        values = np.asarray(block, dtype=float)
        whole.add_block(values)
        (left if number < split else right).add_block(values)
    one, other = LogHistogram(), LogHistogram()
    one.merge(left)
    one.merge(right)
    other.merge(right)
    other.merge(left)
    for merged in (one, other):
        assert np.array_equal(merged.counts, whole.counts)
        assert merged.zeros == whole.zeros and merged.count == whole.count
        for q in (0.0, 0.3, 0.5, 0.9, 1.0):
            assert merged.quantile(q) == whole.quantile(q) or np.isnan(whole.quantile(q))
        for threshold in (1e-7, 0.5, 3.0, 1e6):
            share = merged.share_at_most(threshold)
            assert share == whole.share_at_most(threshold) or np.isnan(share)
    positive = [v for block in blocks for v in block if v > whole.floor]
    assert int(whole.counts.sum()) == len(positive)
    if positive:  # the stored span runs from the lowest used bin to the highest
        used = np.flatnonzero(whole.counts)
        assert whole.offset == used[0] and whole.stored.size == used[-1] - used[0] + 1
    else:
        assert whole.stored.size == 0
