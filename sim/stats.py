"""Streaming statistics: running moments, a log-histogram quantile sketch, confidence intervals.

Nothing here keeps every observation. :class:`RunningMoments` is Welford/Chan (mergeable);
:class:`LogHistogram` puts values into geometric bins of relative width ``2 * accuracy`` with an
exact bin for zero, so any quantile is returned within ``accuracy`` relative error (plus the
bin edges' range); :class:`Tally` buffers adds and folds them in with numpy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats as scipy_stats


@dataclass
class RunningMoments:
    """Count, mean and variance of a stream (Welford, with Chan's merge for blocks)."""

    count: int = 0
    mean: float = 0.0
    m2: float = 0.0

    def add(self, value: float) -> None:
        """Fold in one observation."""
        self.count += 1
        delta = value - self.mean
        self.mean += delta / self.count
        self.m2 += delta * (value - self.mean)

    def add_block(self, values: np.ndarray) -> None:
        """Fold in a block of observations at once."""
        n = int(values.size)
        if n == 0:
            return
        block_mean = float(values.mean())
        block_m2 = float(((values - block_mean) ** 2).sum())
        self.merge(RunningMoments(n, block_mean, block_m2))

    def merge(self, other: RunningMoments) -> None:
        """Fold in another stream's moments."""
        if other.count == 0:
            return
        total = self.count + other.count
        delta = other.mean - self.mean
        self.mean += delta * other.count / total
        self.m2 += other.m2 + delta * delta * self.count * other.count / total
        self.count = total

    @property
    def variance(self) -> float:
        """Sample variance (``nan`` below two observations)."""
        return self.m2 / (self.count - 1) if self.count > 1 else math.nan


@dataclass
class LogHistogram:
    """Quantile sketch: geometric bins with bounded relative error and an exact zero bin.

    Values ≤ ``floor`` count as zero (waits of exactly 0 are common in queues); values above
    ``ceiling`` land in the top bin. Only the bins from the lowest to the highest one used
    are stored (``offset`` and ``stored``): the full range has ~3,500 bins (28 KB), and a
    national replication keeps a sketch per window (3,209 of them, per replication, in the
    driver until the run is summarised).
    """

    accuracy: float = 0.005
    floor: float = 1e-6
    ceiling: float = 1e9
    zeros: int = field(default=0, init=False)
    offset: int = field(default=0, init=False, repr=False)  # bin of stored[0]
    stored: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._log_gamma = math.log((1 + self.accuracy) / (1 - self.accuracy))
        self._log_floor = math.log(self.floor)
        self.bins = math.ceil((math.log(self.ceiling) - self._log_floor) / self._log_gamma) + 1
        self.stored = np.zeros(0, dtype=np.int64)

    @property
    def counts(self) -> np.ndarray:
        """Every bin's count (the full range; the sketch stores only the used span)."""
        dense = np.zeros(self.bins, dtype=np.int64)
        dense[self.offset : self.offset + self.stored.size] = self.stored
        return dense

    def _cover(self, low: int, high: int) -> None:
        """Grow the stored span to hold bins ``low`` … ``high``."""
        if self.stored.size == 0:
            self.offset, self.stored = low, np.zeros(high - low + 1, dtype=np.int64)
            return
        start = min(low, self.offset)
        end = max(high + 1, self.offset + self.stored.size)
        if start < self.offset or end > self.offset + self.stored.size:
            grown = np.zeros(end - start, dtype=np.int64)
            grown[self.offset - start : self.offset - start + self.stored.size] = self.stored
            self.offset, self.stored = start, grown

    def add_block(self, values: np.ndarray) -> None:
        """Fold in a block of non-negative values."""
        if values.size == 0:
            return
        positive = values[values > self.floor]
        self.zeros += int(values.size - positive.size)
        if positive.size:
            index = np.floor((np.log(positive) - self._log_floor) / self._log_gamma).astype(
                np.int64
            )
            np.clip(index, 0, self.bins - 1, out=index)
            self._cover(int(index.min()), int(index.max()))
            self.stored += np.bincount(index - self.offset, minlength=self.stored.size)

    def merge(self, other: LogHistogram) -> None:
        """Fold in another sketch with the same geometry."""
        if other.stored.size:
            self._cover(other.offset, other.offset + other.stored.size - 1)
            start = other.offset - self.offset
            self.stored[start : start + other.stored.size] += other.stored
        self.zeros += other.zeros

    @property
    def count(self) -> int:
        """Observations seen."""
        return self.zeros + int(self.stored.sum())

    def quantile(self, q: float) -> float:
        """The ``q``-quantile (0 ≤ q ≤ 1), within ``accuracy`` relative error."""
        total = self.count
        if total == 0:
            return math.nan
        rank = q * (total - 1)
        if rank < self.zeros:
            return 0.0
        cumulative = np.cumsum(self.stored) + self.zeros
        index = int(np.searchsorted(cumulative, rank, side="right"))
        index = self.offset + min(index, self.stored.size - 1)
        low = math.exp(self._log_floor + index * self._log_gamma)
        gamma = math.exp(self._log_gamma)
        return low * 2.0 * gamma / (1.0 + gamma)

    def share_at_most(self, threshold: float) -> float:
        """Share of observations ≤ ``threshold`` (to the bin's resolution)."""
        total = self.count
        if total == 0:
            return math.nan
        if threshold <= self.floor:
            return self.zeros / total
        edge = int(np.floor((math.log(threshold) - self._log_floor) / self._log_gamma))
        upto = max(edge, 0) + 1 - self.offset  # stored bins up to the threshold's bin
        return (self.zeros + int(self.stored[: max(upto, 0)].sum())) / total


@dataclass
class Tally:
    """A buffered stream of observations feeding moments and a quantile sketch."""

    moments: RunningMoments = field(default_factory=RunningMoments)
    sketch: LogHistogram = field(default_factory=LogHistogram)
    buffer: list[float] = field(default_factory=list, repr=False)
    buffer_size: int = 65536

    def add(self, value: float) -> None:
        """Record one observation (flushed in blocks)."""
        self.buffer.append(value)
        if len(self.buffer) >= self.buffer_size:
            self.flush()

    def flush(self) -> None:
        """Fold the buffer into the moments and the sketch."""
        if self.buffer:
            block = np.asarray(self.buffer, dtype=float)
            self.moments.add_block(block)
            self.sketch.add_block(block)
            self.buffer.clear()

    @property
    def count(self) -> int:
        """Observations recorded."""
        self.flush()
        return self.moments.count

    @property
    def mean(self) -> float:
        """Mean of the observations (``nan`` if none)."""
        self.flush()
        return self.moments.mean if self.moments.count else math.nan

    def quantile(self, q: float) -> float:
        """Quantile from the sketch."""
        self.flush()
        return self.sketch.quantile(q)


def t_halfwidth(values: Sequence[float], confidence: float = 0.95) -> float:
    """Half-width of the Student-t confidence interval of the mean of ``values``.

    ``nan`` values are ignored; fewer than two values give ``nan``.
    """
    data = np.asarray([v for v in values if not math.isnan(v)], dtype=float)
    if data.size < 2:
        return math.nan
    quantile = float(scipy_stats.t.ppf(0.5 + confidence / 2.0, data.size - 1))
    return quantile * float(data.std(ddof=1)) / math.sqrt(data.size)


def nanmean(values: Sequence[float]) -> float:
    """Mean of the non-``nan`` values (``nan`` if none)."""
    data = [v for v in values if not math.isnan(v)]
    return float(sum(data) / len(data)) if data else math.nan
