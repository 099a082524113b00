"""One real Superset 6.1 per test session, serving the shared sample council's warehouse.

The server gets its own temporary CAREGOV_HOME (metadata database, cache, broker, pid file)
whose `warehouse/` is a link to the published sample warehouse, so the shared home stays
untouched. It listens on a free port, runs its Celery worker and beat beside the web server, and
sends its report e-mails to a local SMTP server (`mail`). It is stopped, with every process it
started, at the end.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from caregov.settings import Settings
from caregov_superset.client import SupersetClient
from caregov_superset.sync import client_for
from cli.local.superset import down, up
from tests.smtp import Inbox, local_smtp


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def mail() -> Iterator[Inbox]:
    """The SMTP server the session's Superset sends report and alert e-mails to."""
    with local_smtp() as inbox:
        yield inbox


@pytest.fixture(scope="session")
def superset_environ(
    tmp_path_factory: pytest.TempPathFactory, sample_warehouse: Settings, mail: Inbox
) -> dict[str, str]:
    """The environment of a private Superset home reading the sample council's serving
    warehouse (what a user's shell would hold to run `caregov superset …` on it), with the
    session's SMTP server as its mail server."""
    home = tmp_path_factory.mktemp("superset") / "caregov-home"
    home.mkdir()
    (home / "warehouse").symlink_to(sample_warehouse.warehouse, target_is_directory=True)
    env = dict(os.environ)
    env.update(
        CAREGOV_HOME=str(home),
        CAREGOV_DEMO="0",
        CAREGOV_SUPERSET_URL=f"http://127.0.0.1:{free_port()}",
        CAREGOV_SUPERSET_ADMIN_USER="admin",
        CAREGOV_SUPERSET_ADMIN_PASSWORD=secrets.token_urlsafe(16),
        CAREGOV_SUPERSET_SECRET_KEY=secrets.token_urlsafe(32),
        CAREGOV_SMTP_HOST="127.0.0.1",
        CAREGOV_SMTP_PORT=str(mail.port),
        CAREGOV_SMTP_FROM="caregov-reports@council.example",
    )
    for name in ("CAREGOV_SMTP_USER", "CAREGOV_SMTP_PASSWORD"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="session")
def superset_settings(superset_environ: dict[str, str]) -> Settings:
    return Settings.from_env(superset_environ)


@pytest.fixture(scope="session")
def superset_server(superset_settings: Settings) -> Iterator[str]:
    """`caregov superset up` (initialise, start, sync); yields its output; `down` at the end."""
    try:
        output = up(superset_settings)
        yield output
    finally:
        down(superset_settings)


@pytest.fixture(scope="session")
def admin(superset_server: str, superset_settings: Settings) -> SupersetClient:
    return client_for(superset_settings)


@pytest.fixture(scope="session")
def make_user(admin: SupersetClient, superset_settings: Settings):
    """Create a Superset user with the named roles; returns a logged-in client for them."""
    return user_maker(admin, superset_settings)


def user_maker(admin: SupersetClient, settings: Settings):
    """`make(username, *role names)`: a new user of the Superset `admin` manages, with those
    roles (given as an administrator gives them), logged in."""

    def make(username: str, *role_names: str) -> SupersetClient:
        roles = {r["name"]: r["id"] for r in admin.iter_list("security/roles")}
        password = secrets.token_urlsafe(12)
        admin.create(
            "security/users",
            {
                "first_name": username,
                "last_name": "Test",
                "username": username,
                "email": f"{username}@caregov.invalid",
                "active": True,
                "password": password,
                "roles": [roles[name] for name in role_names],
            },
        )
        # No retries: a refusal must surface at once, not after back-off.
        return SupersetClient(settings.superset_url, username, password, retries=0)

    return make


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Screenshots from the browser tests (gitignored)."""
    path = Path(__file__).resolve().parents[2] / "test-artifacts" / "superset"
    path.mkdir(parents=True, exist_ok=True)
    return path
