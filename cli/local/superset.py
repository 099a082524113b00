"""A local Superset 6.1 for `make demo` and the tests: `caregov superset up|down`.

Superset runs from its own virtualenv (`.venv-superset`: its SQLAlchemy 1.4 cannot live beside
Airflow's 2.x) under gunicorn, detached (`cli.local.processes`), so `down`
stops every worker. Its metadata database, cache, logs and pid file live under
`CAREGOV_HOME/state/superset/`. The first start initialises the metadata database (upgrade,
admin user, roles); every start waits for `/health` and then applies the dashboards as code.
"""

from __future__ import annotations

import logging
import os
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


def superset_bin() -> Path:
    """The `superset`/`gunicorn` folder of the Superset virtualenv (overridable for installs)."""
    venv = os.environ.get("CAREGOV_SUPERSET_VENV") or str(PROJECT_ROOT / ".venv-superset")
    return Path(venv) / "bin"


def state_dir(settings: Settings) -> Path:
    return settings.state / "superset"


def group(settings: Settings) -> ServiceProcesses:
    return ServiceProcesses("Superset", state_dir(settings) / "superset.json")


def server_environ(settings: Settings) -> dict[str, str]:
    """The Superset process's environment: its config, secret key and state folder."""
    env = dict(os.environ)
    env.update(
        CAREGOV_HOME=str(settings.home),
        SUPERSET_CONFIG_PATH=str(CONFIG_PATH),
        SUPERSET_SECRET_KEY=settings.superset_secret_key,
        CAREGOV_SUPERSET_STATE=str(state_dir(settings)),
        SUPERSET_HOME=str(state_dir(settings)),
        FLASK_APP="superset.app:create_app()",
        PYTHONUNBUFFERED="1",
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


def start(settings: Settings) -> None:
    """Start gunicorn in a new process group and wait until `/health` answers."""
    parts = urlsplit(settings.superset_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 8088
    web = [
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
    ]
    processes = group(settings)
    processes.start({"superset": web}, server_environ(settings), state_dir(settings))
    try:
        processes.wait_until(
            lambda: healthy(settings.superset_url), START_TIMEOUT_S, state_dir(settings)
        )
    except Exception:
        processes.stop(grace=20)
        raise


def up(settings: Settings) -> str:
    """Start (or reuse) the local Superset, initialise it if new, sync it; say where to log in."""
    fs.ensure_dir(state_dir(settings), private=True)
    password_is_new = settings.demo and not settings.demo_secret_created(ADMIN_PASSWORD_FILE)
    if group(settings).running() and healthy(settings.superset_url):
        started = "Superset already running"
    else:
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
    return "\n".join([*lines, report.describe()])


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
    """Stop the Superset this home started, with every process of its group."""
    stopped = group(settings).stop(grace=20)
    return f"Superset stopped ({stopped} processes)." if stopped else "Superset is not running."
