"""When a month's pack is due, and whether it has gone out: the DAG `board_pack`'s rules.

A month is **complete** when every monthly extract (those delivered once a month: HR, finance,
improvement plan; not the national returns, which a council may not send yet, nor the notes,
delivered when they change) has a loaded delivery whose as-at date falls in it, among the loads
the published warehouse holds, and the warehouse has metrics for it. The pack of the latest complete
month is sent once: a record in `state/packs-sent/<YYYY-MM>.json` says to whom and from which
build, and a later build of the same month sends nothing unless asked to send again.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from boardpack.content import MONTHLY_EXTRACT, read_deliveries, serving
from boardpack.pack import WrittenPack
from boardpack.words import month_words
from caregov import fs
from caregov.settings import Settings


def latest_complete_month(settings: Settings) -> dt.date | None:
    """The latest complete month's end (see the module doc), or None when none is."""
    with serving(settings) as con:
        monthly = con.execute(
            f"select entity, last_loaded_at from marts.data_freshness where {MONTHLY_EXTRACT}"
        ).fetchall()
        months = {
            row[0]
            for row in con.execute(
                "select distinct period_end from marts.governance_metrics"
            ).fetchall()
        }
    loaded_to = max((row[1] for row in monthly if row[1] is not None), default=None)
    if not monthly or loaded_to is None:
        return None
    delivered: dict[str, set[tuple[int, int]]] = {entity: set() for entity, _ in monthly}
    for delivery in read_deliveries(settings, loaded_to):
        if delivery.status == "loaded" and delivery.entity in delivered and delivery.as_at:
            delivered[delivery.entity].add((delivery.as_at.year, delivery.as_at.month))
    complete = set.intersection(*delivered.values())
    candidates = [day for day in months if (day.year, day.month) in complete]
    return max(candidates, default=None)


def sent_record(settings: Settings, month_end: dt.date) -> Path:
    return settings.state / "packs-sent" / f"{month_end:%Y-%m}.json"


def was_sent(settings: Settings, month_end: dt.date) -> bool:
    """True once the pack of `month_end` went out."""
    return sent_record(settings, month_end).is_file()


def record_sent(settings: Settings, written: WrittenPack, recipients: tuple[str, ...]) -> Path:
    """Record that `written` went to `recipients` (owner-only: it names people)."""
    record = {
        "month": f"{written.month_end:%Y-%m}",
        "build_id": written.build_id,
        "recipients": list(recipients),
        "sent_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    path = sent_record(settings, written.month_end)
    return fs.write_text(path, json.dumps(record, indent=2) + "\n", private=True)


def email_subject(settings: Settings, month_end: dt.date) -> str:
    return f"{settings.council_name}: adult social care board pack, {month_words(month_end)}"


def email_html(settings: Settings, written: WrittenPack) -> str:
    """The covering e-mail: what is attached, and where it came from."""
    month = month_words(written.month_end)
    return (
        f"<p>The adult social care governance board pack for {month} is attached"
        f" ({written.pages} pages): each measure's SPC chart with its value, target, RAG,"
        " variation and assurance, the full scorecard, the data-quality statement and the"
        " definitions with their national sources.</p>"
        f"<p>It was written by caregov for {settings.council_name} from the published warehouse,"
        f" build {written.build_id}.</p>"
    )
