"""Readers: Solomon and VRPLIB files parse to the published numbers; bad files name the line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from routing.readers import DIMACS, TSPLIB, euclidean_matrix, read_instance, read_solution
from tongban.errors import InputError


def test_solomon_c101_fields(bench: Path) -> None:
    inst = read_instance(bench / "vrptw/solomon/C101.txt")
    assert inst.name == "C101"
    assert (inst.vehicles, inst.capacity) == (25, 200)
    assert len(inst.customer_numbers) == 100
    assert inst.customer_numbers[0] == 1
    # customer 1: 45 68 10 912 967 90 (from the file), DIMACS units ×10 in the problem
    stop = inst.problem.stops[0]
    assert (stop.x, stop.y, stop.demand) == (45, 68, 10)
    assert (stop.tw_open, stop.tw_close, stop.service) == (9120, 9670, 900)
    assert inst.problem.depot.tw_close == 12360
    # depot (40,50) to customer 1 (45,68): sqrt(25+324)=18.68 → 186 under ×10 truncation
    assert inst.problem.distance[0, 1] == 186
    assert inst.convention == DIMACS


def test_vrplib_gh_instance_uses_global_service_time(bench: Path) -> None:
    inst = read_instance(bench / "vrptw/gh200/C1_2_1.vrp")
    assert len(inst.customer_numbers) == 200
    assert inst.vehicles == 50 and inst.capacity == 200
    assert int(inst.service[0]) == 0 and int(inst.service[1]) == 90
    assert inst.customer_numbers[:2] == (1, 2)  # node 2 in the file is customer 1


def test_vrplib_cvrp_uses_tsplib_rounding(data: Path) -> None:
    inst = read_instance(data / "tiny.vrp")
    assert inst.convention == TSPLIB
    assert inst.problem.distance[1, 2] == 6  # (3,4)-(-3,4)
    assert inst.problem.distance[0, 1] == 5


def test_dimacs_matrix_is_exact_on_perfect_squares() -> None:
    coords = np.array([[0.0, 0.0], [3.0, 4.0], [1.0, 1.0]])
    m = euclidean_matrix(coords, DIMACS)
    assert m[0, 1] == 50  # exactly 5.0 → 50, no float truncation to 49
    assert m[0, 2] == 14  # sqrt(2)=1.414 → 14


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("bad_number.txt", ":11: expected a number"),
        ("short_row.txt", ":11: expected 7 fields"),
        ("no_vehicle.txt", "no VEHICLE section"),
        ("ready_after_due.txt", ":10: ready time 967 after due date 912"),
        ("bad_section.vrp", ":9: NODE_COORD_SECTION rows need 3 fields"),
        ("missing_dimension.vrp", "DIMENSION and CAPACITY"),
        ("bad.sol", ":1: expected a number"),
        ("missing.txt", "does not exist"),
    ],
)
def test_malformed_files_raise_input_error_with_line(data: Path, name: str, needle: str) -> None:
    reader = read_solution if name.endswith(".sol") else read_instance
    with pytest.raises(InputError, match=needle):
        reader(data / name)


def test_unknown_extension_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "instance.csv"
    path.write_text("x")
    with pytest.raises(InputError, match=r"unknown format '\.csv'"):
        read_instance(path)
