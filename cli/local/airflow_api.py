"""The few Airflow REST calls the local launcher, `caregov airflow` and the tests need.

Airflow 3's public API (`/api/v2`) with a JWT from `/auth/token`. Requests that meet a 5xx
answer (SQLite metadata briefly locked) are tried again a few times.
"""

from __future__ import annotations

import time
from typing import Any

import requests


class AirflowAPI:
    """A logged-in session on one Airflow API server."""

    def __init__(self, url: str, username: str, password: str) -> None:
        self.url = url
        self.session = requests.Session()
        token = self.session.post(
            f"{url}/auth/token", json={"username": username, "password": password}, timeout=30
        )
        token.raise_for_status()
        self.session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One request, retried while SQLite metadata is briefly locked (HTTP 5xx)."""
        for attempt in range(10):
            response = self.session.request(
                method, f"{self.url}/api/v2{path}", timeout=30, **kwargs
            )
            if response.status_code < 500:
                break
            time.sleep(0.5 * (attempt + 1))
        return response

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        response = self._call("GET", path, params=params)
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body

    def ensure_pool(self, name: str, slots: int, description: str) -> None:
        body = {"name": name, "slots": slots, "description": description}
        response = self._call("POST", "/pools", json=body)
        if response.status_code == 409:
            response = self._call("PATCH", f"/pools/{name}", json=body)
        response.raise_for_status()

    def trigger(self, dag_id: str) -> str:
        """Start a manual run now; return its run id."""
        response = self._call("POST", f"/dags/{dag_id}/dagRuns", json={"logical_date": None})
        response.raise_for_status()
        return str(response.json()["dag_run_id"])

    def set_paused(self, dag_id: str, paused: bool) -> None:
        response = self._call("PATCH", f"/dags/{dag_id}", json={"is_paused": paused})
        response.raise_for_status()

    def dag_runs(self, dag_id: str) -> list[dict[str, Any]]:
        runs: list[dict[str, Any]] = self.get(
            f"/dags/{dag_id}/dagRuns", order_by="-run_after", limit=100
        )["dag_runs"]
        return runs

    def queued_asset_events(self, dag_id: str) -> int:
        """Asset events waiting to start a run of `dag_id`: the scheduler holds them while the
        DAG is at `max_active_runs`, so a run is still to come though none is queued yet."""
        return int(self.get(f"/dags/{dag_id}/assets/queuedEvents")["total_entries"])

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        path = f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances"
        instances: list[dict[str, Any]] = self.get(path, limit=1000)["task_instances"]
        return instances

    def dag_ids(self) -> list[str]:
        return [str(d["dag_id"]) for d in self.get("/dags", limit=100)["dags"]]
