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
# Colours as the browser writes them (caregov_superset.charts): the target line, and an SPC
# chart's mean, limits and special-cause points (Making Data Count's colours).
TARGET = "#b03a2e"
SPC = {"mean": "#212b32", "limit": "#aeb7bd"}
SPC_POINTS = {"improvement": "#289de0", "concern": "#f5a623", "special_cause": "#5b2c83"}


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
def test_every_chart_of_a_metric_with_a_target_draws_its_target_line(
    seen: dict[str, browser.Seen], dashboards: dict[str, DashboardSpec], slug: str
) -> None:
    """A chart whose metric has a target draws the dashed target line in its colour."""
    for chart in dashboards[slug].charts:
        if chart.target:
            assert TARGET in seen[slug].chart(chart.title).colours, chart.title


@pytest.mark.parametrize("slug", SLUGS)
def test_spc_charts_mark_the_special_causes_the_mart_finds(
    seen: dict[str, browser.Seen],
    dashboards: dict[str, DashboardSpec],
    superset_settings: Settings,
    slug: str,
) -> None:
    """Each SPC chart draws its mean and control limits, and points in exactly the colours of
    the special causes governance_metrics_spc finds for its metric (blue improvement, orange
    concern, purple for a neutral metric); the introduction explains how to read them."""
    spc = [chart for chart in dashboards[slug].charts if chart.kind == "spc"]
    if spc:
        assert "Reading the SPC charts" in seen[slug].page_text
    with duckdb.connect(str(superset_settings.serving_db), read_only=True) as warehouse:
        for chart in spc:
            found = {
                variation
                for (variation,) in warehouse.execute(
                    "select distinct variation from marts.governance_metrics_spc"
                    " where metric_id = ? and special_cause",
                    [chart.target],
                ).fetchall()
            }
            drawn = set(seen[slug].chart(chart.title).colours)
            assert {SPC["mean"], SPC["limit"]} <= drawn, chart.title
            assert {c for c in SPC_POINTS if SPC_POINTS[c] in drawn} == found, chart.title


def test_the_sample_shows_both_kinds_of_special_cause(
    seen: dict[str, browser.Seen],
) -> None:
    """The sample council's turnover fell from about 23 % to 10 %: its SPC chart shows months of
    concern (high, early) and of improvement (low, late)."""
    chart = seen["workforce"].chart(
        "Staff turnover by month, with control limits and target (council)"
    )
    assert {SPC_POINTS["concern"], SPC_POINTS["improvement"]} <= set(chart.colours)


def test_the_scorecard_reads_each_metric_with_spc(seen: dict[str, browser.Seen]) -> None:
    """Beside RAG, the scorecard says in words how SPC reads the month and whether the target
    will be met."""
    scorecard = (
        seen["governance-overview"].chart("Governance scorecard, latest month against target").text
    )
    assert "Variation" in scorecard and "Assurance" in scorecard
    assert re.search(r"Common cause|Improvement|Concern", scorecard)
    assert re.search(r"Consistently passing|Consistently failing|Hit and miss", scorecard)


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
