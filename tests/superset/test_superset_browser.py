"""Real browser: a Governance Viewer opens every dashboard in headless Chromium and reads it.

Checks come from what is on screen: the page's text and the text each chart draws on its
canvas (legends, axes, labels), read by `caregov_superset.browser`. Screenshots at 1600 px go to
test-artifacts/superset/<slug>.png for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Browser, Page

from caregov.errors import CaregovError
from caregov.settings import Settings
from caregov_superset import browser
from caregov_superset.assets import ASSETS_DIR, DashboardSpec, load_assets
from caregov_superset.client import SupersetClient
from cli.local.superset import state_dir

pytestmark = pytest.mark.integration

ERRORS = (
    f"{browser.CHART} .ant-alert-error, {browser.CHART} [data-test='error-tooltip'], "
    f"{browser.CHART} :text('Unexpected error'), {browser.CHART} :text('No results were returned'), "
    f"{browser.CHART} :text('Invalid format')"
)
SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
# Numbers are shown with at most two decimals (columns.yaml formats); a float artefact such as
# 187.89999999999998 has many more.
TOO_PRECISE = re.compile(r"\d\.\d{3,}")


@pytest.fixture(scope="module")
def dashboards(superset_settings: Settings) -> dict[str, DashboardSpec]:
    return {spec.slug: spec for spec in load_assets(superset_settings, ASSETS_DIR).dashboards}


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with browser.chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def viewer_page(
    chromium: Browser, admin: SupersetClient, superset_settings: Settings
) -> Iterator[Page]:
    """A page logged in through the login form as a Governance Viewer."""
    roles = {r["name"]: r["id"] for r in admin.iter_list("security/roles")}
    admin.create(
        "security/users",
        {
            "first_name": "Board",
            "last_name": "Member",
            "username": "board-member",
            "email": "board-member@caregov.invalid",
            "active": True,
            "password": "board-member-password",
            "roles": [roles["Governance Viewer"]],
        },
    )
    page = browser.new_page(chromium)
    try:
        browser.log_in(
            page, superset_settings.superset_url, "board-member", "board-member-password"
        )
    except CaregovError as refused:
        server_log = (state_dir(superset_settings) / "superset.log").read_text().splitlines()
        raise AssertionError("\n".join([str(refused), *server_log[-40:]])) from None
    yield page
    page.close()


@pytest.fixture(scope="module")
def seen(
    viewer_page: Page,
    superset_settings: Settings,
    dashboards: dict[str, DashboardSpec],
    artifacts: Path,
) -> dict[str, browser.Seen]:
    """Every dashboard opened once, read, and photographed."""
    found = {}
    for slug, spec in sorted(dashboards.items()):
        found[slug] = browser.open_dashboard(
            viewer_page, superset_settings.superset_url, slug, len(spec.charts)
        )
        assert viewer_page.locator(ERRORS).count() == 0, slug
        browser.screenshot(viewer_page, artifacts / f"{slug}.png")
    return found


SLUGS = sorted(p.stem for p in (ASSETS_DIR / "dashboards").glob("*.yaml"))


@pytest.mark.parametrize("slug", SLUGS)
def test_every_chart_draws(
    seen: dict[str, browser.Seen], dashboards: dict[str, DashboardSpec], slug: str
) -> None:
    """Each chart of the dashboard is on screen with something drawn: no error, no blank."""
    titles = [chart.title for chart in seen[slug].charts]
    assert titles == [chart.title for chart in dashboards[slug].charts]
    for chart in seen[slug].charts:
        assert chart.canvas or len(chart.text.strip().splitlines()) > 1, chart.title


@pytest.mark.parametrize("slug", SLUGS)
def test_no_code_names_on_screen(seen: dict[str, browser.Seen], slug: str) -> None:
    """No snake_case in titles, legends, axes, table headers or cells: words, not column ids."""
    shown = [seen[slug].page_text, *seen[slug].canvas_text]
    assert sorted({m for text in shown for m in SNAKE_CASE.findall(text)}) == []


@pytest.mark.parametrize("slug", SLUGS)
def test_no_number_has_more_than_two_decimals(seen: dict[str, browser.Seen], slug: str) -> None:
    """Numbers are formatted: no float artefacts like 187.89999999999998."""
    shown = [seen[slug].page_text, *seen[slug].canvas_text]
    assert sorted({m for text in shown for m in TOO_PRECISE.findall(text)}) == []


@pytest.mark.parametrize("slug", SLUGS)
def test_every_chart_of_a_metric_with_a_target_shows_its_target_line(
    seen: dict[str, browser.Seen], dashboards: dict[str, DashboardSpec], slug: str
) -> None:
    """A chart whose metric has a target draws the target line, named in its legend."""
    with_target = [chart for chart in dashboards[slug].charts if chart.target]
    for chart in with_target:
        legend = seen[slug].chart(chart.title).canvas
        assert any(text.startswith("Target ") for text in legend), chart.title


def test_ot_chart_adds_up_to_the_people_awaiting(
    seen: dict[str, browser.Seen], superset_settings: Settings
) -> None:
    """The stacked OT / other chart's bar for the latest month totals the people awaiting
    assessment (not that plus the OT waits counted again)."""
    with duckdb.connect(str(superset_settings.serving_db), read_only=True) as warehouse:
        awaiting, ot = warehouse.execute(
            "select max(value) filter (where metric_id = 'waiting_awaiting_assessment'),"
            " max(value) filter (where metric_id = 'waiting_awaiting_ot_assessment')"
            " from marts.governance_metrics where period_end = (select max(period_end)"
            " from marts.governance_metrics where metric_id = 'waiting_awaiting_assessment')"
        ).fetchone()
    chart = seen["waiting-lists"].chart(
        "People awaiting assessment, OT and other, last 12 months (council)"
    )
    assert f"{int(awaiting):,}" in chart.canvas
    assert f"{int(awaiting + ot):,}" not in chart.canvas


def test_headline_numbers_give_changes_in_points_on_the_month_and_the_year(
    seen: dict[str, browser.Seen],
) -> None:
    """A rate's headline says how it moved in percentage points, on the month and the year."""
    tile = seen["governance-overview"].chart("Staff turnover, 12 months (council)").text
    assert re.search(r"[+−±]\d+\.\d pp on \w{3} \d{4} · [+−±]\d+\.\d pp on \w{3} \d{4}", tile), tile


@pytest.mark.parametrize("slug", ["waiting-lists", "workforce"])
def test_team_filter_lists_team_names(
    viewer_page: Page, seen: dict[str, browser.Seen], superset_settings: Settings, slug: str
) -> None:
    """The Team filter offers the teams by name, not by code."""
    with duckdb.connect(str(superset_settings.serving_db), read_only=True) as warehouse:
        rows = warehouse.execute("select team_name from marts.workforce_monthly").fetchall()
    names = {name for (name,) in rows}
    viewer_page.goto(f"{superset_settings.superset_url}/superset/dashboard/{slug}/")
    viewer_page.locator("[data-test='NATIVE_FILTER-team']").click()
    options = viewer_page.locator(".ant-select-item-option-content")
    options.first.wait_for()
    offered = set(options.all_inner_texts())
    assert offered and offered <= names
    assert not any(re.fullmatch(r"T\d{4}", text) for text in offered)
