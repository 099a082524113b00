"""Superset's own configuration for caregov's local server (loaded via SUPERSET_CONFIG_PATH).

Everything that differs between machines comes from the environment that
`cli.local.superset.up` passes to the server, the Celery worker and beat (docker-compose.yml
passes the same names): the secret key, the metadata database, where the cache lives, the
Celery broker, the server's own address for report screenshots and the mail server
(`CAREGOV_SMTP_*`). Nothing secret is written here.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from celery.schedules import crontab
from celery.signals import task_prerun
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool

_state = Path(os.environ["CAREGOV_SUPERSET_STATE"])

# Refuses to start without it; comes from CAREGOV_SUPERSET_SECRET_KEY (demo: generated).
SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]

# SQLite under CAREGOV_HOME by default; PostgreSQL when CAREGOV_SUPERSET_DATABASE_URI is set.
_metadata_file = _state / "superset.db"
SQLALCHEMY_DATABASE_URI = os.environ.get("CAREGOV_SUPERSET_DATABASE_URI") or (
    f"sqlite:///{_metadata_file}?check_same_thread=false"
)

# In the Celery worker, SQLite metadata is written statement by statement (autocommit). An
# alert's worker otherwise keeps a write transaction open from its query to the end of its
# screenshot (Superset flushes the alert's value, then renders), and SQLite locks the whole
# file: the web server, which records every request the screenshot's browser makes, waits and
# fails with "database is locked" until the charts time out. PostgreSQL locks one row instead.
_celery_worker = Path(sys.argv[0]).name == "celery" and "worker" in sys.argv[1:]
if SQLALCHEMY_DATABASE_URI.startswith("sqlite:"):
    # SQLAlchemy 1.4 opens and closes a new SQLite connection for every transaction of a file
    # database (NullPool): several per request, each reading the schema again and running the
    # pragmas below. A pool keeps them open, one per gunicorn thread (cli/local/superset.py);
    # Celery's worker processes drop the pool they inherit when they start.
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {
        "poolclass": QueuePool,
        "pool_size": 8,
        "max_overflow": 8,
    }
    if _celery_worker:
        SQLALCHEMY_ENGINE_OPTIONS["isolation_level"] = "AUTOCOMMIT"


_metadata_path = _metadata_file.resolve()


@event.listens_for(Engine, "connect")
def _sqlite_metadata_wal(dbapi_connection: Any, _record: Any) -> None:
    """SQLite metadata in write-ahead-log mode, committed without a sync to disk per commit.

    Superset writes a row to its `logs` table for every request it serves (three for a chart's
    data), each in its own commit, and reads the metadata (the user's roles and permissions,
    the chart) before answering. With SQLite's default rollback journal each commit syncs the
    file several times under a lock of the whole database that also stops every reader, so
    concurrent viewers queue behind one another's log rows: at 20 viewers most of a cached
    chart's time went on waiting for that lock. In WAL mode readers never wait for the writer,
    and with synchronous=NORMAL a commit only appends to the log (synced at each checkpoint):
    the database stays consistent after any crash; a power cut may lose the last commits.
    PostgreSQL metadata (docker-compose.yml) is untouched."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    main = dbapi_connection.execute("PRAGMA database_list").fetchone()
    if main is None or not main[2] or Path(main[2]).resolve() != _metadata_path:
        return
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


# CSRF stays on: every write through the API needs the token from /api/v1/security/csrf_token/.
WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = None

# A real cache, so the nightly warm-up after a build actually pre-computes chart data: files under
# the state folder locally; Redis (shared by every web and Celery worker) when
# CAREGOV_SUPERSET_REDIS_URL is set, as in docker-compose.yml.
_redis_url = os.environ.get("CAREGOV_SUPERSET_REDIS_URL")
if _redis_url:
    CACHE_CONFIG = {
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": _redis_url,
        "CACHE_DEFAULT_TIMEOUT": 86400,
        "CACHE_KEY_PREFIX": "caregov_",
    }
else:
    CACHE_CONFIG = {
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(_state / "cache"),
        "CACHE_DEFAULT_TIMEOUT": 86400,
        "CACHE_KEY_PREFIX": "caregov_",
    }
DATA_CACHE_CONFIG = {**CACHE_CONFIG, "CACHE_KEY_PREFIX": "caregov_data_"}
FILTER_STATE_CACHE_CONFIG = {**CACHE_CONFIG, "CACHE_KEY_PREFIX": "caregov_filter_"}
EXPLORE_FORM_DATA_CACHE_CONFIG = {**CACHE_CONFIG, "CACHE_KEY_PREFIX": "caregov_explore_"}

# Superset's Celery worker and beat run Alerts & Reports (and cache warm-up). Locally the broker
# and result backend are SQLite files beside the metadata, through kombu's SQLAlchemy transport:
# no server to install or run. With CAREGOV_SUPERSET_REDIS_URL (docker-compose.yml) they are that
# Redis, shared by every web server and worker.
_broker = _redis_url or f"sqla+sqlite:///{_state / 'celery-broker.sqlite'}"
_results = _redis_url or f"db+sqlite:///{_state / 'celery-results.sqlite'}"

# The report scheduler recovers the minute beat fired it from the task's expiry; beat and
# worker must agree on this value.
CELERY_BEAT_SCHEDULER_EXPIRES = timedelta(weeks=1)


