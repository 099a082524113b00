"""Generated councils cached between bench runs: keyed by seed, scale, months, first month and
the generator's code; made once; an outdated copy removed."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import cache
from benchmarks.cache import Council

TINY = Council(seed=3, scale=0.02, months=2, start="2025-01")


def test_the_key_names_everything_the_files_depend_on() -> None:
    """Seed, scale, months, first month and generator digest each change the key."""
    key = TINY.key("abc123")
    assert key == "council-seed3-scale0.02-months2-from2025-01-abc123"
    others = {
        Council(4, 0.02, 2, "2025-01").key("abc123"),
        Council(3, 0.03, 2, "2025-01").key("abc123"),
        Council(3, 0.02, 3, "2025-01").key("abc123"),
        Council(3, 0.02, 2, "2025-02").key("abc123"),
        TINY.key("def456"),
    }
    assert key not in others and len(others) == 5


def test_the_default_first_month_follows_the_generator() -> None:
    """Without a start, the key holds the month the generator would start from today."""
    from caregov.sample.timeline import default_start

    assert Council(7, 60, 24).first_month == default_start(24)


def test_the_digest_changes_with_any_generator_file(tmp_path: Path) -> None:
    """Editing or adding a generator module gives a new digest."""
    (tmp_path / "a.py").write_text("x = 1\n")
    before = cache.generator_digest(tmp_path)
    (tmp_path / "a.py").write_text("x = 2\n")
    edited = cache.generator_digest(tmp_path)
    (tmp_path / "b.py").write_text("")
    assert len({before, edited, cache.generator_digest(tmp_path)}) == 3


def test_a_council_is_generated_once_and_then_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second request generates nothing and returns the same files and row counts."""
    first = cache.generated(TINY, tmp_path, digest="v1")
    assert first.rows["cm_events"] > 0
    assert sorted(first.extracts.rglob("cm_events_*.csv"))

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("generated again")

    monkeypatch.setattr(cache, "generate_council", refuse)
    again = cache.generated(TINY, tmp_path, digest="v1")
    assert again == first


def test_a_new_generator_replaces_the_outdated_copy(tmp_path: Path) -> None:
    """Only the current copy of a council stays in the cache; other councils are kept."""
    cache.generated(TINY, tmp_path, digest="v1")
    other = Council(seed=4, scale=0.02, months=2, start="2025-01")
    cache.generated(other, tmp_path, digest="v1")
    cache.generated(TINY, tmp_path, digest="v2")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([other.key("v1"), TINY.key("v2")])
