"""The benchmark report: figures judged against their bars, and what report.md tells a reader."""

from __future__ import annotations

import re
from pathlib import Path

from benchmarks import report
from benchmarks.bars import BARS, Bar

SPECIFICATION = Path(__file__).resolve().parents[2] / "docs" / "specification.md"


def _result(figures: dict[str, float]) -> dict:
    context = {
        "commit": "0123abc",
        "machine": {"cores": 2, "memory_gb": 23.4, "load_average_at_start": [1.0, 0.5, 0.2],
                    "python": "3.11.7", "system": "Linux x86_64"},
        "finished_at": "2026-12-06 16:00 UTC",
        "seconds": 1200,
    }  # fmt: skip
    peers = {"ingest_vs_peer": {"polars + pandera": "polars 2.1.0, pandera 0.35.0"}}
    return report.results(figures, peers, ["the peer keeps no ledger"], context)


def test_a_ceiling_is_met_at_or_below_it_and_a_floor_at_or_above_it() -> None:
    """`≤` bars are met up to the limit, `≥` bars (peer ÷ caregov) from the limit up."""
    assert Bar(2.5).met(2.5) and not Bar(2.5).met(2.51)
    assert Bar(3, at_least=True).met(3) and not Bar(3, at_least=True).met(2.9)
    assert Bar(3, at_least=True).describe() == "≥ 3"
    assert Bar(0.25).describe() == "≤ 0.25"


def test_every_figure_of_the_specification_has_its_bar() -> None:
    """Each row of the specification's §8 table is in `BARS` with the same limit and direction
    (the peers' ratios are floors, the rest ceilings), and `BARS` holds nothing else."""
    section = SPECIFICATION.read_text().split("## 8. ")[1].split("\n## ")[0]
    rows = re.findall(r"^\| `(\w+)` \|.*\| (≤|≥) ([\d.]+) \|$", section, re.MULTILINE)
    specified = {name: Bar(float(limit), at_least=sign == "≥") for name, sign, limit in rows}
    assert "region_build_vs_single" in specified and len(specified) >= 14
    assert specified == BARS
    assert BARS["ingest_vs_peer"] == Bar(3, at_least=True)


def test_a_figure_without_a_bar_is_information_not_a_pass() -> None:
    """A peer's own time is reported with no bar and judged neither way."""
    rows = report.judged({"ingest_vs_peer": 1.6, "ingest_peer_s[polars + pandera]": 22.9})
    assert rows["ingest_vs_peer"] == {"value": 1.6, "bar": "≥ 3", "met": False}
    assert rows["ingest_peer_s[polars + pandera]"] == {"value": 22.9, "bar": None, "met": None}


def test_the_report_names_bars_peers_notes_machine_and_commit() -> None:
    """report.md shows each figure with its bar, each peer's versions, what peers skip, the
    machine's cores and memory and the commit measured."""
    text = report.markdown(_result({"ingest_vs_peer": 1.62, "dag_parse_vs_cosmos": 120.4}))
    assert "| `ingest_vs_peer` | 1.62 | ≥ 3 | **no** |" in text
    assert "| `dag_parse_vs_cosmos` | 120 | ≥ 10 | yes |" in text
    assert "**polars + pandera** (polars 2.1.0, pandera 0.35.0)" in text
    assert "- the peer keeps no ledger" in text
    assert "2 cores, 23.4 GB memory" in text
    assert "`0123abc`" in text


def test_figures_left_out_of_a_run_are_named() -> None:
    """A partial run (`python -m benchmarks.run bench_ingest`) says what it did not measure."""
    text = report.markdown(_result({"ingest_vs_peer": 3.2}))
    assert "Not measured in this run:" in text and "`pack_seconds`" in text


def test_the_commit_is_read_from_git() -> None:
    """A 40-hex commit, marked when the work tree has changes."""
    head = report.commit().removesuffix("+changes")
    assert len(head) == 40 and int(head, 16) >= 0


def test_a_module_that_failed_is_named() -> None:
    """A figure that could not be measured says why, instead of vanishing from the table."""
    result = _result({"ingest_vs_peer": 3.2})
    result["failed"] = ["bench_cosmos: the Cosmos build did not succeed"]
    assert "- bench_cosmos: the Cosmos build did not succeed" in report.markdown(result)


def test_a_partial_run_says_which_modules_it_ran() -> None:
    """A run of named modules is not passed off as a whole `make bench`."""
    result = _result({"ingest_vs_peer": 3.2})
    assert "by `make bench`" in report.markdown(result)
    result["only"] = ["bench_ingest"]
    assert "by `python -m benchmarks.run bench_ingest`" in report.markdown(result)
