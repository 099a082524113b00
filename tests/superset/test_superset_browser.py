"""Real browser: headless Chromium logs in as a Governance Viewer and reads every dashboard.

Screenshots go to test-artifacts/superset/<slug>.png for a human to look at.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from caregov.settings import Settings
from caregov_superset.client import SupersetClient
from cli.local.superset import state_dir

pytestmark = pytest.mark.integration

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Charts per dashboard, counted by hand from superset/assets/dashboards/*.yaml.
CHARTS = {
    "governance-overview": 7,
    "workforce": 8,
    "waiting-lists": 9,
    "complaints": 4,
    "finance": 7,
    "improvement-plan": 5,
    "data-health": 3,
    "national-returns": 11,
}
CHART = "[data-test='chart-grid-component']"
LOADING = f"{CHART} .loading, {CHART} [data-test='loading-indicator']"
ERRORS = (
    f"{CHART} .ant-alert-error, {CHART} [data-test='error-tooltip'], "
    f"{CHART} :text('Unexpected error'), {CHART} :text('No results were returned'), "
    f"{CHART} :text('Invalid format')"
)
DRAWN = f"{CHART} canvas, {CHART} table, {CHART} .header-line, {CHART} svg"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def viewer_page(
    browser: Browser,
    admin: SupersetClient,
    superset_settings: Settings,
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
    page = browser.new_page(viewport={"width": 1600, "height": 1400})
    page.set_default_timeout(60_000)
    try:
        log_in(page, superset_settings.superset_url, "board-member", "board-member-password")
    except AssertionError as refused:
        server_log = (state_dir(superset_settings) / "superset.log").read_text().splitlines()
        raise AssertionError("\n".join([str(refused), *server_log[-40:]])) from None
    yield page
    page.close()


def log_in(page: Page, url: str, username: str, password: str, attempts: int = 3) -> None:
    """Log in through Superset's login form, as a person would.

    The form is a React page that can mount again while its bootstrap data and theme load, and
    on a busy machine a submission has come back refused once (`/login/?next=…`, what Superset
    answers a failed sign-in) where the same sign-in passes on a quiet one. So wait until the
    page is idle, check the fields hold what was typed, and try again (at most `attempts` times)
    while the form is still shown. A lasting refusal still fails the test, with the form's own
    message.
    """
    for _ in range(attempts):
        page.goto(f"{url}/login/")
        page.wait_for_load_state("networkidle")
        if "/login" not in page.url:  # the previous attempt did log in after all
            return
        page.fill("#username", username)
        page.fill("#password", password)
        expect(page.locator("#username")).to_have_value(username)
        expect(page.locator("#password")).to_have_value(password)
        page.keyboard.press("Enter")
        try:
            page.wait_for_url(lambda current: "/login" not in current, timeout=30_000)
            return
        except PlaywrightTimeoutError:
            continue
    message = page.locator(".ant-alert, .ant-form-item-explain, .ant-message").all_inner_texts()
    raise AssertionError(f"login as {username} stayed on the login form: {message}")


@pytest.mark.parametrize("slug", sorted(CHARTS))
def test_dashboard_renders_every_chart_without_errors(
    viewer_page: Page, superset_settings: Settings, artifacts: Path, slug: str
) -> None:
    """Every chart of the dashboard draws, and none shows an error or an empty result."""
    viewer_page.goto(f"{superset_settings.superset_url}/superset/dashboard/{slug}/")
    # Superset re-mounts the grid once it has stored the native filter state (the URL gains
    # `native_filters_key`), so wait for the full chart count rather than the first chart.
    expect(viewer_page.locator(CHART)).to_have_count(CHARTS[slug], timeout=120_000)
    deadline = time.monotonic() + 60
    while viewer_page.locator(LOADING).count() and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(1.0)  # let the last chart finish its animation before the screenshot
    viewer_page.screenshot(path=str(artifacts / f"{slug}.png"), full_page=True)
    assert viewer_page.locator(CHART).count() == CHARTS[slug]
    assert viewer_page.locator(LOADING).count() == 0
    assert viewer_page.locator(ERRORS).count() == 0
    holders = viewer_page.locator(CHART)
    for index in range(CHARTS[slug]):
        assert holders.nth(index).locator("canvas, table, .header-line, svg").count() > 0, index
