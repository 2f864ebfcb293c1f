"""Stopping criteria shared by every backend.

A criterion is a small frozen object; a backend reads the fields it understands. A time
limit is wall-clock and therefore not reproducible; an iteration limit is (PyVRP's
iterations, OR-Tools' solution limit), which is what tests use.
"""

from __future__ import annotations

from dataclasses import dataclass

from tongban.kernel.errors import InputError


@dataclass(frozen=True)
class StoppingCriterion:
    """Stop at whichever limit is hit first.

    Attributes:
        seconds: wall-clock budget (None: no time limit).
        iterations: deterministic budget: PyVRP search iterations, or OR-Tools solutions
            found by local search (None: no such limit).
        no_improvement: PyVRP also stops after this many iterations without a better
            solution (deterministic; OR-Tools ignores it; None: no such stop).
    """

    seconds: float | None = None
    iterations: int | None = None
    no_improvement: int | None = None

    def __post_init__(self) -> None:
        if self.seconds is None and self.iterations is None:
            raise InputError("a stopping criterion needs seconds or iterations", field="stop")
        if self.seconds is not None and self.seconds <= 0:
            raise InputError(f"seconds must be > 0, got {self.seconds}", field="seconds")
        if self.iterations is not None and self.iterations < 1:
            raise InputError(f"iterations must be >= 1, got {self.iterations}", field="iterations")
        if self.no_improvement is not None and self.no_improvement < 1:
            raise InputError(
                f"no_improvement must be >= 1, got {self.no_improvement}", field="no_improvement"
            )

    @property
    def deterministic(self) -> bool:
        """True when the budget does not depend on machine speed."""
        return self.seconds is None

    def split(self, parts: int) -> StoppingCriterion:
        """The budget of one of ``parts`` equal shares (for portfolio runs)."""
        return StoppingCriterion(
            seconds=None if self.seconds is None else self.seconds / parts,
            iterations=None if self.iterations is None else max(1, self.iterations // parts),
            no_improvement=self.no_improvement,
        )


def MaxRuntime(seconds: float) -> StoppingCriterion:
    """Stop after ``seconds`` of wall-clock time."""
    return StoppingCriterion(seconds=seconds)


def SolutionLimit(iterations: int) -> StoppingCriterion:
    """Stop after a fixed number of iterations/solutions: reproducible runs for tests."""
    return StoppingCriterion(iterations=iterations)
