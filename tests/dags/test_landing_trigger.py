"""The landing trigger: announces complete extract files once, ignores partial ones, never deletes."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from caregov_dags.watcher import LandingFileTrigger


async def _events(trigger: LandingFileTrigger, polls: float, action: Any = None) -> list[dict]:
    """Run the trigger for about `polls` poll intervals (calling `action` after the first)."""
    events: list[dict] = []

    async def consume() -> None:
        async for event in trigger.run():
            events.append(event.payload)

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.3)
    if action:
        action()
    await asyncio.sleep(0.3 * polls)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    return events


@pytest.fixture
def hr_landing(caregov_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAREGOV_LANDING_POLL_SECONDS", "0.2")
    folder = caregov_home / "landing" / "hr"
    folder.mkdir(parents=True)
    return folder


def test_trigger_never_announces_a_file_in_a_hidden_folder(hr_landing: Path) -> None:
    """A file written into `landing/hr/.staging/` (a writer's work space) starts nothing."""
    (hr_landing / ".staging").mkdir()

    def write_in_staging() -> None:
        (hr_landing / ".staging" / "hr_posts_2026-01-31.csv").write_text("post_id\nP1\n")

    assert asyncio.run(_events(LandingFileTrigger("hr"), polls=5, action=write_in_staging)) == []


def test_trigger_announces_a_renamed_file_once_and_leaves_it_in_place(hr_landing: Path) -> None:
    """A `.part` file is ignored until renamed; then one event names it and the file stays."""
    partial = hr_landing / "hr_posts_2026-01-31.csv.part"
    partial.write_text("post_id\nP1\n")
    final = hr_landing / "hr_posts_2026-01-31.csv"

    events = asyncio.run(
        _events(LandingFileTrigger("hr"), polls=5, action=lambda: partial.rename(final))
    )

    assert events == [{"source": "hr", "files": ["hr_posts_2026-01-31.csv"]}]
    assert final.read_text() == "post_id\nP1\n"


def test_trigger_announces_a_file_waiting_at_start_and_a_redelivery(hr_landing: Path) -> None:
    """Files already waiting are announced; a re-delivered (changed) file is announced again."""
    waiting = hr_landing / "hr_workers_2026-01-31.csv"
    waiting.write_text("job_id\nJ1\n")

    def redeliver() -> None:
        waiting.write_text("job_id\nJ1\nJ2\n")

    events = asyncio.run(_events(LandingFileTrigger("hr"), polls=5, action=redeliver))

    assert events == [
        {"source": "hr", "files": ["hr_workers_2026-01-31.csv"]},
        {"source": "hr", "files": ["hr_workers_2026-01-31.csv"]},
    ]
    assert waiting.exists()


def test_trigger_is_silent_on_an_empty_or_missing_folder(
    caregov_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No landing folder yet means no event (and no error)."""
    monkeypatch.setenv("CAREGOV_LANDING_POLL_SECONDS", "0.2")
    assert asyncio.run(_events(LandingFileTrigger("finance"), polls=3)) == []


def test_trigger_in_a_hub_watches_every_councils_folder_for_the_source(
    caregov_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With councils.csv, `landing/<la_code>/hr/` of each council (and of a folder naming no
    council, whose files the ingest rejects) is watched; other sources' folders are not."""
    monkeypatch.setenv("CAREGOV_LANDING_POLL_SECONDS", "0.2")
    (caregov_home / "councils.csv").write_text("la_code,name\nE1,One\nE2,Two\n")
    for folder in ("E1/hr", "X9/hr", "E2/finance"):
        (caregov_home / "landing" / folder).mkdir(parents=True)

    def deliver() -> None:
        for folder in ("E1/hr", "X9/hr", "E2/finance"):
            (caregov_home / "landing" / folder / "hr_posts_2026-01-31.csv").write_text("post_id\n")

    events = asyncio.run(_events(LandingFileTrigger("hr"), polls=5, action=deliver))

    assert events == [
        {
            "source": "hr",
            "files": ["E1/hr/hr_posts_2026-01-31.csv", "X9/hr/hr_posts_2026-01-31.csv"],
        }
    ]
