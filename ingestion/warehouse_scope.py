"""What a nightly (incremental) build runs: the dbt nodes the loads since the published build can
change (`nightly_scope`).

Every build records what it started from (`build_state`): a digest of the dbt project and of the
dbt and DuckDB versions, and one record per ledger load. The published build's record is kept
(`record_published_state`); the next build compares its own with it. Every node of the published
build was built by the same code from the lake as it was then, and its data tests passed on
those rows, so with unchanged code only what the differing loads feed can change. The published
dbt manifest (`warehouse/manifest.json`) gives the graph that "feeds" follows.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb

from ingestion.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
PROFILES_DIR = ROOT / "dbt_project"

# Each entity's reported months (contract §4: from the entity's first as-at month to the month of
# the latest as-at date loaded for any entity), read by the monthly marts and metrics.
REPORTED_MONTHS = "model.caregov.int_lake_entity_months"
# Depends on today's date as well as on the loads, so every nightly build runs it.
DATA_FRESHNESS = "model.caregov.data_freshness"
LEDGER_SOURCE = ("lake", "ledger")

# A ledger record as kept in the build state: file mtime (ns), file size, source, entity, as-at
# date (ISO), status.
Record = list[Any]
RECORD_FIELDS = 6


def nightly_scope(settings: Settings, state: dict[str, Any]) -> list[str]:
    """The names of the dbt nodes a nightly build runs, or [] when everything must run.

    Everything runs when the code changed, or when there is no published build (or manifest)
    to compare with. Otherwise the build runs `data_freshness` and, when loads were added,
    replaced or removed, the models and data tests downstream of their entities and of the
    ledger, with two refinements, and no unit tests or seeds (unit tests check the SQL on fixed
    inputs and seeds are part of the code):

    - `int_lake_entity_months` reads every entity, but its rows change only when an entity's
      first as-at month or the latest as-at month changes. When neither did (most nights), the
      models that read it are rebuilt only if they also read a changed entity: a daily
      case-management delta then leaves the complaints and finance marts alone.
    - A staging view reads its entity's lake files when it is queried, so it is created again
      only when those files appear or disappear (until they exist the view is an empty relation,
      see the `lake_source` macro). The data tests that read it still run.

    The names are models, which the build selects with their data tests (dbt's indirect
    selection), and the data tests that read only models left alone.
    """
    published = read_json(published_state_path(settings))
    manifest = read_json(settings.warehouse / "manifest.json")
    before: dict[str, Record] = published.get("loads", {})
    now: dict[str, Record] = state.get("loads", {})
    comparable = (
        published.get("code") == state.get("code")
        and all(len(record) == RECORD_FIELDS for record in before.values())  # not an older state
        and manifest
        and settings.serving_db.exists()
        and settings.build_db.exists()
    )
    if not comparable:
        return []
    differing = {i for i in before.keys() | now.keys() if before.get(i) != now.get(i)}
    differ = [r for i in differing for r in (before.get(i), now.get(i)) if r]
    # Only loaded files put rows in the lake; any ledger record feeds the ledger's models.
    changed = {(str(r[2]), str(r[3])) for r in _loaded(differ)}
    sources = {(n["source_name"], n["name"]): uid for uid, n in manifest["sources"].items()}
    if changed - sources.keys():
        return []  # rows of an entity the dbt project does not know: let the build say so
    starts = [DATA_FRESHNESS]
    if differ:
        starts += [sources[LEDGER_SOURCE], *(sources[c] for c in sorted(changed))]
    months_changed = _reported_months(before) != _reported_months(now)
    nodes = manifest["nodes"]
    reached = {uid for uid in _downstream(manifest, starts, months_changed) if uid in nodes}
    flipped = {sources[s] for s in _with_files(before) ^ _with_files(now) if s in sources}
    models = {
        uid
        for uid in reached
        if uid.startswith("model.")
        and (nodes[uid]["config"].get("materialized") != "view" or flipped & _parents(nodes[uid]))
    }
    # dbt selects the data tests of the models named; those reading only models left alone
    # (such as the staging views) are named themselves.
    tests = {
        uid for uid in reached if uid.startswith("test.") and not models & _parents(nodes[uid])
    }
    return sorted(nodes[uid]["name"] for uid in models | tests)


def _parents(node: dict[str, Any]) -> set[str]:
    return set(node["depends_on"]["nodes"])


def _downstream(manifest: dict[str, Any], starts: list[str], months_changed: bool) -> set[str]:
    """The start nodes and every model and data test downstream of them, except the models
    reached only through the reported months when those did not change."""
    children = manifest["child_map"]
    reached: set[str] = set()
    frontier = list(starts)
    while frontier:
        node = frontier.pop()
        if node in reached:
            continue
        reached.add(node)
        for child in children.get(node, []):
            kind = child.split(".", 1)[0]
            if kind == "test" or (kind == "model" and (months_changed or node != REPORTED_MONTHS)):
                frontier.append(child)
    return reached


def _reported_months(loads: dict[str, Record]) -> tuple[Any, ...]:
    """What `int_lake_entity_months` depends on: each entity's first as-at month and the latest
    as-at month over all entities, from the loads whose rows are in the lake (status loaded)."""
    first: dict[str, str] = {}
    latest = ""
    for _mtime, _size, _source, entity, as_at, _status in _loaded(loads.values()):
        month = as_at[:7]
        first[entity] = min(first.get(entity, month), month)
        latest = max(latest, month)
    return tuple(sorted(first.items())), latest


def _with_files(loads: dict[str, Record]) -> set[tuple[str, str]]:
    """The lake sources that have files: the entities with a loaded load (a loaded file always
    has rows), and the ledger once any file was delivered."""
    with_files = {(str(r[2]), str(r[3])) for r in _loaded(loads.values())}
    return with_files | ({LEDGER_SOURCE} if loads else set())


def _loaded(records: Iterable[Record]) -> list[Record]:
    """The records of loaded files (rejected and skipped ones put nothing in the lake)."""
    return [record for record in records if record[5] == "loaded"]


def build_state(settings: Settings) -> dict[str, Any]:
    """What a build starts from: the code's version and every ledger record."""
    published = read_json(published_state_path(settings)).get("loads", {})
    return {"code": code_version(), "loads": ledger_snapshot(settings, published)}


