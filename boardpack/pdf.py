"""Print the pack's HTML to PDF with the Debian headless Chromium, and make the file repeatable.

Chromium lays out HTML and CSS as a browser does (the pack's pages, tables and inline SVG charts)
and prints it through Skia's PDF writer, with the fonts embedded. It runs with a throw-away
profile, background networking and every other phone-home switched off, and the page itself
carries a content-security policy that forbids loading anything: nothing is fetched while
printing.

Chromium stamps the printing time into the file as /CreationDate and /ModDate; nothing else in
its output changes between runs. Both are overwritten with the time given (the newest load the
published warehouse holds), in place and at the same length, so the cross-reference table's
byte offsets stay right and the same published warehouse gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from caregov import fs
from caregov.errors import CaregovError

log = logging.getLogger(__name__)

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
PRINT_TIMEOUT_SECONDS = 180
FLAGS = (
    "--headless",
    "--no-sandbox",  # the page is our own, scriptless, and may load nothing (see module doc)
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--disable-breakpad",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
    "--no-pdf-header-footer",
)
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}[^)]*\)")


def browser() -> str:
    """The Chromium to print with."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise CaregovError(
        "the board pack is printed by Chromium, which is not installed; install Debian's"
        " `chromium` package (`make demo` and `make test` do)."
    )


def pdf_date(moment: dt.datetime) -> bytes:
    """A PDF date in UTC, at the length Chromium writes: `D:20260331120000+00'00'`."""
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'").encode()


def fix_dates(pdf: bytes, moment: dt.datetime) -> bytes:
    """The PDF with its creation and modification dates set to `moment`, each in place."""
    stamp = pdf_date(moment)

    def replace(match: re.Match[bytes]) -> bytes:
        fixed = b"/" + match.group(1) + b" (" + stamp + b")"
        if len(fixed) != len(match.group(0)):
            raise RuntimeError(f"unexpected PDF date {match.group(0)!r} from Chromium")
        return fixed

    fixed, count = _PDF_DATE.subn(replace, pdf)
    if count != 2:
        raise RuntimeError(f"expected Chromium's two PDF dates, found {count}")
    return fixed


def print_pdf(html: str, out: Path, moment: dt.datetime) -> Path:
    """Print `html` to the PDF `out` (written whole, then renamed into place), dated `moment`."""
    with tempfile.TemporaryDirectory(prefix="caregov-pack-") as work:
        page, printed = Path(work) / "pack.html", Path(work) / "pack.pdf"
        page.write_text(html, encoding="utf-8")
        command = [
            browser(),
            *FLAGS,
            f"--user-data-dir={Path(work) / 'profile'}",
            f"--crash-dumps-dir={Path(work) / 'crashes'}",
            f"--print-to-pdf={printed}",
            page.as_uri(),
        ]
        log.info("printing %s with %s", out.name, command[0])
        try:
            result = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=PRINT_TIMEOUT_SECONDS,
                env=_environment(Path(work)),
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise CaregovError(
                f"Chromium did not print the board pack within {PRINT_TIMEOUT_SECONDS}s"
            ) from None
        if result.returncode != 0 or not printed.is_file():
            tail = (result.stderr or "").strip().splitlines()[-3:]
            raise CaregovError(
                f"Chromium could not print the board pack (exit {result.returncode}): "
                + " | ".join(tail)
            )
        fs.write_bytes(out, fix_dates(printed.read_bytes(), moment))
    return out


def _environment(work: Path) -> dict[str, str]:
    """A small, private environment: Chromium writes its caches into the work folder."""
    keep = ("PATH", "LANG", "LC_ALL", "TZ", "FONTCONFIG_PATH", "FONTCONFIG_FILE")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env.update(
        HOME=str(work), XDG_CONFIG_HOME=str(work / "config"), XDG_CACHE_HOME=str(work / "cache")
    )
    return env
