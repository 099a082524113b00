"""Superset's own configuration for caregov's local server (loaded via SUPERSET_CONFIG_PATH).

Everything that differs between machines comes from the environment that
`cli.local.superset.up` passes to the server process: the secret key, the metadata
database and where the cache lives. Nothing secret is written here.
"""

from __future__ import annotations

import os
from pathlib import Path

_state = Path(os.environ["CAREGOV_SUPERSET_STATE"])

# Refuses to start without it; comes from CAREGOV_SUPERSET_SECRET_KEY (demo: generated).
SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]

# SQLite under CAREGOV_HOME by default; PostgreSQL when CAREGOV_SUPERSET_DATABASE_URI is set.
SQLALCHEMY_DATABASE_URI = os.environ.get("CAREGOV_SUPERSET_DATABASE_URI") or (
    f"sqlite:///{_state / 'superset.db'}?check_same_thread=false"
)

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

if _redis_url:

    class CeleryConfig:
        """Superset's worker (cache warm-up, reports, async queries) takes work from Redis."""

        broker_url = _redis_url
        result_backend = _redis_url
        imports = ("superset.sql_lab", "superset.tasks.scheduler", "superset.tasks.cache")
        worker_prefetch_multiplier = 1
        task_acks_late = False

    CELERY_CONFIG = CeleryConfig

# The role/user/permission REST endpoints that `caregov superset sync` uses for security.
FAB_ADD_SECURITY_API = True

# Local demo server: no telemetry, no example data, no external calls.
SUPERSET_LOAD_EXAMPLES = False
FEATURE_FLAGS = {"DASHBOARD_RBAC": True}
SQLLAB_CTAS_NO_LIMIT = False
ROW_LIMIT = 50000
