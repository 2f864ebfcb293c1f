"""Streaming statistics against numpy on the full data."""

from __future__ import annotations

import numpy as np
import pytest
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
