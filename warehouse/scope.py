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

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from caregov import fs
from caregov.settings import Settings
from warehouse import lakehouse
from warehouse.project import code_version

# Each entity's reported months (docs/specification.md#4-governance-metrics: from the entity's
# first as-at month to the month of the latest as-at date loaded for any entity), read by the
# monthly marts and metrics.
REPORTED_MONTHS = "model.caregov.int_lake_entities_reported_monthly"
# Depends on today's date as well as on the loads, so every nightly build runs it.
DATA_FRESHNESS = "model.caregov.data_freshness"
LEDGER_SOURCE = ("lake", "ledger")


@dataclass(frozen=True)
class LoadRecord:
    """A ledger record as the build state keeps it: the ledger file's mtime and size (to tell
    whether it changed without reading it) and what the nightly scope needs of the load."""

    mtime_ns: int
    size: int
    source: str
    entity: str
    as_at: str  # ISO date
    status: str  # loaded | skipped | rejected
    la_code: str = ""  # the delivering council ("" for a record written before they named it)

    @property
    def loaded(self) -> bool:
        """Loaded files put rows in the lake; rejected and skipped ones put nothing there."""
        return self.status == "loaded"


@dataclass(frozen=True)
class BuildState:
    """What a build started from: the code's version and every ledger record by load id."""

    code: str
    loads: dict[str, LoadRecord]

    def to_json(self) -> str:
        return json.dumps(
            {"code": self.code, "loads": {k: dataclasses.asdict(v) for k, v in self.loads.items()}}
        )

    @classmethod
    def read(cls, path: Path) -> BuildState | None:
        """The state recorded at `path`, or None when there is none or it was written by an
        older version (the next build then runs everything once)."""
        try:
            data = json.loads(path.read_text())
            loads = {k: LoadRecord(**v) for k, v in data["loads"].items()}
            return cls(str(data["code"]), loads)
        except (FileNotFoundError, KeyError, TypeError, AttributeError, ValueError):
            return None


def nightly_scope(settings: Settings, state: BuildState) -> list[str]:
    """The names of the dbt nodes a nightly build runs, or [] when everything must run.

    Everything runs when the code changed, or when there is no published build (or manifest)
    to compare with. Otherwise the build runs `data_freshness` and, when loads were added,
    replaced or removed, the models and data tests downstream of their entities and of the
    ledger, with two refinements, and no unit tests or seeds (unit tests check the SQL on fixed
    inputs and seeds are part of the code):

    - `int_lake_entities_reported_monthly` reads every entity, but its rows change only when an
      entity's first as-at month or the latest as-at month changes. When neither did (most
      nights), the models that read it are rebuilt only if they also read a changed entity: a
      daily case-management delta then leaves the complaints and finance marts alone.
    - A staging view reads its entity's lake files when it is queried, so it is created again
      only when those files appear or disappear (until they exist the view is an empty relation,
      see the `lake_source` macro). The data tests that read it still run.

    The names are models, which the build selects with their data tests (dbt's indirect
    selection), and the data tests that read only models left alone.
    """
    published = BuildState.read(published_state_path(settings))
    manifest = _read_manifest(settings.warehouse / "manifest.json")
    comparable = (
        published is not None
        and published.code == state.code
        and manifest
        and settings.serving_db.exists()
        and _build_exists(settings)
    )
    if not comparable or published is None:
        return []
    before, now = published.loads, state.loads
    differing = {i for i in before.keys() | now.keys() if before.get(i) != now.get(i)}
    differ = [r for i in differing for r in (before.get(i), now.get(i)) if r]
    # Only loaded files put rows in the lake; any ledger record feeds the ledger's models.
    changed = {(r.source, r.entity) for r in differ if r.loaded}
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


def _build_exists(settings: Settings) -> bool:
    """Whether the build's target holds the last build: build.duckdb, or the DuckLake's marts."""
    if settings.warehouse_catalog:
        return lakehouse.has_marts(settings)
    return settings.build_db.exists()


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


