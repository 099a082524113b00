"""What the pack reads: the month's RAG, the complete month, the data-quality counts, and the
month's commentary."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from boardpack import content
from boardpack.commentary import Comment, recorded_commentary
from boardpack.content import Pack, read_pack
from boardpack.delivery import latest_complete_month
from boardpack.document import paginate, render_html
from caregov.settings import Settings
from ingestion.ledger import LedgerRecord, read_ledger, write_record
from tests.conftest import home_environ

MARCH = dt.date(2026, 3, 31)


def test_the_months_rag_is_the_scorecards_for_the_latest_month(published: Settings) -> None:
    """The pack rates any month with the scorecard's rule: for the latest month both agree on
    every monthly metric (the yearly ASCOF measures are not in the pack), and every colour
    occurs."""
    with duckdb.connect(str(published.serving_db), read_only=True) as con:
        scorecard = dict(
            con.execute(
                "select metric_id, rag from marts.governance_scorecard"
                " join marts.metric_catalogue using (metric_id)"
                " where dashboard != 'national-returns'"
            ).fetchall()
        )
    rated = {metric.metric_id: metric.rag for metric in read_pack(published, MARCH).metrics}
    assert rated == scorecard
    assert set(rated.values()) == {"green", "amber", "red", "grey"}


def test_the_latest_complete_month_needs_every_monthly_entity(sample_published: Settings) -> None:
    """March 2026 is complete; without March's posts snapshot it is February; a missing weekly
    delivery (case events) does not hold a month back."""
    assert latest_complete_month(sample_published) == MARCH
    for entity in ("cm_events", "hr_posts"):
        [march] = [
            r
            for r in read_ledger(sample_published).to_pylist()
            if r["entity"] == entity and r["as_at"] == MARCH
        ]
        (sample_published.ledger / f"{march['load_id']}.parquet").unlink()
    assert latest_complete_month(sample_published) == dt.date(2026, 2, 28)


def _record(load_id: str, **fields: object) -> LedgerRecord:
    base = {
        "load_id": load_id,
        "entity": "hr_posts",
        "source": "hr",
        "as_at": MARCH,
        "file_name": f"{load_id}.csv",
        "sha256": load_id.ljust(64, "0"),
        "file_format": "csv",
        "started_at": dt.datetime(2026, 4, 2, 9, 0),
        "finished_at": dt.datetime(2026, 4, 2, 9, 1),
        "status": "rejected",
    }
    return LedgerRecord(**{**base, **fields})


def test_the_data_quality_statement_counts_the_months_ledger(sample_published: Settings) -> None:
    """A posts file rejected for March, a badly named file delivered in March, and rows held back
    from a complaints delivery for March are counted; a rejection recorded after the newest load
    the warehouse holds is not (it is for the next build's pack)."""
    later = dt.datetime(2099, 1, 1)
    for record in (
        _record("rejected-posts"),
        _record("unnamed", entity=None, as_at=None, started_at=dt.datetime(2026, 3, 20)),
        _record("held-back", entity="complaints", source="complaints", status="loaded",
                rows_loaded=90, rows_quarantined=7),
        _record("after-the-build", started_at=later, finished_at=later),
    ):  # fmt: skip
        write_record(sample_published, record)

    pack = read_pack(sample_published, MARCH)

    quality = {q.entity: q for q in pack.quality}
    assert (quality["hr_posts"].files_loaded, quality["hr_posts"].files_rejected) == (1, 1)
    assert quality["complaints"].rows_quarantined == 7
    assert quality["complaints"].files_loaded == 2
    assert pack.unnamed_rejections == 1
    assert sum(q.files_rejected for q in pack.quality) == 1
    assert pack.months_missing == ()


def test_the_months_commentary_comes_from_the_governance_notes(published: Settings) -> None:
    """The sample council's lead commented on three metrics in March 2026, its latest month, and
    on none in February (caregov/sample/notes.py); March's pack has a commentary page."""
    with duckdb.connect(str(published.serving_db), read_only=True) as con:
        march = recorded_commentary(con, MARCH)
        february = recorded_commentary(con, dt.date(2026, 2, 28))
    assert {comment.metric_id for comment in march} == {
        "workforce_turnover_rate_12m",
        "waiting_awaiting_assessment_over_6m",
        "complaints_ack_within_3wd_rate",
    }
    assert (
        Comment(
            "workforce_turnover_rate_12m",
            "Turnover falling since the career progression strategy: Fewer social workers"
            " leaving in their first two years.",
        )
        in march
    )
    assert february == []
    assert "commentary" in {page.kind for page in paginate(read_pack(published, MARCH))}


def test_recorded_commentary_gets_a_page_under_its_metric_title(published: Settings) -> None:
    """Once comments come through the seam, each is printed after its area's measures, under
    the metric's title (never its id)."""
    pack = read_pack(published, MARCH)
    comment = Comment(
        "workforce_turnover_rate_12m", "Turnover fell after the progression strategy."
    )
    html = render_html(dataclasses.replace(pack, commentary=(comment,)))
    kinds = [page.kind for page in paginate(dataclasses.replace(pack, commentary=(comment,)))]
    assert kinds[2:5] == ["area", "area", "commentary"]
    section = html[html.index("Workforce: commentary") :]
    assert "Staff turnover (12 months)" in section
    assert "Turnover fell after the progression strategy." in section
    assert "workforce_turnover_rate_12m" not in html


def test_a_publish_while_the_pack_is_read_makes_it_read_again(
    sample_published: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the serving file changes during the first read (a build published), the pack is read
    again, and its build id is the new file's."""
    real = content._read_pack
    reads: list[str] = []

    def publish_during_the_first_read(settings: Settings, month_end: dt.date, build: str) -> Pack:
        pack = real(settings, month_end, build)
        if not reads:
            with duckdb.connect(str(settings.serving_db)) as con:
                con.execute("comment on table marts.metric_catalogue is 'republished'")
        reads.append(build)
        return pack

    monkeypatch.setattr(content, "_read_pack", publish_during_the_first_read)
    pack = read_pack(sample_published, MARCH)

    assert len(reads) == 2 and reads[0] != reads[1]
    assert pack.build_id == reads[1] == content.fingerprint(sample_published.serving_db)


def test_the_yearly_ascof_measures_are_left_out_with_or_without_national_returns(
    published: Settings, tmp_path: Path
) -> None:
    """The sample council delivered its national returns, so the scorecard has ASCOF values; the
    pack still has no ASCOF metric and no national-returns area. A copy of the warehouse with
    every ASCOF row removed (a council that never delivered CLD) reads the same metrics."""
    with duckdb.connect(str(published.serving_db), read_only=True) as con:
        ascof = {
            row[0]
            for row in con.execute(
                "select metric_id from marts.metric_catalogue where dashboard = 'national-returns'"
            ).fetchall()
        }
        (valued,) = con.execute(
            "select count(*) from marts.governance_scorecard"
            " where metric_id like 'ascof%' and latest_value is not null"
        ).fetchone()
    assert len(ascof) == 7 and valued > 0
    pack = read_pack(published, MARCH)
    assert not {m.metric_id for m in pack.metrics} & ascof
    assert "national-returns" not in {area.slug for area in pack.areas}
    home = tmp_path / "caregov-home"
    shutil.copytree(published.home, home)
    never = Settings.from_env(home_environ(home))
    with duckdb.connect(str(never.serving_db)) as con:
        for table in ("governance_metrics", "governance_metrics_spc"):
            con.execute(f"delete from marts.{table} where metric_id like 'ascof%'")
        con.execute("delete from marts.ascof_measures")
    without = read_pack(never, MARCH)
    assert [m.metric_id for m in without.metrics] == [m.metric_id for m in pack.metrics]
    assert [m.points for m in without.metrics] == [m.points for m in pack.metrics]
