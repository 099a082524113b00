"""The dbt summary a data engineer reads in the build's log, from real dbt run results."""

from __future__ import annotations

from tests.warehouse.conftest import WarehouseLife
from warehouse.results import NAME_WIDTH, format_summary


def test_a_failed_build_summary_starts_with_each_failure_and_its_message(
    warehouse_life: WarehouseLife,
) -> None:
    """The failed build's summary counts failed and skipped nodes, then names every failing
    node in full with dbt's message (the planted complaint's procedure), before the table."""
    results = warehouse_life.failed.run_results
    failed = results.failures()
    skipped = [node for node in results.nodes if node.status == "skipped"]
    lines = format_summary(results).splitlines()
    assert lines[0] == (
        f"dbt ran {len(results.nodes)} nodes in {results.elapsed:.1f}s: "
        f"{len(failed)} failed, {len(skipped)} skipped"
    )
    assert lines[1] == "failures and warnings:"
    listed = lines[2 : 2 + 2 * len(failed)]
    assert listed[0::2] == [f"  {node.status} {node.kind} {node.name}" for node in failed]
    assert listed[1::2] == [f"    {node.message}" for node in failed]
    assert any("procedure" in line for line in listed[0::2])
    assert any("Got 1 result" in line for line in listed[1::2])
    assert lines[2 + 2 * len(failed)] == f"slowest 10 of {len(results.nodes)} nodes:"


def test_the_table_clips_long_names_and_pads_no_cell_beyond_its_column(
    warehouse_life: WarehouseLife,
) -> None:
    """Every node in the table: names over 60 characters (dbt's accepted_values test names
    reach 400) are cut in the middle keeping their hash, and no line ends in padding."""
    results = warehouse_life.full_refresh.run_results
    longest = max(results.nodes, key=lambda node: len(node.name))
    assert len(longest.name) > 300
    lines = format_summary(results, slowest=len(results.nodes)).splitlines()
    table = lines[2:-1]
    assert len(table) == 1 + len(results.nodes)
    assert max(len(line) for line in table) <= 2 + NAME_WIDTH + 2 + 9 + 2 + 13 + 2 + 7
    assert all(line == line.rstrip() for line in lines)
    [clipped] = [line for line in table if longest.name[-12:] in line]
    assert clipped.split()[0] == f"{longest.name[:45]}...{longest.name[-12:]}"