def _reported_months(loads: dict[str, LoadRecord]) -> tuple[Any, ...]:
    """What `int_lake_entities_reported_monthly` depends on, per council: each entity's first
    as-at month and the latest as-at month over all its entities, from the loads whose rows are
    in the lake (status loaded)."""
    first: dict[tuple[str, str], str] = {}
    latest: dict[str, str] = {}
    for record in loads.values():
        if record.loaded:
            month, council = record.as_at[:7], record.la_code
            first[council, record.entity] = min(first.get((council, record.entity), month), month)
            latest[council] = max(latest.get(council, ""), month)
    return tuple(sorted(first.items())), tuple(sorted(latest.items()))


def _with_files(loads: dict[str, LoadRecord]) -> set[tuple[str, str]]:
    """The lake sources that have files: the entities with a loaded load (a loaded file always
    has rows), and the ledger once any file was delivered."""
    with_files = {(r.source, r.entity) for r in loads.values() if r.loaded}
    return with_files | ({LEDGER_SOURCE} if loads else set())


def build_state(settings: Settings) -> BuildState:
    """What a build starts from: the code's version and every ledger record."""
    published = BuildState.read(published_state_path(settings))
    # The target is part of the code: a home moved to (or from) a DuckLake builds it whole.
    code = code_version() + (":lakehouse" if settings.warehouse_catalog else "")
    return BuildState(code, ledger_snapshot(settings, published.loads if published else {}))


def ledger_snapshot(
    settings: Settings, known: dict[str, LoadRecord] | None = None
) -> dict[str, LoadRecord]:
    """Every ledger record by load id. Records whose file is as in `known` are not read again."""
    known = known or {}
    records: dict[str, LoadRecord] = {}
    unread: list[str] = []
    for path in sorted(settings.ledger.glob("*.parquet")) if settings.ledger.exists() else []:
        stat = path.stat()
        seen = known.get(path.stem)
        if seen and (seen.mtime_ns, seen.size) == (stat.st_mtime_ns, stat.st_size):
            records[path.stem] = seen
        else:
            unread.append(str(path))
    if unread:
        with duckdb.connect() as con:
            files = ", ".join("'" + name.replace("'", "''") + "'" for name in unread)
            con.execute(
                "create temp view unread as"
                f" select * from read_parquet([{files}], filename = true, union_by_name = true)"
            )
            columns = {c for (c, *_) in con.execute("describe unread").fetchall()}
            council = "coalesce(la_code, '')" if "la_code" in columns else "''"
            rows = con.execute(
                "select load_id, source, entity, cast(as_at as varchar), status, filename,"
                f" {council} from unread"
            ).fetchall()
        for load_id, source, entity, as_at, status, filename, la_code in rows:
            stat = os.stat(filename)
            records[str(load_id)] = LoadRecord(
                stat.st_mtime_ns, stat.st_size, str(source), str(entity), str(as_at), str(status),
                str(la_code),
            )  # fmt: skip
    return records


def built_by_other_code(settings: Settings, state: BuildState) -> bool:
    """Whether the published build was made by other code than this (a new release, an edited
    model): its incremental tables then hold rows the new code would not have written (a column
    it adds would be empty in them), so the next build must rebuild them in full."""
    published = BuildState.read(published_state_path(settings))
    return published is not None and published.code != state.code


def record_published_state(settings: Settings, state: BuildState) -> None:
    """Remember what the published build started from (what `nightly_scope` compares with)."""
    fs.write_text(published_state_path(settings), state.to_json(), private=True)


def published_state_path(settings: Settings) -> Path:
    return settings.state / "warehouse-published.json"


def _read_manifest(path: Path) -> dict[str, Any]:
    """The published dbt manifest (its graph: nodes, sources, child map), or {} if none."""
    try:
        manifest: dict[str, Any] = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    return manifest
