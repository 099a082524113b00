"""A local Superset 6.1 for `make demo` and the tests: `caregov superset up|down`.

Superset runs from its own virtualenv (`.venv-superset`: its SQLAlchemy 1.4 cannot live beside
Airflow's 2.x) as three detached components (`cli.local.processes`): the web server under
gunicorn, and the Celery worker and beat that run Alerts & Reports (scheduled e-mails with a
dashboard screenshot taken by headless Chromium, and alerts). The local broker is a SQLite file
(kombu's SQLAlchemy transport), so there is no broker server to run. `down` stops all three
with every process they started. Metadata, cache, broker, logs and the pid file live under
`CAREGOV_HOME/state/superset/`. The first start initialises the metadata database (upgrade,
admin user, roles); every start waits for `/health` and then applies the dashboards as code.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import requests

from caregov import fs
from caregov.settings import PROJECT_ROOT, Settings
from caregov_superset.errors import SupersetServerError
from cli.local.processes import PRIVATE_UMASK, ServiceProcesses

log = logging.getLogger(__name__)

SUPERSET_DIR = PROJECT_ROOT / "superset"
CONFIG_PATH = SUPERSET_DIR / "superset_config.py"
START_TIMEOUT_S = 240.0
ADMIN_PASSWORD_FILE = "superset_admin_password"
CELERY_APP = "superset.tasks.celery_app:app"


def superset_bin() -> Path:
    """The `superset`/`gunicorn` folder of the Superset virtualenv (overridable for installs)."""
    venv = os.environ.get("CAREGOV_SUPERSET_VENV") or str(PROJECT_ROOT / ".venv-superset")
    return Path(venv) / "bin"


def state_dir(settings: Settings) -> Path:
    return settings.state / "superset"


def group(settings: Settings) -> ServiceProcesses:
    return ServiceProcesses("Superset", state_dir(settings) / "superset.json")


SMTP_VARIABLES = (
    "CAREGOV_SMTP_HOST",
    "CAREGOV_SMTP_PORT",
    "CAREGOV_SMTP_USER",
    "CAREGOV_SMTP_PASSWORD",
    "CAREGOV_SMTP_FROM",
)


def server_environ(settings: Settings) -> dict[str, str]:
    """The Superset processes' environment: config, secret key, state folder, the server's own
    address (report screenshots open it) and the mail server of `settings` (reports' e-mail)."""
    env = {k: v for k, v in os.environ.items() if k not in SMTP_VARIABLES}
    env.update(
        CAREGOV_HOME=str(settings.home),
        SUPERSET_CONFIG_PATH=str(CONFIG_PATH),
        SUPERSET_SECRET_KEY=settings.superset_secret_key,
        CAREGOV_SUPERSET_STATE=str(state_dir(settings)),
        CAREGOV_SUPERSET_URL=settings.superset_url,
        SUPERSET_HOME=str(state_dir(settings)),
        FLASK_APP="superset.app:create_app()",
        PYTHONUNBUFFERED="1",
    )
    smtp = settings.smtp
    if smtp is not None:
        env.update(
            CAREGOV_SMTP_HOST=smtp.host,
            CAREGOV_SMTP_PORT=str(smtp.port),
            CAREGOV_SMTP_USER=smtp.user,
            CAREGOV_SMTP_PASSWORD=smtp.password,
            CAREGOV_SMTP_FROM=smtp.sender,
        )
    return env


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        return requests.get(f"{url}/health", timeout=timeout).status_code == 200
    except requests.RequestException:
        return False


def initialise(settings: Settings) -> bool:
    """On first start: create the metadata schema, the built-in roles and the admin user."""
    marker = state_dir(settings) / "initialised"
    if marker.exists():
        return False
    log.info("initialising Superset metadata under %s", state_dir(settings))
    log_path = state_dir(settings) / "superset-init.log"
    env = server_environ(settings)
    env.update(
        CAREGOV_SUPERSET_ADMIN_USER=settings.superset_admin_user,
        CAREGOV_SUPERSET_ADMIN_PASSWORD=settings.superset_admin_password,
    )
    with fs.open_private(log_path) as out:
        done = subprocess.run(
            [str(superset_bin() / "python"), str(SUPERSET_DIR / "bootstrap_metadata.py")],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
            umask=PRIVATE_UMASK,
        )
    if done.returncode != 0:
        raise SupersetServerError(
            f"initialising Superset's metadata failed (exit {done.returncode}); see {log_path}."
        )
    fs.write_text(marker, "ok\n", private=True)
    return True


def commands(settings: Settings) -> dict[str, list[str]]:
    """The three components: gunicorn, the Celery worker and the Celery beat (name → argv)."""
    parts = urlsplit(settings.superset_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 8088
    celery = [str(superset_bin() / "celery"), f"--app={CELERY_APP}"]
    return {
        "superset": [
            str(superset_bin() / "gunicorn"),
            "--bind",
            f"{host}:{port}",
            "--workers",
            os.environ.get("CAREGOV_SUPERSET_WORKERS", "1"),
            "--threads",
            "8",
            "--worker-class",
            "gthread",
            "--timeout",
            "120",
            "--control-socket",
            str(state_dir(settings) / "gunicorn.ctl"),
            "superset.app:create_app()",
        ],
        # Two report runs at once; each child runs one task at a time (a screenshot is heavy).
        "superset-worker": [
            *celery,
            "worker",
            "--pool=prefork",
            "--concurrency=2",
            "-O",
            "fair",
            "--loglevel=INFO",
        ],
        "superset-beat": [
            *celery,
            "beat",
            "--schedule",
            str(state_dir(settings) / "celerybeat-schedule"),
            "--loglevel=INFO",
        ],
    }


def start(settings: Settings) -> None:
    """Start the web server, worker and beat, each in a new process group; wait until `/health`
    answers and the worker and beat are still up."""
    processes = group(settings)
    processes.start(commands(settings), server_environ(settings), state_dir(settings))
    try:
        processes.wait_until(
            lambda: healthy(settings.superset_url), START_TIMEOUT_S, state_dir(settings)
        )
        if exited := processes.exited():
            raise SupersetServerError(
                f"Superset's {', '.join(exited)} stopped while starting; see "
                + ", ".join(str(state_dir(settings) / f"{name}.log") for name in exited)
            )
    except Exception:
        processes.stop(grace=20)
        raise


def up(settings: Settings) -> str:
    """Start (or reuse) the local Superset, initialise it if new, sync it; say where to log in."""
    fs.ensure_dir(state_dir(settings), private=True)
    password_is_new = settings.demo and not settings.demo_secret_created(ADMIN_PASSWORD_FILE)
    processes = group(settings)
    everything = commands(settings)
    if not processes.exited(everything) and healthy(settings.superset_url):
        started = "Superset already running"
    else:
        # A component that died (or a server from before the worker and beat) is restarted
        # with the others, so the three always run together.
        processes.stop(grace=20)
        if healthy(settings.superset_url):
            raise SupersetServerError(
                f"another server already answers at {settings.superset_url}; "
                "stop it or set CAREGOV_SUPERSET_URL to a free port."
            )
        initialise(settings)
        start(settings)
        started = "Superset started"
    from caregov_superset.sync import sync

    report = sync(settings)
    lines = [f"{started} at {settings.superset_url}", login_line(settings, password_is_new)]
    return "\n".join([*lines, *reports_notes(settings), report.describe()])


def reports_notes(settings: Settings) -> list[str]:
    """What scheduled e-mail reports still lack on this machine, if anything."""
    notes = []
    if settings.smtp is None:
        notes.append("reports and alerts cannot be e-mailed: set CAREGOV_SMTP_HOST (and _PORT, …)")
    if shutil.which("chromedriver") is None and not Path("/usr/bin/chromedriver").exists():
        notes.append(
            "report screenshots need Debian's chromium and chromium-driver "
            "(`make system-deps`, as root)"
        )
    return notes


def login_line(settings: Settings, password_is_new: bool) -> str:
    """How to log in; a generated demo password is shown only the first time."""
    user = settings.superset_admin_user
    if password_is_new and settings.demo_secret_created(ADMIN_PASSWORD_FILE):
        return f"login: {user} / {settings.superset_admin_password} (generated; shown once)"
    if settings.demo_secret_created(ADMIN_PASSWORD_FILE):
        where = settings.state / "secrets" / ADMIN_PASSWORD_FILE
        return f"login: {user} (demo password generated earlier, kept in {where})"
    return f"login: {user} (password from CAREGOV_SUPERSET_ADMIN_PASSWORD)"


def down(settings: Settings) -> str:
    """Stop the Superset this home started (web server, worker and beat), with every process of
    their groups."""
    stopped = group(settings).stop(grace=20)
    return f"Superset stopped ({stopped} processes)." if stopped else "Superset is not running."
