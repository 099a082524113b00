"""The local server's SQLite metadata under many viewers at once (superset_config.py).

Superset records every request it serves in its `logs` table (three rows for a chart's data),
each in its own commit. With SQLite's default rollback journal those commits queued behind one
another under a lock that also stopped every reader, and under 20 viewers some waited past
SQLite's five seconds and were dropped ("database is locked").
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Any

import pytest

from caregov.settings import Settings
from caregov_superset.client import SupersetClient
from caregov_superset.security import GOVERNANCE_VIEWER
from caregov_superset.upkeep import dashboard_charts
from cli.local.superset import state_dir

pytestmark = pytest.mark.integration

VIEWERS = 8
ROUNDS = 3


def metadata(settings: Settings) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{state_dir(settings) / 'superset.db'}?mode=ro", uri=True)


def chart_data_rows(settings: Settings) -> int:
    with metadata(settings) as connection:
        return int(
            connection.execute(
                "select count(*) from logs where action = 'ChartDataRestApi.data'"
            ).fetchone()[0]
        )


def test_the_metadata_is_kept_in_write_ahead_log_mode(
    admin: SupersetClient, superset_settings: Settings
) -> None:
    """The server's connections put its metadata file in WAL mode: readers never wait for the
    writer."""
    with metadata(superset_settings) as connection:
        assert connection.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_concurrent_viewers_get_every_chart_and_every_request_is_logged(
    admin: SupersetClient,
    make_user: Callable[..., SupersetClient],
    superset_settings: Settings,
) -> None:
    """Viewers asking for the overview's charts all at once get every answer, and the server
    records every one of their requests in its log: no commit is lost to a locked database."""
    dashboard_id, charts = dashboard_charts(admin, "governance-overview")
    bodies = [_saved_query(admin, int(chart["id"]), dashboard_id) for chart in charts]
    viewers = [make_user(f"metadata-viewer-{n}", GOVERNANCE_VIEWER) for n in range(VIEWERS)]
    before = chart_data_rows(superset_settings)
    failures: list[str] = []
    start = threading.Barrier(VIEWERS)

    def view(client: SupersetClient) -> None:
        start.wait()
        for _ in range(ROUNDS):
            for body in bodies:
                try:
                    client.post_json("/api/v1/chart/data", body)
                except Exception as error:  # collected: every failure is reported below
                    failures.append(repr(error))

    threads = [threading.Thread(target=view, args=(viewer,)) for viewer in viewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert chart_data_rows(superset_settings) - before == VIEWERS * ROUNDS * len(bodies)
    web_log = (state_dir(superset_settings) / "superset.log").read_text()
    assert "database is locked" not in web_log


def _saved_query(admin: SupersetClient, chart_id: int, dashboard_id: int) -> dict[str, Any]:
    import json

    chart = admin.get_json(f"/api/v1/chart/{chart_id}")["result"]
    body: dict[str, Any] = json.loads(chart["query_context"])
    body.setdefault("form_data", {}).update(slice_id=chart_id, dashboardId=dashboard_id)
    return body
