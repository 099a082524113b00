"""What goes into a month's board pack, read from what a build published.

Two sources, both read-only: the serving warehouse (`marts.metric_catalogue`,
`marts.governance_metrics_spc`, `marts.data_freshness`) and the load ledger (`lake/ledger/`, its
columns fixed by docs/interfaces.md). The ledger is read only up to the newest load the published
warehouse holds (`data_freshness.last_loaded_at`), so loads that arrive after the build change
nothing until the next build publishes them: the same published warehouse gives the same pack.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb

from boardpack.commentary import Comment, recorded_commentary
from boardpack.words import AREA_TITLES, entity_words
from caregov.errors import CaregovError, TransientError
from caregov.settings import Settings

log = logging.getLogger(__name__)

# A monthly extract, as marts.data_freshness describes it: delivered every 28 to 31 days, and not
# a national return (which a council may not send yet). Weekly extracts, the notes (no cadence)
# and the quarterly and yearly returns are not waited for.
MONTHLY_EXTRACT = (
    "coalesce(expected_cadence_days between 28 and 31 and not is_national_return, false)"
)

# The dashboard of the ASCOF measures, which the pack leaves out on purpose: each is one figure a
# financial year (dated 31 March), so a month's page would show no value eleven months in twelve
# and an SPC chart of a few yearly points. They stay in marts.governance_scorecard and on their
# own dashboard; a council without national returns loses nothing from its pack either way.
YEARLY_DASHBOARD = "national-returns"


@dataclass(frozen=True)
class Point:
    """One month of a metric's SPC series (marts.governance_metrics_spc)."""

    period_end: dt.date
    value: float | None
    special_cause: bool
    rules: str
    variation: str | None


@dataclass(frozen=True)
class Metric:
    """One governance metric as the pack shows it for `month_end`: its catalogue entry and its
    SPC series up to that month (the limits are the mart's, over every month published)."""

    metric_id: str  # to find its rows; the pack never prints it
    title: str
    definition: str
    unit: str
    polarity: str
    quality_statement: str
    target: float | None
    amber_threshold: float | None
    source_standard: str
    area: str
    month_end: dt.date
    points: tuple[Point, ...]
    mean: float | None
    ucl: float | None
    lcl: float | None
    assurance: str | None

    @property
    def current(self) -> Point | None:
        """The pack month's point, if the metric has a row for it."""
        return next((p for p in self.points if p.period_end == self.month_end), None)

    def value_months_before(self, months: int) -> float | None:
        """The value `months` month ends before the pack's month, if there is one."""
        day = months_before(self.month_end, months)
        return next((p.value for p in self.points if p.period_end == day), None)

    @property
    def rag(self) -> str:
        current = self.current
        return rag(
            current.value if current else None, self.polarity, self.target, self.amber_threshold
        )


@dataclass(frozen=True)
class Area:
    """A page (or two) of the pack: the metrics one dashboard shows."""

    slug: str
    metrics: tuple[Metric, ...]


@dataclass(frozen=True)
class EntityQuality:
    """One lake entity's data quality for the pack's month, from the ledger and data_freshness."""

    entity: str
    monthly: bool
    as_at: dt.date | None  # the latest as-at date delivered up to the month end
    delivered_in_month: bool
    files_loaded: int
    files_rejected: int
    rows_quarantined: int
    stale_at_build: bool
    on_change: bool = False  # delivered whenever it changes (the notes): never stale

    @property
    def label(self) -> str:
        return entity_words(self.entity)


@dataclass(frozen=True)
class Delivery:
    """One ledger record, as the pack reads it."""

    entity: str | None
    status: str  # loaded | skipped | rejected
    as_at: dt.date | None
    started_at: dt.datetime
    rows_quarantined: int

    def in_month(self, month_end: dt.date) -> bool:
        """A delivery belongs to the month of its as-at date; a file whose name gave none (a
        badly named one) to the month it was delivered in."""
        day = self.as_at or self.started_at.date()
        return (day.year, day.month) == (month_end.year, month_end.month)


