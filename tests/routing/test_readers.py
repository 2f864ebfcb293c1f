"""Readers: Solomon and VRPLIB files parse to the published numbers; bad files name the line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from routing.checker import check_solution
from routing.readers import DIMACS, TSPLIB, euclidean_matrix, read_instance, read_solution
from tongban.kernel.errors import InputError


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
        # review 2, finding 8: every bad value names its file and line, none is a traceback
        ("nan_demand.txt", ":11: expected a finite number"),
        ("huge_demand.txt", ":12: expected a finite number"),
        ("nan_coordinate.txt", ":11: expected a finite number"),
        ("duplicate_customer.txt", ":12: customer number 1 already used on line 11"),
        ("zero_vehicles.txt", ":5: vehicle NUMBER and CAPACITY must be >= 1"),
        ("negative_demand.txt", ":12: node 2: demand -5 must be >= 0"),
        ("bad_vehicles.vrp", ":6: expected a number, got 'x'"),
        ("bad_service_time.vrp", ":6: expected a number, got 'abc'"),
        ("ready_after_due.vrp", ":19: ready time 70 after due date 60"),
        ("demand_beyond_dimension.vrp", ":15: DEMAND_SECTION lists node 4; DIMENSION is 3"),
        ("no_demand.vrp", "no DEMAND_SECTION"),
        ("duplicate_node.vrp", ":19: node 2 already listed in TIME_WINDOW_SECTION on line 18"),
        ("zero_vehicles.vrp", ":6: VEHICLES must be >= 1, got 0"),
        ("negative_capacity.vrp", ":5: CAPACITY must be >= 1, got -10"),
        ("negative_demand.vrp", ":14: node 3: demand -5 must be an integer >= 0"),
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


def test_vrplib_fractional_times_scale_before_truncating(data: Path) -> None:
    inst = read_instance(data / "fractional_times.vrp")
    first, second = inst.problem.stops
    # 10.7 → 107 and 2.5 → 25 (not 100 and 20: truncating before ×10 lost the decimals)
    assert (first.tw_open, first.tw_close, first.service) == (107, 500, 25)
    assert (second.tw_close, second.service) == (602, 10)  # 60.25 → 602.5 truncated
    assert inst.vehicles == 2 and inst.convention == DIMACS
    # the independent checker reads the same fractional values the same way
    assert check_solution(inst, [[1], [2]]).feasible
    assert check_solution(inst, [[1, 2]]).cost == 16.0  # 5 + 6 + 5


def test_cli_reports_bad_number_with_line_not_traceback(data: Path) -> None:
    from typer.testing import CliRunner

    from tongban.cli import app

    result = CliRunner().invoke(app, ["route", "--instance", str(data / "huge_demand.txt")])
    assert result.exit_code == 2
    assert "huge_demand.txt:12: expected a finite number" in result.output


BAD = Path(__file__).resolve().parents[1] / "data" / "bad_input" / "routing"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("dimension_1e9.vrp", r"DIMENSION - 1 = 1e\+09 is above the limit 10000"),
        ("vehicles_1e9.vrp", r"VEHICLES = 1e\+09 is above the limit 10000"),
        ("vehicles_1e15.txt", r"vehicle NUMBER = 1e\+15 is above the limit 10000"),
        ("coordinates_2p53.txt", r"\|coordinate\| = 9.0072e\+15 is above the limit 1e\+07"),
    ],
)
def test_oversized_instances_are_refused_before_allocation(name: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_instance(BAD / name)
