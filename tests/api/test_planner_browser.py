"""The planner page in a real browser: headless Chromium (Debian's ``chromium``, driven by
Playwright through ``executable_path``; no browser download) against ``tongban serve``.

A planner opens ``/``, is told clearly when the key is wrong, uploads a scenario file, starts
a run, watches it to the end and sees the turnaround table (Chinese matter names) and the
report with its map; a broken file shows the API's message and starts nothing. Nothing is
fetched from outside the service. Screenshots go to ``/tmp/planner-*.png``.

Without Chromium the tests skip with the reason, except under ``CI`` where they fail:
``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import tomli_w

from tests.api.live import Server

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # the dev extra is missing: the browser fixture says so
    expect = sync_playwright = None
from tests.api.service import GEO_SMALL, prepare_database

pytestmark = pytest.mark.xdist_group("browser")
CHROMIUM = os.environ.get("TONGBAN_CHROMIUM", "/usr/bin/chromium")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
SHOTS = Path("/tmp")
BAD_TOML = Path(__file__).parents[1] / "data" / "scenarios" / "bad_toml.toml"
RUN_SECONDS = 60_000  # ms: the small scenario and its report take a few seconds each


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason}; CI must provide it (.ci/run installs Debian's chromium)")
    pytest.skip(reason)


def _chromium() -> str:
    path = CHROMIUM if os.path.isfile(CHROMIUM) else shutil.which("chromium")
    if not path:
        _unavailable(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    return str(path)


@dataclass
class Live:
    base: str
    keys: dict[str, str]

    def get(self, path: str, role: str = "analyst") -> Any:
        response = httpx.get(f"{self.base}{path}", headers={"X-API-Key": self.keys[role]})
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("planner")
    url = f"sqlite:///{folder / 'api.db'}"
    keys = prepare_database(url)
    env = {
        **os.environ,
        "TONGBAN_DATABASE_URL": url,
        "TONGBAN_DATA_DIR": str(folder),
        "TONGBAN_JOB_WORKERS": "1",
        "TONGBAN_POLL_SECONDS": "0.2",
        "TONGBAN_ROUTE_ITERATIONS": "50",
    }
    server = Server(env, folder / "server.log")
    try:
        yield Live(server.base, keys)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    if sync_playwright is None:
        _unavailable("the Python package playwright is not installed (dev extra)")
    # no page.wait_for_function with an expression: the page's CSP forbids eval
    with sync_playwright() as playwright:
        args = ["--no-sandbox", "--disable-dev-shm-usage"]  # CI runs as root in a container
        browser = playwright.chromium.launch(executable_path=executable, args=args)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live: Live) -> Iterator[Any]:
    """A fresh tab on the planner page that records every URL it asks for."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    requested: list[str] = []
    tab.on("request", lambda request: requested.append(request.url))
    tab.goto(f"{live.base}/")
    yield tab
    local = (live.base, "data:", "blob:", "about:")
    assert [u for u in requested if not u.startswith(local)] == []  # nothing from outside
    context.close()


def _shoot(page: Any, name: str) -> None:
    """A screenshot of the whole page (a tall viewport: full-page captures leave frames blank)."""
    size = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": height})
    page.wait_for_timeout(500)  # let the report frame paint again at the new size
    page.screenshot(path=str(SHOTS / f"planner-{name}.png"))
    page.set_viewport_size(size)


def _use_key(page: Any, key: str) -> None:
    page.fill("#key", key)
    page.click("#use-key")


def _upload(page: Any, path: Path, text: str) -> None:
    page.set_input_files("#upload", str(path))
    expect(page.locator("#scenario-text")).to_have_value(re.compile(re.escape(text)))


def test_a_planner_uploads_runs_and_sees_results_and_map(
    page: Any, live: Live, tmp_path: Path
) -> None:
    assert "planner" in page.title()
    _use_key(page, "tb_not-a-key")
    page.wait_for_selector("#key-status.error")
    assert "refused this API key" in page.inner_text("#key-status")
    _shoot(page, "wrong-key")

    _use_key(page, live.keys["planner"])
    page.wait_for_selector("#key-status.ok")
    scenario = tmp_path / "two_halls.toml"
    scenario.write_text(tomli_w.dumps(GEO_SMALL), "utf-8")
    _upload(page, scenario, GEO_SMALL["name"])
    page.fill("#replications", "2")
    page.click("#start")
    page.wait_for_selector("#run-section:not([hidden]) .stage")
    _shoot(page, "progress")
    page.wait_for_selector("#run-status.succeeded", timeout=RUN_SECONDS)
    simulation = page.locator('.stage[data-stage="simulation"] .count')
    assert simulation.inner_text() == "2/2"
    assert page.locator('.stage[data-stage="routing"] .count').inner_text() == "1/1"

    page.wait_for_selector("#turnaround tbody tr")
    run_id = int(page.inner_text("#run-id").lstrip("#"))
    table = live.get(f"/runs/{run_id}/results/turnaround")
    expected = [r["matter_id"] + " " + r["matter_name"] for r in table["rows"] if r["cases"] > 0]
    shown = page.locator("#turnaround td.matter").all_inner_texts()
    assert sorted(shown) == sorted(expected) and all(CHINESE.search(s) for s in shown)

    report = page.frame_locator("#report")
    report.locator("#map").wait_for(state="attached", timeout=RUN_SECONDS)
    report.locator("h1").wait_for()
    assert report.locator("#map").count() == 1
    _shoot(page, "results")


def test_a_broken_scenario_shows_the_api_s_message_and_starts_nothing(
    page: Any, live: Live, tmp_path: Path
) -> None:
    runs, scenarios = len(live.get("/runs")), len(live.get("/scenarios"))
    page.select_option("#shipped", "mmc")  # a shipped scenario loads without a key
    expect(page.locator("#scenario-text")).to_have_value(re.compile("M/M/c check"))
    _use_key(page, live.keys["analyst"])
    page.wait_for_selector("#key-status.ok")
    page.click("#start")
    page.wait_for_selector("#start-error:not(:empty)")
    assert "needs a planner key" in page.inner_text("#start-error")

    _use_key(page, live.keys["planner"])
    page.wait_for_selector("#key-status.ok")

    _upload(page, BAD_TOML, "bad: not TOML")
    page.click("#start")
    page.wait_for_selector("#start-error:not(:empty)")
    assert "body is not valid TOML" in page.inner_text("#start-error")
    _shoot(page, "bad-toml")

    process = {"window": {"incomplete_share": 1.5}}
    cases = [
        ({"days": 1000}, "days must be at most 730 on this service (got 1000)"),
        ({"process": process}, "process.window.incomplete_share: Input should be less than"),
    ]
    for number, (change, expected) in enumerate(cases):
        scenario = tmp_path / f"out_of_range_{number}.toml"
        scenario.write_text(tomli_w.dumps({**GEO_SMALL, **change}), "utf-8")
        _upload(page, scenario, tomli_w.dumps(change).splitlines()[-1])
        page.click("#start")
        expect(page.locator("#start-error")).to_contain_text(expected)
        assert "The scenario was not stored" in page.inner_text("#start-error")
        _shoot(page, f"out-of-range-{number}")

    assert page.locator("#run-section").is_hidden()
    assert (len(live.get("/runs")), len(live.get("/scenarios"))) == (runs, scenarios)


def test_a_missing_browser_fails_under_ci_and_skips_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must provide it"):
        _unavailable("no Chromium")
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match="no Chromium"):
        _unavailable("no Chromium")
