"""The board pack as a reader gets it: the PDF opened and read back, page by page."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import duckdb
import pytest
from pypdf import PdfReader

from boardpack.content import fingerprint
from boardpack.pack import WrittenPack, write_pack
from caregov.errors import CaregovError
from caregov.settings import Settings
from tests.conftest import VENV_BIN, home_environ

# Cover, contents; workforce 2, waiting lists 2, complaints, finance, improvement plan (three
# measures a page), after each of the first three its commentary for March (the sample lead's);
# scorecard; data quality; definitions 3 (six a page).
PAGES = 17


def test_the_pack_has_every_part_on_its_numbered_page(march: WrittenPack, pages: list[str]) -> None:
    """17 pages, each footed 'Page n of 17', and the contents give each part's first page."""
    assert march.pages == len(pages) == PAGES
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {PAGES}" in text
    contents = pages[1]
    for part, page in [
        ("Workforce", 3),
        ("Workforce: commentary", 5),
        ("Waiting lists", 6),
        ("Waiting lists: commentary", 8),
        ("Complaints", 9),
        ("Complaints: commentary", 10),
        ("Finance", 11),
        ("Improvement plan", 12),
        ("Scorecard", 13),
        ("Data quality", 14),
        ("Appendix: definitions", 15),
    ]:
        assert f"{part} {page}" in contents
        assert pages[page - 1].startswith(part)


def test_every_metric_title_is_in_the_pack_and_no_metric_id(
    published: Settings, pages: list[str]
) -> None:
    """Each monthly metric's title is on its area's page, the scorecard and the definitions; the
    yearly ASCOF measures (national-returns) are left out on purpose; no metric id, nor any
    other code with an underscore, appears anywhere."""
    with duckdb.connect(str(published.serving_db), read_only=True) as con:
        catalogue = con.execute(
            "select metric_id, title, dashboard = 'national-returns' from marts.metric_catalogue"
        ).fetchall()
    text = " ".join(pages)
    assert len([row for row in catalogue if not row[2]]) == 18
    assert len([row for row in catalogue if row[2]]) == 7
    for metric_id, title, yearly in catalogue:
        if yearly:
            assert title not in text
        else:
            assert text.count(title) >= 2, title
        assert metric_id not in text
    assert "ASCOF" not in text
    assert re.findall(r"\w+_\w+", text) == []


def test_the_month_is_named_in_words(pages: list[str]) -> None:
    """The cover says March 2026, and so does every page's heading or footer."""
    assert "Adult social care governance board pack March 2026" in pages[0]
    assert "31 March 2026" in pages[0]
    assert all("March 2026" in page for page in pages)
    assert "2026-03" not in " ".join(pages)


def test_the_cover_names_the_council_the_data_dates_and_the_build(
    published: Settings, pages: list[str]
) -> None:
    """Council name from the settings, each source's as-at date, and the build id."""
    cover = pages[0]
    assert cover.startswith("Sample council")
    assert "Staff jobs (HR) 31 March 2026" in cover
    assert f"build {fingerprint(published.serving_db)}" in cover


def test_the_same_published_warehouse_gives_the_same_bytes(
    published: Settings, march: WrittenPack, tmp_path: Path
) -> None:
    """Written again, the pack is identical, byte for byte; its PDF dates are the newest load the
    warehouse holds, not the time of printing."""
    again = write_pack(published, "2026-03", tmp_path / "again.pdf")
    assert again.path.read_bytes() == march.path.read_bytes()
    with duckdb.connect(str(published.serving_db), read_only=True) as con:
        (newest,) = con.execute("select max(last_loaded_at) from marts.data_freshness").fetchone()
    created = PdfReader(again.path).metadata["/CreationDate"]
    assert created == newest.strftime("D:%Y%m%d%H%M%S+00'00'")


def test_a_month_the_warehouse_does_not_hold_is_a_user_error(published: Settings) -> None:
    """One sentence naming the months the warehouse holds."""
    with pytest.raises(CaregovError, match="no metrics for 2026-04; it holds 2024-04 to 2026-03"):
        write_pack(published, "2026-04")


def test_a_warehouse_built_before_spc_is_a_user_error(sample_published: Settings) -> None:
    """A warehouse published by an older caregov, without the SPC mart: build it again."""
    with duckdb.connect(str(sample_published.serving_db)) as con:
        con.execute("drop table marts.governance_metrics_spc")
    with pytest.raises(CaregovError, match=r"no marts\.governance_metrics_spc: .*`caregov build`"):
        write_pack(sample_published, "2026-03")


def test_without_chromium_the_pack_is_a_user_error(
    published: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No browser on the PATH: a sentence naming the Debian package, and no file."""
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CaregovError, match="install Debian's `chromium` package"):
        write_pack(published, "2026-03", tmp_path / "pack.pdf")
    assert not (tmp_path / "pack.pdf").exists()


def test_caregov_pack_writes_the_month_into_packs(sample_published: Settings) -> None:
    """`caregov pack --month 2026-03` writes CAREGOV_HOME/packs/board-pack-2026-03.pdf and says so."""
    done = subprocess.run(
        [str(VENV_BIN / "caregov"), "pack", "--month", "2026-03"],
        env=home_environ(sample_published.home),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    path = sample_published.packs / "board-pack-2026-03.pdf"
    build = fingerprint(sample_published.serving_db)
    assert done.stdout == (
        f"wrote the board pack for March 2026 ({PAGES} pages, build {build}) to {path}\n"
    )
    assert len(PdfReader(path).pages) == PAGES
