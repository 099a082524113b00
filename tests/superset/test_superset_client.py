"""Unit tests of the Superset REST client against mocked HTTP at Superset's exact URLs."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from responses import matchers, registries

from caregov_superset import rison
from caregov_superset.client import SupersetClient
from caregov_superset.errors import (
    SupersetAuthError,
    SupersetNotFound,
    SupersetServerError,
    SupersetValidationError,
)

BASE = "http://superset.test:8088"
LOGIN = f"{BASE}/api/v1/security/login"
CSRF = f"{BASE}/api/v1/security/csrf_token/"


def client() -> SupersetClient:
    return SupersetClient(BASE, "admin", "pw", retries=2, backoff_s=0)


def mock_login(rsps: responses.RequestsMock, token: str = "tok-1", csrf: str = "csrf-1") -> None:
    rsps.post(
        LOGIN,
        json={"access_token": token, "refresh_token": "r"},
        match=[
            matchers.json_params_matcher(
                {"username": "admin", "password": "pw", "provider": "db", "refresh": True}
            )
        ],
    )
    rsps.get(
        CSRF,
        json={"result": csrf},
        headers={"Set-Cookie": "session=s-1; Path=/; HttpOnly"},
        match=[matchers.header_matcher({"Authorization": f"Bearer {token}"})],
    )


@responses.activate
def test_writes_carry_bearer_csrf_token_session_cookie_and_referer() -> None:
    """A POST sends the login's bearer token, the CSRF token, its session cookie and a Referer."""
    mock_login(responses.mock)
    create = responses.post(f"{BASE}/api/v1/dashboard/", json={"id": 7}, status=201)
    assert client().create("dashboard", {"dashboard_title": "Finance"}) == 7
    sent = create.calls[0].request
    assert sent.headers["Authorization"] == "Bearer tok-1"
    assert sent.headers["X-CSRFToken"] == "csrf-1"
    assert sent.headers["Referer"] == f"{BASE}/"
    assert "session=s-1" in sent.headers["Cookie"]
    assert json.loads(sent.body) == {"dashboard_title": "Finance"}


@responses.activate
def test_expired_token_logs_in_again_and_repeats_the_request() -> None:
    """A 401 triggers one fresh login and the request is repeated with the new token."""
    mock_login(responses.mock, token="tok-1")
    c = client()
    c.login()
    responses.get(f"{BASE}/api/v1/chart/3", json={"msg": "Token has expired"}, status=401)
    mock_login(responses.mock, token="tok-2", csrf="csrf-2")
    again = responses.get(
        f"{BASE}/api/v1/chart/3",
        json={"result": {"id": 3}},
        match=[matchers.header_matcher({"Authorization": "Bearer tok-2"})],
    )
    assert c.get("chart", 3) == {"id": 3}
    assert again.call_count == 1


@responses.activate
def test_wrong_password_is_an_auth_error_with_supersets_message() -> None:
    """A refused login raises SupersetAuthError carrying Superset's own message."""
    responses.post(LOGIN, json={"message": "Not authorized"}, status=401)
    with pytest.raises(SupersetAuthError, match="Not authorized"):
        client().login()


@responses.activate(registry=registries.OrderedRegistry)
def test_transient_5xx_is_retried_until_it_succeeds() -> None:
    """Two 503 answers then a 200: the caller sees the 200, after three attempts."""
    mock_login(responses.mock)
    url = f"{BASE}/api/v1/dashboard/4"
    first = responses.get(url, status=503)
    second = responses.get(url, status=502)
    third = responses.get(url, json={"result": {"id": 4}})
    assert client().get("dashboard", 4) == {"id": 4}
    assert (first.call_count, second.call_count, third.call_count) == (1, 1, 1)


