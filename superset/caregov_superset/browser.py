"""Open the dashboards in a real headless Chromium, as a reader does: screenshots, and the text
a reader sees.

Superset draws its charts' legends, axes and lines on a canvas, where a page's text cannot be
read back, so before any script of the page runs the canvas's drawing is wrapped to record
every string it draws and every colour it strokes or fills with (`CANVAS_TEXT`). With the
page's own text, that is everything a reader can read on a dashboard, and which lines and
points (a target line, special-cause months) are drawn. Chromium is Debian's (`/usr/bin/chromium`); nothing is
downloaded.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from caregov.errors import CaregovError
from caregov.settings import Settings
from caregov_superset.assets import DashboardSpec, load_assets

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
# Every string drawn on a canvas, and every colour it stroked or filled with, kept on the
# canvas that drew them: what a reader can read and which lines and points are there.
CANVAS_TEXT = """
(() => {
  const proto = CanvasRenderingContext2D.prototype;
  const keep = (canvas, key, value) => {
    if (canvas) { (canvas[key] = canvas[key] || []).push(String(value)); }
  };
  for (const name of ['fillText', 'strokeText']) {
    const draw = proto[name];
    proto[name] = function (text, ...rest) {
      keep(this.canvas, '__texts', text);
      return draw.call(this, text, ...rest);
    };
  }
  for (const [name, style] of [['stroke', 'strokeStyle'], ['fill', 'fillStyle']]) {
    const paint = proto[name];
    proto[name] = function (...rest) {
      keep(this.canvas, '__' + name, this[style]);
      return paint.call(this, ...rest);
    };
  }
})();
"""
# Each chart of the dashboard: its own text (title, numbers, table) and what its canvases drew.
READ_CHARTS = """
(selector) => Array.from(document.querySelectorAll(selector)).map((chart) => {
  const canvases = Array.from(chart.querySelectorAll('canvas'));
  const all = (key) => [...new Set(canvases.flatMap((c) => c[key] || []))];
  return {text: chart.innerText, canvas: canvases.flatMap((c) => c.__texts || []),
          colours: [...new Set([...all('__stroke'), ...all('__fill')])]};
})
"""


@dataclass(frozen=True)
class ChartSeen:
    """What a reader sees of one chart: its text, the text drawn on its canvases (legends,
    axes, labels) and the colours its lines and points were drawn in (as the browser writes
    them: `#b03a2e`, or `rgba(…)` when not opaque)."""

    text: str
    canvas: list[str]
    colours: list[str]

    @property
    def title(self) -> str:
        return self.text.strip().split("\n", 1)[0]


@dataclass(frozen=True)
class Seen:
    """What a reader sees on a dashboard: the page's text and each chart's."""

    page_text: str
    charts: list[ChartSeen]

    @property
    def canvas_text(self) -> list[str]:
        return [text for chart in self.charts for text in chart.canvas]

    def chart(self, title: str) -> ChartSeen:
        found = [c for c in self.charts if c.title == title]
        if len(found) != 1:
            raise KeyError(
                f"{len(found)} charts titled {title!r}: {[c.title for c in self.charts]}"
            )
        return found[0]


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
    raise CaregovError(f"login as {username} stayed on the login form: {message}")


def open_dashboard(
    page: Page, url: str, slug: str, charts: int, timeout: float = 120, navigate: bool = True
) -> Seen:
    """Open a dashboard (or, with `navigate` false, stay on the one shown, say after a filter
    changed), wait until its `charts` charts have drawn, and read what is shown."""
    if navigate:
        page.goto(f"{url}/superset/dashboard/{slug}/")
    # Superset mounts the grid again once it has stored the native filter state (a dashboard
    # with several filters can do so more than once), so wait until the full chart count has
    # drawn and stayed, with nothing loading, for a few checks in a row.
    deadline = time.monotonic() + timeout
    settled = 0
    while settled < 3:
        if time.monotonic() > deadline:
            raise CaregovError(f"dashboard {slug} did not finish drawing within {timeout:.0f}s")
        drawn = page.locator(CHART).count() == charts and not page.locator(LOADING).count()
        settled = settled + 1 if drawn else 0
        time.sleep(0.7)
    time.sleep(1.0)  # the last chart's animation, which draws its labels
    charts_seen = [
        ChartSeen(c["text"], c["canvas"], c["colours"]) for c in page.evaluate(READ_CHARTS, CHART)
    ]
    return Seen(page_text=page.inner_text("body"), charts=charts_seen)


def screenshot(page: Page, path: Path) -> Path:
    """The whole dashboard, at the page's width (1600 px)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def screenshot_dashboards(settings: Settings, out: Path) -> list[Path]:
    """A 1600 px screenshot of every dashboard, as the admin sees it, into `out/<slug>.png`;
    a dashboard that does not finish drawing is an error naming it."""
    written = []
    with chromium() as launched:
        page = new_page(launched)
        log_in(
            page,
            settings.superset_url,
            settings.superset_admin_user,
            settings.superset_admin_password,
        )
        for spec in load_assets(settings).dashboards:
            written.append(_screenshot_drawn(page, settings.superset_url, spec, out))
    return written


def _screenshot_drawn(page: Page, url: str, spec: DashboardSpec, out: Path) -> Path:
    """Superset sometimes mounts a dashboard's grid once more just after it has settled (seen
    after a sync changed it): a screenshot then shows an empty page. So the charts must still
    all be there once the picture is taken, or it is taken again."""
    charts = len(spec.charts)
    for _ in range(3):
        open_dashboard(page, url, spec.slug, charts)
        path = screenshot(page, out / f"{spec.slug}.png")
        if page.locator(CHART).count() == charts and not page.locator(LOADING).count():
            return path
    raise CaregovError(f"dashboard {spec.slug} kept redrawing while its screenshot was taken")