def code_version() -> str:
    """A digest of the dbt project's files and of the dbt, adapter and DuckDB versions."""
    digest = hashlib.sha256()
    for package in ("dbt-core", "dbt-duckdb", "duckdb"):
        digest.update(f"{package}=={metadata.version(package)}\n".encode())
    project = sorted(
        path
        for path in PROFILES_DIR.rglob("*")
        if path.is_file()
        and path.suffix in {".sql", ".yml", ".yaml", ".csv"}
        and not {"target", "dbt_packages", "logs"} & set(path.relative_to(PROFILES_DIR).parts)
    )
    files = [ROOT / "dbt_project.yml", *project]
    for path in files:
        digest.update(f"{path.relative_to(ROOT)}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ledger_snapshot(
    settings: Settings, known: dict[str, Record] | None = None
) -> dict[str, Record]:
    """Every ledger record: load id → `Record`. Records whose file is as in `known` are not
    read again."""
    known = known or {}
    records: dict[str, Record] = {}
    unread: list[str] = []
    for path in sorted(settings.ledger.glob("*.parquet")) if settings.ledger.exists() else []:
        stat = path.stat()
        seen = known.get(path.stem)
        if seen and len(seen) == RECORD_FIELDS and seen[:2] == [stat.st_mtime_ns, stat.st_size]:
            records[path.stem] = seen
        else:
            unread.append(str(path))
    if unread:
        with duckdb.connect() as con:
            rows = con.execute(
                "select load_id, source, entity, cast(as_at as varchar), status, filename"
                " from read_parquet(?, filename = true)",
                [unread],
            ).fetchall()
        for load_id, source, entity, as_at, status, filename in rows:
            stat = os.stat(filename)
            records[str(load_id)] = [
                stat.st_mtime_ns,
                stat.st_size,
                str(source),
                str(entity),
                str(as_at),
                str(status),
            ]
    return records


def record_published_state(settings: Settings, state: dict[str, Any]) -> None:
    """Remember what the published build started from (what `nightly_scope` compares with)."""
    _write_json(published_state_path(settings), state)


def published_state_path(settings: Settings) -> Path:
    return settings.state / "warehouse-published.json"


def read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return {}


def _write_json(path: Path, data: Any) -> None:
    """Write beside and rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.parent / f".{path.name}.{os.getpid()}.tmp"
    staged.write_text(json.dumps(data))
    os.replace(staged, path)
