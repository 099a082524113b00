"""Open the dashboards in a real headless Chromium, as a reader does: screenshots, and the text
a reader sees.

Superset draws its charts' legends, axes and lines on a canvas, where a page's text cannot be
read back, so before any script of the page runs the canvas's text drawing is wrapped to
record every string it draws (`CANVAS_TEXT`). With the page's own text, that is everything a
reader can read on a dashboard. Chromium is Debian's (`/usr/bin/chromium`); nothing is
downloaded.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = "/usr/bin/chromium"
# Headless, and quiet: the network is closed, so no background fetches.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WIDTH = 1600
CHART = "[data-test='chart-grid-component']"
LOADING = f"{CHART} .loading, {CHART} [data-test='loading-indicator']"
CANVAS_TEXT = """
(() => {
  window.__canvasText = [];
  const proto = CanvasRenderingContext2D.prototype;
  for (const name of ['fillText', 'strokeText']) {
    const draw = proto[name];
    proto[name] = function (text, ...rest) {
      window.__canvasText.push(String(text));
      return draw.call(this, text, ...rest);
    };
  }
})();
"""


@dataclass(frozen=True)
class Seen:
    """What a reader sees on a dashboard: its page text and the text drawn on its charts."""

    page_text: str
    canvas_text: list[str]
    charts: int


@contextmanager
def chromium() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Browser) -> Page:
    page = browser.new_page(viewport={"width": WIDTH, "height": 1400})
    page.set_default_timeout(60_000)
    page.add_init_script(CANVAS_TEXT)
    return page


def log_in(page: Page, url: str, username: str, password: str, attempts: int = 3) -> None:
    """Log in through Superset's login form, as a person would.

    The form is a React page that can mount again while its bootstrap data and theme load, and
    on a busy machine a submission has come back refused once (`/login/?next=…`) where the same
    sign-in passes on a quiet one. So wait until the page is idle, check the fields hold what
    was typed, and try again (at most `attempts` times) while the form is still shown.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import expect

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
    raise RuntimeError(f"login as {username} stayed on the login form: {message}")


def open_dashboard(page: Page, url: str, slug: str, charts: int, timeout: float = 120) -> Seen:
    """Open a dashboard, wait until its `charts` charts have drawn, and read what is shown."""
    page.goto(f"{url}/superset/dashboard/{slug}/")
    page.evaluate("window.__canvasText = []")
    # Superset mounts the grid again once it has stored the native filter state (a dashboard
    # with several filters can do so more than once), so wait until the full chart count has
    # drawn and stayed, with nothing loading, for a few checks in a row.
    deadline = time.monotonic() + timeout
    settled = 0
    while settled < 3:
        if time.monotonic() > deadline:
            raise RuntimeError(f"dashboard {slug} did not finish drawing within {timeout:.0f}s")
        drawn = page.locator(CHART).count() == charts and not page.locator(LOADING).count()
        settled = settled + 1 if drawn else 0
        time.sleep(0.7)
    time.sleep(1.0)  # the last chart's animation, which draws its labels
    return Seen(
        page_text=page.inner_text("body"),
        canvas_text=list(page.evaluate("window.__canvasText")),
        charts=page.locator(CHART).count(),
    )


def screenshot(page: Page, path: Path) -> Path:
    """The whole dashboard, at the page's width (1600 px)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path