class CeleryConfig:
    """Superset's worker takes reports, alerts and warm-ups from the broker; beat asks the
    report scheduler every minute which alerts and reports are due."""

    broker_url = _broker
    result_backend = _results
    imports = ("superset.sql_lab", "superset.tasks.scheduler", "superset.tasks.cache")
    worker_prefetch_multiplier = 1
    task_acks_late = False
    broker_connection_retry_on_startup = True
    beat_schedule: ClassVar[dict[str, dict[str, Any]]] = {
        "reports.scheduler": {
            "task": "reports.scheduler",
            "schedule": crontab(minute="*", hour="*"),
            "options": {"expires": int(CELERY_BEAT_SCHEDULER_EXPIRES.total_seconds())},
        },
        "reports.prune_log": {
            "task": "reports.prune_log",
            "schedule": crontab(minute=0, hour=0),
        },
    }


CELERY_CONFIG = CeleryConfig


class _HarmlessTeardownError(logging.Filter):
    """Drops one known-harmless error: after every task, Superset 6.1's `teardown` signal handler
    removes the database session outside the app context, which Superset's own task wrapper
    has already closed (apache/superset#36892, fixed upstream by #37574). Any other signal
    handler's error is still logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        handler = args[0] if args else None
        return not (
            getattr(handler, "__qualname__", "") == "teardown"
            and getattr(handler, "__module__", "") == "superset.tasks.celery_app"
            and len(args) > 1
            and isinstance(args[1], RuntimeError)
            and "outside of application context" in str(args[1])
        )


logging.getLogger("celery.utils.dispatch.signal").addFilter(_HarmlessTeardownError())


@task_prerun.connect(weak=False)
def _report_schedule_time_as_datetime(task: Any = None, **_: Any) -> None:
    """Give a report run its scheduled time as a datetime. Celery hands the task its `eta` as
    an ISO string, which Superset 6.1 writes into the execution log as it is: PostgreSQL
    casts it, SQLite metadata (the local server's) refuses it, and every report and alert
    fails before it starts (apache/superset#31625). Naive UTC, as Superset stores times."""
    request = getattr(task, "request", None)
    if getattr(task, "name", "") != "reports.execute" or not isinstance(
        getattr(request, "eta", None), str
    ):
        return
    eta = datetime.fromisoformat(request.eta)
    if eta.tzinfo is not None:
        eta = eta.astimezone(UTC).replace(tzinfo=None)
    request.eta = eta


# Alerts & Reports: a report e-mails a dashboard or chart as PNG or PDF on a schedule; an alert
# runs a SQL query on a schedule and e-mails when its condition holds. Each runs as its owner.
ALERT_REPORTS_NOTIFICATION_DRY_RUN = False
EMAIL_REPORTS_SUBJECT_PREFIX = "[caregov]"

# Screenshots: headless Debian Chromium through its chromedriver (Selenium, in Superset's own
# requirements), never a browser or driver fetched at run time. The browser opens this server
# on the address it listens on, logged in as the report's owner by a session cookie.
WEBDRIVER_TYPE = "chrome"
WEBDRIVER_BASEURL = (os.environ.get("CAREGOV_SUPERSET_URL") or "http://127.0.0.1:8088").rstrip(
    "/"
) + "/"
# The link in the e-mail: the address users open (a reverse proxy in production).
WEBDRIVER_BASEURL_USER_FRIENDLY = (
    os.environ.get("CAREGOV_SUPERSET_PUBLIC_URL") or WEBDRIVER_BASEURL
).rstrip("/") + "/"
WEBDRIVER_OPTION_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
]
WEBDRIVER_CONFIGURATION = {
    "options": {"capabilities": {}, "preferences": {}},
    "service": {
        # An explicit driver: Selenium then never runs its manager, which would download one.
        "executable_path": shutil.which("chromedriver") or "/usr/bin/chromedriver",
        "log_output": os.devnull,
        "service_args": [],
        "port": 0,
        "env": {},
    },
}
WEBDRIVER_WINDOW = {"dashboard": (1600, 2000), "slice": (1600, 1200), "pixel_density": 1}
# Seconds to wait for the dashboard's charts to appear (Superset's default, 10, is short for a
# busy two-core server); charts then have SCREENSHOT_LOAD_WAIT (60) to finish loading.
SCREENSHOT_LOCATE_WAIT = 30

# Mail for reports and alerts, from the same CAREGOV_SMTP_* settings as caregov's notifications:
# SSL on port 465, STARTTLS (certificate checked) when a login is set, plain SMTP otherwise.
SMTP_HOST = os.environ.get("CAREGOV_SMTP_HOST") or "localhost"
SMTP_PORT = int(os.environ.get("CAREGOV_SMTP_PORT") or 25)
SMTP_USER = os.environ.get("CAREGOV_SMTP_USER", "")
SMTP_PASSWORD = os.environ.get("CAREGOV_SMTP_PASSWORD", "")
SMTP_MAIL_FROM = os.environ.get("CAREGOV_SMTP_FROM") or "caregov@localhost"
SMTP_SSL = SMTP_PORT == 465
SMTP_STARTTLS = bool(SMTP_USER) and not SMTP_SSL
SMTP_SSL_SERVER_AUTH = True

# The role/user/permission REST endpoints that `caregov superset sync` uses for security.
FAB_ADD_SECURITY_API = True

# Local demo server: no telemetry, no example data, no external calls.
SUPERSET_LOAD_EXAMPLES = False
FEATURE_FLAGS = {"DASHBOARD_RBAC": True, "ALERT_REPORTS": True}
SQLLAB_CTAS_NO_LIMIT = False
ROW_LIMIT = 50000
