"""Landing hazards: what a landing zone can be tricked with, and what caregov does instead.

Links and pipes are refused without being read, followed or archived; a file still being
written under its final name waits until it has settled; a NUL byte anywhere, a formula behind
a tab, a carriage return or a full-width sign, and an as-at date in the future are caught; and
every delivery, however bad its name, gets a ledger record of its own.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import subprocess
import time
from pathlib import Path

from caregov.settings import Settings
from ingestion.deliveries import ingest_landing, ingest_paths
from ingestion.load import ingest_file
from tests.conftest import VENV_BIN, home_environ
from tests.ingestion.helpers import (
    VALID,
    archived,
    lake_rows,
    ledger_rows,
    quarantined_rows,
)

POSTS = VALID / "clean" / "hr_posts_2024-03-31.csv"
HEADER = "post_id,team_id,main_job_role_code,funded_fte,post_status,vacant_since\n"


def _lines(settings: Settings, *paths: Path) -> list[str]:
    lines: list[str] = []
    ingest_paths(settings, list(paths), echo=lines.append)
    return lines


def test_a_symlink_in_landing_is_refused_not_followed_and_moved_out(
    settings: Settings, tmp_path: Path
) -> None:
    """A link to a private file elsewhere: refused with a message, a ledger record of its own,
    nothing archived or loaded, the target untouched, and the link gone from landing (so the
    next run does not meet it again)."""
    target = tmp_path / "elsewhere" / "hr_posts_2024-03-31.csv"
    target.parent.mkdir()
    shutil.copy(POSTS, target)
    os.chmod(target, 0o600)
    hr = settings.landing / "hr"
    hr.mkdir(parents=True)
    (hr / target.name).symlink_to(target)

    [outcome] = ingest_landing(settings, settings.landing, echo=lambda _line: None)

    assert outcome.status == "rejected"
    assert outcome.line() == (
        f"rejected {target.name} is a symbolic link, not a delivered file: it was not read,"
        " followed or archived."
    )
    assert archived(settings) == [] and lake_rows(settings, "hr_posts") == []
    assert list(hr.iterdir()) == []
    [moved] = [p for p in (settings.quarantine / str(outcome.load_id)).iterdir() if p.is_symlink()]
    assert os.readlink(moved) == str(target)
    assert target.read_bytes() == POSTS.read_bytes()
    [record] = ledger_rows(settings)
    assert (record["status"], record["source"], record["file_name"]) == (
        "rejected",
        "hr",
        target.name,
    )
    assert ingest_landing(settings, settings.landing, echo=lambda _line: None) == []


def test_a_fifo_in_landing_is_refused_without_blocking(settings: Settings) -> None:
    """A named pipe nobody writes to would block a reader for ever: it is refused unread."""
    hr = settings.landing / "hr"
    hr.mkdir(parents=True)
    os.mkfifo(hr / "hr_posts_2024-03-31.csv")
    [outcome] = ingest_landing(settings, settings.landing, echo=lambda _line: None)
    assert outcome.status == "rejected"
    assert "is a named pipe (FIFO), not a delivered file" in str(outcome.reason)
    assert list(hr.iterdir()) == []


def test_a_symlink_named_on_the_command_line_is_refused_and_left_where_it_is(
    settings: Settings, tmp_path: Path
) -> None:
    """`caregov ingest link` refuses the link (outside the landing zone it is not moved)."""
    link = tmp_path / POSTS.name
    link.symlink_to(POSTS)
    lines = _lines(settings, link)
    assert lines[0].startswith(f"rejected {POSTS.name} is a symbolic link")
    assert link.is_symlink() and archived(settings) == []


def test_a_file_still_being_written_waits_and_is_taken_once_complete(
    caregov_home: Path,
) -> None:
    """A writer that does not use a temporary name: `caregov ingest landing/` names the file as
    waiting and loads nothing while it changes; once it has settled, the whole file loads."""
    hr = caregov_home / "landing" / "hr"
    hr.mkdir(parents=True)
    rows = [f"P{n:03d},T01,6,1,filled,\n" for n in range(40)]
    growing = hr / POSTS.name
    env = {**home_environ(caregov_home), "CAREGOV_LANDING_SETTLE_SECONDS": "3"}

    def ingest() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(VENV_BIN / "caregov"), "ingest", str(caregov_home / "landing")],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    with growing.open("w") as writer:
        writer.write(HEADER + "".join(rows[:20]))
        writer.flush()
        half = ingest()
        assert half.returncode == 0, half.stderr
        assert f"waiting  {POSTS.name}: changed in the last 3 s" in half.stdout
        assert "0 files" in half.stdout and "1 waiting" in half.stdout
        assert growing.exists()
        writer.write("".join(rows[20:]))
    time.sleep(3.5)
    whole = ingest()
    assert whole.returncode == 0, whole.stderr
    assert f"loaded   {POSTS.name}: 40 rows loaded" in whole.stdout
    assert not growing.exists()


def test_a_file_named_on_the_command_line_is_taken_at_once(caregov_home: Path) -> None:
    """Whoever names a file says it is complete: no settle time applies."""
    fresh = caregov_home / POSTS.name
    shutil.copy(POSTS, fresh)
    settings = Settings.from_env(
        {**home_environ(caregov_home), "CAREGOV_LANDING_SETTLE_SECONDS": "3600"}
    )
    assert _lines(settings, fresh)[0].startswith(f"loaded   {POSTS.name}")


def test_identical_bytes_under_different_bad_names_get_a_record_each(
    settings: Settings, tmp_path: Path
) -> None:
    """Seven deliveries of the same bytes under seven bad names: seven ledger records."""
    for n in range(7):
        shutil.copy(POSTS, tmp_path / f"posts-{n}.csv")
    outcomes = [ingest_file(settings, tmp_path / f"posts-{n}.csv") for n in range(7)]
    assert {o.status for o in outcomes} == {"rejected"}
    assert len({o.load_id for o in outcomes}) == 7
    assert len(ledger_rows(settings)) == 7


def test_formulas_behind_blanks_controls_or_full_width_signs_are_held_back(
    settings: Settings, tmp_path: Path
) -> None:
    """`\\t=HYPERLINK(…)`, `\\r=1+1`, ` \\t@SUM`, a no-break space before `=`, and a full-width `=`
    are held back like a plain `=1+1`; `a=b` and an empty value are fine."""
    values = ["\t=HYPERLINK(1)", "\r=1+1", " \t@SUM(A1)", "\u00a0=1", "\uff1d1+1", "=1+1"]
    body = "".join(f'P{n:03d},"{value}",6,1,filled,\n' for n, value in enumerate(values))
    body += "".join(f"P{n:03d},T{n},6,1,filled,\n" for n in range(10, 200))
    body += "P900,a=b,6,1,filled,\n"
    path = tmp_path / "hr_posts_2024-03-31.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    outcome = ingest_file(settings, path)
    assert outcome.status == "loaded", outcome.line()
    held = quarantined_rows(settings, str(outcome.load_id))
    assert {(r["row"], r["rule"]) for r in held} == {(str(n + 2), "formula") for n in range(6)}
    assert all(r["value"].startswith("'") for r in held)  # escaped in the quarantine file too
    teams = {row["team_id"] for row in lake_rows(settings, "hr_posts")}
    assert "a=b" in teams and not any(t.lstrip(" \t\r\u00a0").startswith(("=", "@")) for t in teams)


def test_a_nul_byte_anywhere_rejects_the_file(settings: Settings, tmp_path: Path) -> None:
    """A NUL byte far past the first 64 KB rejects the file, naming its line."""
    rows = [f"P{n:05d},T01,6,1,filled,\n" for n in range(5000)]
    rows[3000] = "P03000,T0\x001,6,1,filled,\n"
    path = tmp_path / "hr_posts_2024-03-31.csv"
    path.write_text(HEADER + "".join(rows))
    assert path.stat().st_size > 64 * 1024
    outcome = ingest_file(settings, path)
    assert outcome.status == "rejected"
    assert outcome.reason == (
        f"{path.name} is a binary file, not a CSV text file: line 3002 holds a NUL byte."
    )
    assert lake_rows(settings, "hr_posts") == []


def test_an_as_at_date_in_the_future_is_rejected(settings: Settings, tmp_path: Path) -> None:
    """An extract dated 2999-12-31 would never go stale: it is refused; tomorrow is allowed
    (a delivering system in another time zone)."""
    future = tmp_path / "hr_posts_2999-12-31.csv"
    shutil.copy(POSTS, future)
    outcome = ingest_file(settings, future)
    assert outcome.status == "rejected"
    assert outcome.reason == (
        f"{future.name}: its as-at date 2999-12-31 is in the future; the date in the name must"
        " be the day the extract was taken."
    )
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    allowed = tmp_path / f"hr_posts_{tomorrow}.csv"
    shutil.copy(POSTS, allowed)
    assert ingest_file(settings, allowed).status == "loaded"


def test_refused_entries_leave_nothing_readable_behind(settings: Settings) -> None:
    """The quarantine folder that keeps a refused link is owner-only."""
    hr = settings.landing / "hr"
    hr.mkdir(parents=True)
    (hr / POSTS.name).symlink_to(POSTS)
    [outcome] = ingest_landing(settings, settings.landing, echo=lambda _line: None)
    folder = settings.quarantine / str(outcome.load_id)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
