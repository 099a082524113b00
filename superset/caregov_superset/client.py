"""A small REST client for Superset 6.1: one session, typed errors, retries, pagination, CRUD.

Retries happen in urllib3 (mounted on the session), and only for what a retry can fix: no
connection, or a 5xx answer. A 4xx is our mistake or a permission and is raised at once as a
typed error carrying Superset's message. A 401 means the access token expired: the client logs
in again once and repeats the request. Objects are found by a natural key (name, slug, uuid)
through the list endpoints, so provisioning can get-or-create and update in place.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from caregov_superset import rison
from caregov_superset.auth import SupersetAuth
from caregov_superset.errors import SupersetNotFound, SupersetServerError, error_for

log = logging.getLogger(__name__)

TRANSIENT_STATUSES = (500, 502, 503, 504)
PAGE_SIZE = 100


def retrying_session(retries: int = 4, backoff_s: float = 0.5) -> requests.Session:
    """A session whose adapter retries connection errors and 5xx answers with back-off."""
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        backoff_factor=backoff_s,
        status_forcelist=TRANSIENT_STATUSES,
        allowed_methods=None,  # every method: Superset rolls a failed write back
        raise_on_status=False,
        respect_retry_after_header=True,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class SupersetClient:
    """Authenticated access to one Superset's REST API."""

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        retries: int = 4,
        backoff_s: float = 0.5,
        timeout: float = 120.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = retrying_session(retries, backoff_s)
        self.auth = SupersetAuth(self.base_url, username, password, timeout=timeout)
        self._logged_in = False

    # -- transport ------------------------------------------------------------------------

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Send one request (logging in first if needed); raise a typed error unless 2xx."""
        if not self._logged_in:
            self.login()
        response = self._send(method, path, **kwargs)
        if response.status_code == 401:
            log.info("Superset session expired; logging in again")
            self.login()
            response = self._send(method, path, **kwargs)
        elif response.status_code == 400 and "CSRF" in response.text:
            self.auth.refresh_csrf(self.session)
            response = self._send(method, path, **kwargs)
        if not response.ok:
            raise error_for(response)
        return response

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        try:
            return self.session.request(method, self.base_url + path, **kwargs)
        except requests.ConnectionError as error:
            raise SupersetServerError(
                f"cannot reach Superset at {self.base_url}: {error}", method=method, url=path
            ) from error
        except requests.exceptions.RetryError as error:
            raise SupersetServerError(str(error), method=method, url=path) from error

    def login(self) -> None:
        try:
            self.auth.login(self.session)
        except requests.ConnectionError as error:
            raise SupersetServerError(
                f"cannot reach Superset at {self.base_url}: {error}"
            ) from error
        self._logged_in = True

    def get_json(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params or None).json()

    def post_json(self, path: str, payload: Any) -> Any:
        return self.request("POST", path, json=payload).json()

    def put_json(self, path: str, payload: Any) -> Any:
        return self.request("PUT", path, json=payload).json()

    # -- collections ----------------------------------------------------------------------

    def iter_list(
        self,
        resource: str,
        filters: list[dict[str, Any]] | None = None,
        columns: list[str] | None = None,
        page_size: int = PAGE_SIZE,
    ) -> Iterator[dict[str, Any]]:
        """Every row of `GET /api/v1/<resource>/`, page by page, until `count` rows are seen."""
        page, seen = 0, 0
        while True:
            query: dict[str, Any] = {"page": page, "page_size": page_size}
            if filters:
                query["filters"] = filters
            if columns:
                query["columns"] = columns
            body = self.get_json(f"/api/v1/{resource}/", q=rison.dumps(query))
            rows = body.get("result", [])
            yield from rows
            seen += len(rows)
            if not rows or seen >= int(body.get("count", 0)):
                return
            page += 1

    def find(self, resource: str, **equal: Any) -> list[dict[str, Any]]:
        """Rows whose columns equal the given values (Superset's `eq` filter)."""
        filters = [{"col": col, "opr": "eq", "value": value} for col, value in equal.items()]
        return list(self.iter_list(resource, filters))

    def find_one(self, resource: str, **equal: Any) -> dict[str, Any] | None:
        """The one row matching, None if none; several matches are an error in the assets."""
        rows = self.find(resource, **equal)
        if len(rows) > 1:
            raise SupersetNotFound(f"{len(rows)} {resource} objects match {equal}; expected one")
        return rows[0] if rows else None

    def get(self, resource: str, pk: int) -> dict[str, Any]:
        return self.get_json(f"/api/v1/{resource}/{pk}")["result"]

    def create(self, resource: str, payload: dict[str, Any]) -> int:
        return int(self.post_json(f"/api/v1/{resource}/", payload)["id"])

    def update(self, resource: str, pk: int, payload: dict[str, Any], **params: Any) -> None:
        self.request("PUT", f"/api/v1/{resource}/{pk}", json=payload, params=params or None)

    def delete(self, resource: str, pk: int) -> None:
        self.request("DELETE", f"/api/v1/{resource}/{pk}")
