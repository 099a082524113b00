"""One typed settings object, read once from the environment (docs/specification.md#2-places-and-settings).

Everything the platform needs to know about where it runs comes from here: the state folder
(`CAREGOV_HOME`) and its layout, and the secrets. Secrets are read lazily so that commands which
do not need them (`generate`, `status`) work without them, and outside demo mode a missing secret
is an error naming the variable. In demo mode (`CAREGOV_DEMO=1`, set by `make demo` and the test
suite) missing secrets are generated once into `CAREGOV_HOME/state/secrets/`, owner-only.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from caregov import fs
from caregov.errors import SettingsError

# The installed project: the dbt project, the DAG files, Superset's assets and the virtualenvs.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
DEFAULT_SETTLE_SECONDS = 10.0
# The shortest pseudonym key accepted outside demo mode: 32 random hex characters are 128 bits.
MIN_KEY_LENGTH = 32
DEFAULT_COUNCIL_NAME = "Sample council"


@dataclass(frozen=True)
class SmtpSettings:
    """The mail server for notifications, reports and board packs (`CAREGOV_SMTP_*`)."""

    host: str
    port: int = 25
    user: str = ""
    password: str = field(default="", repr=False)
    sender: str = "caregov@localhost"

    def airflow_connection(self) -> str:
        """The same server as an Airflow connection (JSON for `AIRFLOW_CONN_CAREGOV_SMTP`), which
        the SMTP provider's notifier uses: TLS via STARTTLS when a login is set, SSL on 465."""
        return json.dumps(
            {
                "conn_type": "smtp",
                "host": self.host,
                "port": self.port,
                "login": self.user or None,
                "password": self.password or None,
                "extra": {
                    "from_email": self.sender,
                    "disable_ssl": self.port != 465,
                    "disable_tls": not self.user,
                },
            }
        )