@dataclass(frozen=True)
class Pack:
    """Everything one month's board pack says."""

    council: str
    month_end: dt.date
    build_id: str
    loaded_to: dt.datetime | None
    areas: tuple[Area, ...]
    quality: tuple[EntityQuality, ...]
    unnamed_rejections: int  # rejected files whose entity could not be told from the name
    commentary: tuple[Comment, ...]

    @property
    def metrics(self) -> tuple[Metric, ...]:
        return tuple(metric for area in self.areas for metric in area.metrics)

    @property
    def months_missing(self) -> tuple[EntityQuality, ...]:
        """Monthly entities with no delivery for the pack's month."""
        return tuple(q for q in self.quality if q.monthly and not q.delivered_in_month)


def month_end_of(month: str) -> dt.date:
    """The last day of a `YYYY-MM` month."""
    try:
        start = dt.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise CaregovError(f"{month!r} is not a month in the form YYYY-MM.") from None
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def months_before(month_end: dt.date, months: int) -> dt.date:
    """The month end `months` months before `month_end`."""
    index = month_end.year * 12 + month_end.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def rag(value: float | None, polarity: str, target: float | None, amber: float | None) -> str:
    """The RAG rule of marts.governance_scorecard (governance_scorecard.sql), which rates only
    the latest month, applied to the pack's month: grey without a value or target or for a
    neutral metric; green at or better than the target; amber at or better than the amber
    threshold; red beyond it. A test holds the two to the same answers."""
    if value is None or target is None or polarity not in ("higher_is_better", "lower_is_better"):
        return "grey"
    better = (lambda a, b: a >= b) if polarity == "higher_is_better" else (lambda a, b: a <= b)
    if better(value, target):
        return "green"
    if amber is not None and better(value, amber):
        return "amber"
    return "red"


def fingerprint(path: Path) -> str:
    """The build id the pack prints: the first 12 hex digits of the SHA-256 of the published
    warehouse file. The serving file is only ever replaced whole, never written in place."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:12]


def serving(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The serving warehouse, read-only."""
    if settings.hub:
        # A pack is one council's, with its own deliveries and notes; a hub's serving warehouse
        # holds every council's and the region's rows, which the pack does not yet tell apart.
        raise CaregovError(
            f"{settings.councils_file} makes this home a regional hub, which writes no board"
            " pack yet; write a council's pack from that council's own home."
        )
    if not settings.serving_db.exists():
        raise CaregovError(
            f"there is no serving warehouse at {settings.serving_db} yet; run `caregov build` first."
        )
    return duckdb.connect(str(settings.serving_db), read_only=True)


def read_pack(settings: Settings, month_end: dt.date) -> Pack:
    """Read everything the pack for `month_end` shows, all from one published warehouse: a
    build that publishes while the pack is read makes it read again."""
    for _ in range(3):
        build_id = fingerprint(settings.serving_db) if settings.serving_db.exists() else ""
        pack = _read_pack(settings, month_end, build_id)
        if fingerprint(settings.serving_db) == build_id:
            return pack
        log.info("a new warehouse was published while the pack was read; reading it again")
    raise TransientError("the serving warehouse kept changing while the board pack was read")


# The marts the pack reads; a warehouse published before one existed must be built again.
READS = (
    "governance_metrics", "governance_metrics_spc", "metric_catalogue", "data_freshness",
    "governance_notes",
)  # fmt: skip


def _read_pack(settings: Settings, month_end: dt.date, build_id: str) -> Pack:
    with serving(settings) as con:
        published = {
            row[0]
            for row in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        }
        missing = [table for table in READS if table not in published]
        if missing:
            raise CaregovError(
                f"the serving warehouse has no marts.{missing[0]}: it was built by an older"
                " caregov; run `caregov build` once, then write the pack."
            )
        first, last = con.execute(
            "select min(period_end), max(period_end) from marts.governance_metrics"
        ).fetchone() or (None, None)
        if first is None or not first <= month_end <= last:
            held = f"it holds {first:%Y-%m} to {last:%Y-%m}" if first else "it holds none"
            raise CaregovError(
                f"the serving warehouse has no metrics for {month_end:%Y-%m}; {held}."
            )
        areas = _read_areas(con, month_end)
        commentary = tuple(recorded_commentary(con, month_end))
        freshness = con.execute(
            "select entity, expected_cadence_days, is_stale, last_loaded_at,"
            f" {MONTHLY_EXTRACT} from marts.data_freshness order by source, entity"
        ).fetchall()
    loaded_to = max((row[3] for row in freshness if row[3] is not None), default=None)
    deliveries = read_deliveries(settings, loaded_to)
    quality = tuple(
        _entity_quality(entity, cadence, monthly, stale, deliveries, month_end)
        for entity, cadence, stale, _, monthly in freshness
    )
    unnamed = sum(
        1
        for d in deliveries
        if d.entity is None and d.status == "rejected" and d.in_month(month_end)
    )
    return Pack(
        council=settings.council_name,
        month_end=month_end,
        build_id=build_id,
        loaded_to=loaded_to,
        areas=areas,
        quality=quality,
        unnamed_rejections=unnamed,
        commentary=commentary,
    )


