"""One typed settings object, read once from the environment (docs/specification.md#2-places-and-settings).

Everything the platform needs to know about where it runs comes from here: the state folder
(`CAREGOV_HOME`) and its layout, and the secrets. Secrets are read lazily so that commands which
do not need them (`generate`, `status`) work without them, and outside demo mode a missing secret
is an error naming the variable. In demo mode (`CAREGOV_DEMO=1`, set by `make demo` and the test
suite) missing secrets are generated once into `CAREGOV_HOME/state/secrets/`, owner-only.
"""

from __future__ import annotations

import csv
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
# The council's code in single-council mode (`CAREGOV_COUNCIL_CODE`): what its lake rows, ledger
# records and mart rows carry as `la_code`. A hub names its councils in `councils.csv`.
DEFAULT_COUNCIL_CODE = "LA0"
# The code of the pooled rows in a hub's marts; no council may take it.
REGION_CODE = "REGION"
COUNCILS_FILE = "councils.csv"
_LA_CODE = re.compile(r"[A-Z0-9]{1,16}")


def check_la_code(code: str, where: str) -> str:
    """A council code as the platform keeps it (upper case letters and digits, at most 16: it is
    a folder name and the end of a variable's name), or a SettingsError naming `where`."""
    code = code.strip().upper()
    if not _LA_CODE.fullmatch(code):
        raise SettingsError(
            f"{where}: {code!r} is not a council code (letters and digits, at most 16,"
            " for example E08000003)."
        )
    if code == REGION_CODE:
        raise SettingsError(f"{where}: {REGION_CODE} is kept for the region's pooled rows.")
    return code


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
    council_code: str = DEFAULT_COUNCIL_CODE
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
            council_code=check_la_code(
                env.get("CAREGOV_COUNCIL_CODE", "").strip() or DEFAULT_COUNCIL_CODE,
                "CAREGOV_COUNCIL_CODE",
            ),
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
        """The warehouse folder: the build and the serving file (a hub's councils build and
        serve together, each row carrying its `la_code`)."""
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
        (`warehouse_catalog`); the catalog says which of them make up each table. One folder
        for the home: a hub's councils share the lake."""
        return self.home / "warehouse" / "ducklake"

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
    def warehouse_build_dsn(self) -> str | None:
        """A PostgreSQL connection string (`CAREGOV_WAREHOUSE_BUILD_DSN`): the database that
        `caregov build --engine postgres` (warehouse.portable) builds the same dbt models in,
        after copying the lake into its `lake` schema. None (the default): no such build; the
        warehouse is built with DuckDB as always."""
        return self._env.get("CAREGOV_WAREHOUSE_BUILD_DSN", "").strip() or None

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

    # -- councils -----------------------------------------------------------------------

    @property
    def councils_file(self) -> Path:
        return self.home / COUNCILS_FILE

    @cached_property
    def councils(self) -> dict[str, str] | None:
        """A hub's councils, code -> name, from `CAREGOV_HOME/councils.csv` (columns `la_code`,
        `name`); None in single-council mode (no such file)."""
        path = self.councils_file
        if not path.exists():
            return None
        councils: dict[str, str] = {}
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            fields = {(name or "").strip().lower() for name in reader.fieldnames or []}
            if not {"la_code", "name"} <= fields:
                raise SettingsError(f"{path}: the header must name the columns la_code and name.")
            for row in reader:
                row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
                where = f"{path}, line {reader.line_num}"
                code = check_la_code(row["la_code"], where)
                if code in councils:
                    raise SettingsError(f"{where}: council {code} is listed twice.")
                councils[code] = row["name"] or code
        if not councils:
            raise SettingsError(f"{path} lists no councils.")
        return councils

    @property
    def hub(self) -> bool:
        """True when this home serves several councils (`councils.csv` exists)."""
        return self.councils is not None

    @property
    def council_codes(self) -> tuple[str, ...]:
        """Every council this home serves: a hub's list, or the one council's code."""
        return tuple(sorted(self.councils)) if self.councils else (self.council_code,)

    def council_landing(self, la_code: str) -> Path:
        """Where a council's extracts are delivered: `landing/<la_code>/` in a hub, `landing/`
        for the one council otherwise."""
        return self.landing / la_code if self.hub else self.landing

    def source_landings(self, source: str) -> list[Path]:
        """Every folder a source's extracts are delivered into: `landing/<source>/`, or in a hub
        `landing/<any folder>/<source>/` (a folder not naming a council is found too, so that its
        files are rejected with a reason rather than left unseen)."""
        if not self.hub:
            return [self.landing / source]
        if not self.landing.is_dir():
            return []
        return sorted(
            folder / source
            for folder in self.landing.iterdir()
            if not folder.name.startswith(".") and folder.is_dir() and not folder.is_symlink()
        )

    def council_of(self, path: Path) -> str | None:
        """The council a delivered file belongs to by where it lies: in a hub the first folder
        under `landing/` (whatever it says; `check_council` judges it), else the one council.
        None for a hub's file outside the landing zone."""
        if not self.hub:
            return self.council_code
        landing = self.landing.resolve()
        parent = Path(path).parent.resolve()
        if not parent.is_relative_to(landing) or parent == landing:
            return None
        return parent.relative_to(landing).parts[0].upper()

    def check_council(self, la_code: str) -> str:
        """The reason a council cannot take deliveries (unknown here, or without its pseudonym
        key), or an empty string when it can."""
        if self.councils is not None and la_code not in self.councils:
            return (
                f"{la_code!r} is not a council listed in {self.councils_file}; deliver into"
                " landing/<la_code>/<source>/ for a listed council."
            )
        try:
            self.pseudonym_key_for(la_code)
        except SettingsError as missing:
            return str(missing)
        return ""

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
        return self._pseudonym_key("CAREGOV_PSEUDONYM_KEY", "pseudonym_key")

    def pseudonym_key_for(self, la_code: str) -> bytes:
        """A council's pseudonym key: in a hub each council has its own
        (`CAREGOV_PSEUDONYM_KEY_<LA_CODE>`, in demo mode generated per council), so the same
        identifier never links across councils; otherwise `CAREGOV_PSEUDONYM_KEY`."""
        if not self.hub:
            return self.pseudonym_key
        return self._pseudonym_key(f"CAREGOV_PSEUDONYM_KEY_{la_code}", f"pseudonym_key_{la_code}")

    def _pseudonym_key(self, variable: str, demo_file: str) -> bytes:
        key = self._secret(variable, demo_file)
        if len(key) < MIN_KEY_LENGTH and not self.demo:
            raise SettingsError(
                f"{variable} is {len(key)} characters long; it must have at least"
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
