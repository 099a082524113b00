"""`caregov ingest` lines, summary and exit codes; `caregov status`; the landing zone protocol."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

from caregov.settings import Settings
from ingestion.deliveries import ingest_landing, ingest_paths
from ingestion.ledger import entity_status, format_status
from ingestion.load import ingest_file
from tests.conftest import VENV_BIN, home_environ
from tests.ingestion.helpers import INVALID, VALID, archived, lake_rows

D = dt.date


def _caregov(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV_BIN / "caregov"), *args],
        env=home_environ(home), capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_ingest_prints_a_line_per_file_and_exits_2_when_one_is_rejected(
    caregov_home: Path, tmp_path: Path
) -> None:
    """One loaded and one rejected file: two lines, a summary, exit 2, no traceback."""
    deliveries = tmp_path / "deliveries"
    deliveries.mkdir()
    shutil.copy(VALID / "clean" / "hr_posts_2024-03-31.csv", deliveries)
    shutil.copy(
        INVALID / "empty" / "hr_posts_2024-03-31.csv", deliveries / "hr_posts_2024-04-30.csv"
    )
    run = _caregov(caregov_home, "ingest", str(deliveries))
    assert run.returncode == 2
    lines = run.stdout.splitlines()
    assert lines[0].startswith("loaded   hr_posts_2024-03-31.csv: 3 rows loaded, 0 quarantined")
    assert lines[1] == "rejected hr_posts_2024-04-30.csv is empty."
    assert lines[2] == "2 files: 1 loaded (3 rows, 0 quarantined), 0 skipped, 1 rejected."
    assert "Traceback" not in run.stderr


def test_ingest_exits_0_when_everything_is_loaded_or_skipped(caregov_home: Path) -> None:
    """Loading then re-delivering the same file: both runs exit 0."""
    path = str(VALID / "clean" / "complaints_2024-03-31.csv")
    assert _caregov(caregov_home, "ingest", path).returncode == 0
    again = _caregov(caregov_home, "ingest", path)
    assert again.returncode == 0
    assert again.stdout.splitlines()[-1] == (
        "1 file: 0 loaded (0 rows, 0 quarantined), 1 skipped, 0 rejected."
    )


def test_missing_path_is_one_sentence_and_exit_2(caregov_home: Path) -> None:
    """A path that does not exist is a user mistake, not an internal error."""
    run = _caregov(caregov_home, "ingest", "no-such-folder")
    assert run.returncode == 2
    assert run.stderr.strip() == "caregov: no-such-folder does not exist."


def test_status_reports_last_as_at_rows_and_staleness(settings: Settings) -> None:
    """Monthly hr is fresh 20 days on; weekly case management is stale; unloaded is stale."""
    ingest_file(settings, VALID / "clean" / "hr_posts_2024-03-31.csv")
    ingest_file(settings, INVALID / "unknown_enum" / "hr_posts_2024-03-31.csv")
    ingest_file(settings, VALID / "clean" / "cm_events_2024-03-31.csv")
    rows = {r["entity"]: r for r in entity_status(settings, today=D(2024, 4, 20))}
    posts = rows["hr_posts"]
    assert (posts["last_as_at"], posts["rows_loaded"], posts["rows_quarantined"]) == (
        D(2024, 3, 31), 40, 1)  # fmt: skip
    assert posts["stale"] is False
    assert (rows["cm_events"]["rows_loaded"], rows["cm_events"]["stale"]) == (4, True)
    assert (rows["complaints"]["last_as_at"], rows["complaints"]["stale"]) == (None, True)
    assert entity_status(settings, today=D(2024, 5, 12))[1]["stale"] is True  # 42 days > 31 + 10


def test_notes_delivered_when_they_change_are_never_stale(
    settings: Settings, tmp_path: Path
) -> None:
    """The governance notes have no cadence: not stale before any delivery, nor a year after."""
    assert {r["entity"]: r["stale"] for r in entity_status(settings)}["governance_notes"] is False
    path = tmp_path / "governance_notes_2024-03-31.csv"
    path.write_text(
        "note_id,note_type,note_date,metric_id,title,detail\nN1,event,2024-03-01,,Board,\n"
    )
    assert ingest_file(settings, path).status == "loaded"
    notes = {r["entity"]: r for r in entity_status(settings, today=D(2025, 4, 1))}[
        "governance_notes"
    ]
    assert (notes["last_as_at"], notes["cadence_days"], notes["stale"]) == (
        D(2024, 3, 31),
        None,
        False,
    )
    assert format_status([notes]).splitlines()[1].endswith("on change")


def test_status_table_layout() -> None:
    """The status table: one row per entity, counts right-aligned."""
    rows = [
        {"entity": "hr_posts", "last_as_at": D(2024, 3, 31),
         "last_loaded_at": dt.datetime(2024, 4, 2, 9, 5), "rows_loaded": 1234,
         "rows_quarantined": 5, "cadence_days": 31, "stale": False},
        {"entity": "complaints", "last_as_at": None, "last_loaded_at": None, "rows_loaded": 0,
         "rows_quarantined": 0, "cadence_days": 7, "stale": True},
    ]  # fmt: skip
    assert format_status(rows) == (
        "entity      last as-at    last load (UTC)   rows loaded  quarantined  stale\n"
        "hr_posts    2024-03-31    2024-04-02 09:05        1,234            5  ok\n"
        "complaints  never loaded  -                           0            0  STALE"
    )


def test_status_command_runs_on_an_empty_home(caregov_home: Path) -> None:
    """`caregov status` before any load lists every entity as never loaded."""
    run = _caregov(caregov_home, "status")
    assert run.returncode == 0
    assert run.stdout.count("never loaded") == 13  # the entities of docs/specification.md §3.3


def test_landing_takes_only_complete_files_and_moves_them_out_after_archiving(
    settings: Settings,
) -> None:
    """`.name` and `*.part` wait; complete files are archived, recorded, then leave landing."""
    hr = settings.landing / "hr"
    hr.mkdir(parents=True)
    shutil.copy(VALID / "clean" / "hr_posts_2024-03-31.csv", hr)
    shutil.copy(VALID / "clean" / "hr_workers_2024-03-31.csv", hr / ".hr_workers_2024-03-31.csv")
    shutil.copy(
        VALID / "clean" / "hr_workers_2024-03-31.csv", hr / "hr_workers_2024-03-31.csv.part"
    )
    lines: list[str] = []
    outcomes = ingest_landing(settings, settings.landing, echo=lines.append)
    assert [o.file_name for o in outcomes] == ["hr_posts_2024-03-31.csv"]
    assert sorted(p.name for p in hr.iterdir()) == [
        ".hr_workers_2024-03-31.csv", "hr_workers_2024-03-31.csv.part"]  # fmt: skip
    (copy,) = archived(settings)
    assert copy.parent == settings.archive / "hr"
    assert copy.read_bytes() == (VALID / "clean" / "hr_posts_2024-03-31.csv").read_bytes()
    assert len(lake_rows(settings, "hr_posts")) == 3


def test_hostile_names_write_nothing_outside_caregov_home(
    settings: Settings, tmp_path: Path
) -> None:
    """The whole invalid corpus, ingested from a folder, leaves every other folder untouched."""
    corpus = tmp_path / "corpus"
    shutil.copytree(INVALID, corpus)
    before = sorted(p for p in tmp_path.rglob("*") if not p.is_relative_to(settings.home))
    outcomes = ingest_paths(settings, [corpus], echo=lambda _line: None)
    after = sorted(p for p in tmp_path.rglob("*") if not p.is_relative_to(settings.home))
    assert after == before
    # a name starting with "." is a delivery still being written: it waits, untouched
    assert len(outcomes) == len(list(INVALID.iterdir())) - 1
    assert "..%2F..%2Fetc%2Fhr_posts_2024-03-31.csv" not in {o.file_name for o in outcomes}
    assert len(archived(settings)) == len(outcomes)
    assert all(p.resolve().is_relative_to(settings.archive) for p in archived(settings))