def _read_areas(con: duckdb.DuckDBPyConnection, month_end: dt.date) -> tuple[Area, ...]:
    """Every catalogued monthly metric (not the yearly ASCOF measures) with its SPC series up to
    `month_end`, grouped by dashboard in the order the dashboards are listed, by title within
    one."""
    series: dict[str, list[tuple]] = {}
    for row in con.execute(
        "select metric_id, period_end, value, special_cause, rules, variation, mean, ucl, lcl,"
        " assurance from marts.governance_metrics_spc order by metric_id, period_end"
    ).fetchall():
        series.setdefault(row[0], []).append(row)
    order = {slug: number for number, slug in enumerate(AREA_TITLES)}
    catalogue = con.execute(
        "select metric_id, title, description, unit, polarity, cqc_quality_statement, target,"
        " amber_threshold, source_standard, dashboard from marts.metric_catalogue"
        " where dashboard is distinct from ?",
        [YEARLY_DASHBOARD],
    ).fetchall()
    catalogue.sort(key=lambda row: (order.get(row[9], len(order)), row[9], row[1]))
    metrics = []
    for (
        metric_id,
        title,
        definition,
        unit,
        polarity,
        statement,
        target,
        amber,
        source,
        area,
    ) in catalogue:
        rows = series.get(metric_id, [])
        whole = rows[0] if rows else (None,) * 10
        metrics.append(
            Metric(
                metric_id=metric_id,
                title=title,
                definition=definition,
                unit=unit,
                polarity=polarity,
                quality_statement=statement,
                target=target,
                amber_threshold=amber,
                source_standard=source,
                area=area,
                month_end=month_end,
                points=tuple(
                    Point(r[1], r[2], bool(r[3]), r[4] or "", r[5])
                    for r in rows
                    if r[1] <= month_end
                ),
                mean=whole[6],
                ucl=whole[7],
                lcl=whole[8],
                assurance=whole[9],
            )
        )
    areas: dict[str, list[Metric]] = {}
    for metric in metrics:
        areas.setdefault(metric.area, []).append(metric)
    return tuple(Area(slug, tuple(members)) for slug, members in areas.items())


def read_deliveries(settings: Settings, loaded_to: dt.datetime | None) -> list[Delivery]:
    """The ledger's records up to `loaded_to` (the newest load the published warehouse holds;
    None: every record)."""
    files = sorted(settings.ledger.glob("*.parquet")) if settings.ledger.is_dir() else []
    if not files:
        return []
    with duckdb.connect() as con:
        rows = con.execute(
            "select entity, status, as_at, started_at, coalesce(rows_quarantined, 0)"
            " from read_parquet(?) where ? is null or finished_at <= ?",
            [[str(f) for f in files], loaded_to, loaded_to],
        ).fetchall()
    return [Delivery(*row) for row in rows]


def _entity_quality(
    entity: str,
    cadence_days: int | None,
    monthly: bool,
    stale: bool,
    deliveries: list[Delivery],
    month_end: dt.date,
) -> EntityQuality:
    mine = [d for d in deliveries if d.entity == entity]
    in_month = [d for d in mine if d.in_month(month_end)]
    loaded = [d for d in in_month if d.status == "loaded"]
    as_ats = [d.as_at for d in mine if d.status == "loaded" and d.as_at and d.as_at <= month_end]
    return EntityQuality(
        entity=entity,
        monthly=monthly,
        as_at=max(as_ats, default=None),
        delivered_in_month=bool(loaded),
        files_loaded=len(loaded),
        files_rejected=sum(1 for d in in_month if d.status == "rejected"),
        rows_quarantined=sum(d.rows_quarantined for d in loaded),
        stale_at_build=bool(stale),
        on_change=cadence_days is None,
    )