@responses.activate
def test_persistent_5xx_becomes_a_server_error_after_the_retries() -> None:
    """With 2 retries, a dashboard that always answers 500 is asked 3 times, then raises."""
    mock_login(responses.mock)
    failing = responses.get(f"{BASE}/api/v1/dashboard/4", json={"message": "boom"}, status=500)
    with pytest.raises(SupersetServerError):
        client().get("dashboard", 4)
    assert failing.call_count == 3


@responses.activate
def test_client_errors_are_not_retried_and_carry_the_message() -> None:
    """A 422 is raised at once as a validation error with Superset's field message."""
    mock_login(responses.mock)
    refused = responses.post(
        f"{BASE}/api/v1/chart/",
        json={"message": {"datasource_id": ["Missing data for required field."]}},
        status=422,
    )
    with pytest.raises(SupersetValidationError, match="Missing data for required field") as error:
        client().create("chart", {"slice_name": "x"})
    assert refused.call_count == 1
    assert error.value.status == 422


@responses.activate
def test_missing_object_is_not_found() -> None:
    """A 404 becomes SupersetNotFound, asked once."""
    mock_login(responses.mock)
    missing = responses.get(f"{BASE}/api/v1/dataset/99", json={"message": "Not found"}, status=404)
    with pytest.raises(SupersetNotFound, match="Not found"):
        client().get("dataset", 99)
    assert missing.call_count == 1


@responses.activate
def test_forbidden_is_an_auth_error() -> None:
    """A 403 (no permission) becomes SupersetAuthError without a retry or a new login."""
    mock_login(responses.mock)
    forbidden = responses.post(
        f"{BASE}/api/v1/sqllab/execute/", json={"message": "Forbidden"}, status=403
    )
    with pytest.raises(SupersetAuthError, match="Forbidden"):
        client().post_json("/api/v1/sqllab/execute/", {"sql": "select 1"})
    assert forbidden.call_count == 1


@responses.activate
def test_unreachable_server_is_a_server_error() -> None:
    """No connection at all, after the retries, is a SupersetServerError naming the URL."""
    responses.post(LOGIN, body=requests.ConnectionError("refused"))
    with pytest.raises(
        SupersetServerError, match=r"cannot reach Superset at http://superset\.test"
    ):
        client().login()


@responses.activate
def test_list_follows_pages_until_count_rows_are_seen() -> None:
    """150 charts in pages of 100: two requests with page 0 and 1, all 150 rows returned."""
    mock_login(responses.mock)
    pages = []

    def page(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        query = parse_qs(urlsplit(request.url).query)["q"][0]
        pages.append(query)
        number = 0 if "page:0" in query else 1
        rows = [{"id": i} for i in range(number * 100, min(150, number * 100 + 100))]
        return 200, {}, json.dumps({"count": 150, "result": rows})

    responses.add_callback(responses.GET, f"{BASE}/api/v1/chart/", callback=page)
    rows = list(client().iter_list("chart", page_size=100))
    assert [r["id"] for r in rows] == list(range(150))
    assert pages == ["(page:0,page_size:100)", "(page:1,page_size:100)"]


@responses.activate
def test_find_sends_an_eq_filter_in_rison() -> None:
    """find(slug=...) asks the list endpoint with Superset's eq filter."""
    mock_login(responses.mock)
    expected_q = "(page:0,page_size:100,filters:!((col:slug,opr:eq,value:finance)))"
    responses.get(
        f"{BASE}/api/v1/dashboard/",
        json={"count": 1, "result": [{"id": 5, "slug": "finance"}]},
        match=[matchers.query_param_matcher({"q": expected_q})],
    )
    assert client().find_one("dashboard", slug="finance") == {"id": 5, "slug": "finance"}


def test_rison_quotes_strings_and_escapes_bangs_and_quotes() -> None:
    """Rison: !t/!f/!n, lists as !(...), quotes escaped with !."""
    assert (
        rison.dumps({"a": [1, True, None], "b": "it's!", "c": ""})
        == "(a:!(1,!t,!n),b:'it!'s!!',c:'')"
    )