@dataclass(frozen=True)
class Settings:
    """Where state lives and which secrets to use; build it with `Settings.from_env()`."""

    home: Path
    demo: bool = False
    superset_url: str = "http://127.0.0.1:8088"
    superset_admin_user: str = "admin"
    council_name: str = DEFAULT_COUNCIL_NAME
    _env: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        home = Path(env.get("CAREGOV_HOME") or Path.cwd() / "caregov-home").expanduser()
        return cls(
            home=home.resolve(),
            demo=env.get("CAREGOV_DEMO", "").strip().lower() in _TRUE,
            superset_url=env.get("CAREGOV_SUPERSET_URL", "http://127.0.0.1:8088").rstrip("/"),
            superset_admin_user=env.get("CAREGOV_SUPERSET_ADMIN_USER", "admin"),
            council_name=env.get("CAREGOV_COUNCIL_NAME", "").strip() or DEFAULT_COUNCIL_NAME,
            _env=env,
        )

    # -- places -------------------------------------------------------------

    @property
    def landing(self) -> Path:
        return self.home / "landing"

    @property
    def archive(self) -> Path:
        return self.home / "archive"

    @property
    def lake(self) -> Path:
        return self.home / "lake"

    @property
    def raw(self) -> Path:
        return self.lake / "raw"

    @property
    def ledger(self) -> Path:
        """One Parquet record per delivered file (see ingestion.ledger)."""
        return self.lake / "ledger"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse"

    @property
    def build_db(self) -> Path:
        return self.warehouse / "build.duckdb"

    @property
    def serving_db(self) -> Path:
        return self.warehouse / "governance.duckdb"

    @property
    def ducklake_data(self) -> Path:
        """The DuckLake's data files (Parquet) when the warehouse catalog is in PostgreSQL
        (`warehouse_catalog`); the catalog says which of them make up each table."""
        return self.warehouse / "ducklake"

    @property
    def duckdb_extensions(self) -> Path:
        """DuckDB's extension folder for the hub (DuckLake, PostgreSQL): filled from the locked
        PyPI wheels (warehouse.lakehouse), never from the internet."""
        return self.cache / "duckdb-extensions"

    @property
    def packs(self) -> Path:
        """The board packs, one PDF per month (`caregov pack`, the DAG `board_pack`): council-wide
        figures only, no personal data."""
        return self.home / "packs"

    @property
    def state(self) -> Path:
        """Locks, pid files, work files, Superset's metadata and generated demo secrets: the
        platform's own bookkeeping."""
        return self.home / "state"

    @property
    def airflow_home(self) -> Path:
        """The local Airflow's home (`caregov airflow up`): metadata, passwords, task logs."""
        return self.home / "airflow"

    @property
    def cache(self) -> Path:
        """Bytecode caches: nothing anybody delivered, nothing secret."""
        return self.home / "cache"

    @property
    def private_places(self) -> tuple[Path, ...]:
        """Where personal data or secrets can be: the delivered originals, held-back rows,
        work files and metadata, passwords and keys. Everything in them is owner-only
        (folders 0700, files 0600; caregov.fs)."""
        return (self.archive, self.quarantine, self.state, self.airflow_home)

    # -- the regional hub (docs/scale-out.md) -------------------------------------------

    @property
    def warehouse_catalog(self) -> str | None:
        """A PostgreSQL connection string (`CAREGOV_WAREHOUSE_CATALOG`): dbt then builds into a
        DuckLake whose catalog is that database and whose data files are `ducklake_data`,
        instead of `build.duckdb`. None (the default): the DuckDB file."""
        return self._env.get("CAREGOV_WAREHOUSE_CATALOG", "").strip() or None

    @property
    def serving_dsn(self) -> str | None:
        """A PostgreSQL connection string (`CAREGOV_SERVING_DSN`): publish then also writes the
        marts into that database, and Superset reads them there through a read-only role.
        None (the default): Superset reads the serving DuckDB file."""
        return self._env.get("CAREGOV_SERVING_DSN", "").strip() or None

    @property
    def serving_reader_role(self) -> str:
        """The serving database's read-only role (warehouse.serving). Roles belong to the whole
        PostgreSQL server, so it is named for the database: two hubs on one server never share,
        or reset, each other's role."""
        database = self.serving_conninfo().get("dbname", "")
        return ("caregov_reader_" + re.sub(r"[^a-z0-9_]", "_", database.lower()))[:63]

    def serving_conninfo(self) -> dict[str, str]:
        """`CAREGOV_SERVING_DSN` (a URI or libpq's key=value form) as libpq's parameters; the
        database defaults as libpq's does (PGDATABASE, else the user name)."""
        # Imported here: most commands (and every DAG file's parse) never need it.
        import psycopg
        from psycopg.conninfo import conninfo_to_dict

        if not self.serving_dsn:
            raise SettingsError("CAREGOV_SERVING_DSN is not set.")
        try:
            params = {k: str(v) for k, v in conninfo_to_dict(self.serving_dsn).items() if v}
        except psycopg.ProgrammingError:
            raise SettingsError(
                "CAREGOV_SERVING_DSN is not a PostgreSQL connection string"
                " (postgresql://user@host:port/database)."
            ) from None
        params.setdefault("dbname", self._env.get("PGDATABASE") or params.get("user") or "postgres")
        return params

    def serving_reader_conninfo(self) -> dict[str, str]:
        """Where and as whom Superset connects: the serving database's server and database,
        the read-only role and its password."""
        params = self.serving_conninfo()
        keep = {k: params[k] for k in ("host", "port", "dbname", "sslmode") if k in params}
        return {**keep, "user": self.serving_reader_role, "password": self.serving_reader_password}

    @cached_property
    def serving_reader_password(self) -> str:
        """The password of the serving database's read-only role (warehouse.serving): generated
        once into `state/secrets/`, owner-only, unless `CAREGOV_SERVING_READER_PASSWORD` is
        set."""
        value = self._env.get("CAREGOV_SERVING_READER_PASSWORD", "").strip()
        return value or _demo_secret(self.state / "secrets" / "serving_reader_password")

    # -- secrets --------------------------------------------------------------------------

    @property
    def landing_settle_seconds(self) -> float:
        """How long a landing file must stay unchanged before it is taken
        (`CAREGOV_LANDING_SETTLE_SECONDS`, default 10): a file still being written under its
        final name is not loaded half-done (ingestion.landing)."""
        raw = self._env.get("CAREGOV_LANDING_SETTLE_SECONDS", "").strip()
        try:
            seconds = float(raw) if raw else DEFAULT_SETTLE_SECONDS
        except ValueError:
            raise SettingsError(
                "CAREGOV_LANDING_SETTLE_SECONDS must be a number of seconds."
            ) from None
        if seconds < 0:
            raise SettingsError("CAREGOV_LANDING_SETTLE_SECONDS must not be negative.")
        return seconds

    @property
    def smtp(self) -> SmtpSettings | None:
        """The mail server, or None when `CAREGOV_SMTP_HOST` is not set."""
        host = self._env.get("CAREGOV_SMTP_HOST", "").strip()
        if not host:
            return None
        try:
            port = int(self._env.get("CAREGOV_SMTP_PORT", "25"))
        except ValueError:
            raise SettingsError("CAREGOV_SMTP_PORT must be a port number.") from None
        return SmtpSettings(
            host=host,
            port=port,
            user=self._env.get("CAREGOV_SMTP_USER", ""),
            password=self._env.get("CAREGOV_SMTP_PASSWORD", ""),
            sender=self._env.get("CAREGOV_SMTP_FROM", "") or "caregov@localhost",
        )

    @property
    def pack_recipients(self) -> tuple[str, ...]:
        """Who the monthly board pack is e-mailed to (`CAREGOV_PACK_RECIPIENTS`, comma-separated
        addresses); none means the pack is written but not sent."""
        raw = self._env.get("CAREGOV_PACK_RECIPIENTS", "")
        recipients = tuple(part.strip() for part in raw.split(",") if part.strip())
        malformed = [r for r in recipients if "@" not in r or any(c.isspace() for c in r)]
        if malformed:
            raise SettingsError(
                f"CAREGOV_PACK_RECIPIENTS holds {malformed[0]!r}, which is not an e-mail address;"
                " separate addresses with commas."
            )
        return recipients

    @cached_property
    def pseudonym_key(self) -> bytes:
        """The HMAC key for pseudonyms: at least `MIN_KEY_LENGTH` characters outside demo mode
        (a short key can be found by trying keys against the lake alone)."""
        key = self._secret("CAREGOV_PSEUDONYM_KEY", "pseudonym_key")
        if len(key) < MIN_KEY_LENGTH and not self.demo:
            raise SettingsError(
                f"CAREGOV_PSEUDONYM_KEY is {len(key)} characters long; it must have at least"
                f" {MIN_KEY_LENGTH} (generate one with: openssl rand -hex 32)."
            )
        return key.encode()

    @cached_property
    def superset_admin_password(self) -> str:
        return self._secret("CAREGOV_SUPERSET_ADMIN_PASSWORD", "superset_admin_password")

    @cached_property
    def superset_secret_key(self) -> str:
        return self._secret("CAREGOV_SUPERSET_SECRET_KEY", "superset_secret_key")

    def _secret(self, variable: str, demo_file: str) -> str:
        value = self._env.get(variable, "").strip()
        if value:
            return value
        if not self.demo:
            raise SettingsError(
                f"{variable} is not set; set it in the environment (or CAREGOV_DEMO=1 for a demo)."
            )
        return _demo_secret(self.state / "secrets" / demo_file)

    def demo_secret_created(self, demo_file: str) -> bool:
        """True when a demo secret file exists (so the CLI prints a password only once)."""
        return (self.state / "secrets" / demo_file).exists()


def _demo_secret(path: Path) -> str:
    """Read or create a demo secret file, owner-only; racing creators agree on one value."""
    return fs.create_once(path, secrets.token_urlsafe(32), private=True).strip()
