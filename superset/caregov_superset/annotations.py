"""The governance lead's notes as Superset annotation layers on the time-series charts.

One layer holds the events and board decisions (shown on every time-series chart), and one
layer per metric holds the commentary on its months (shown on that metric's charts). The notes
come from `marts.governance_notes`; each annotation caregov makes carries the note's id in its
metadata, so a sync updates its own annotations in place and removes those whose note is gone —
and never touches an annotation somebody added in Superset's own screens, in these layers or
any other.

A regional hub's dashboards show no notes: Superset's annotation layers have no row-level
security, so any layer a chart shows is shown to every reader of its dashboard, and a council's
notes are its own. There the sync removes the annotations it made (a home that became a hub) and
puts no layer on a chart; the notes stay in marts.governance_notes, where row-level security
gives each council's readers their own, in the improvement plan's notes table.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from caregov_superset.client import SupersetClient
from caregov_superset.report import SyncReport

log = logging.getLogger(__name__)

EVENTS_LAYER = "Governance events and board decisions"
COMMENTARY_LAYER = "Commentary: {title}"
MARKER = "caregov_note_id"


@dataclass(frozen=True)
class Note:
    """One row of marts.governance_notes, as an annotation needs it."""

    note_id: str
    note_type: str
    note_date: dt.date
    metric_id: str | None
    metric_title: str | None
    title: str
    detail: str | None


@dataclass(frozen=True)
class NoteLayers:
    """Annotation layer ids: the events layer and each metric's commentary layer."""

    events: int | None = None
    commentary: dict[str, int] = field(default_factory=dict)


def ensure_note_layers(client: SupersetClient, notes: list[Note], report: SyncReport) -> NoteLayers:
    """Create or update the layers and caregov's annotations in them."""
    layers = {row["name"]: int(row["id"]) for row in client.iter_list("annotation_layer")}
    wanted: dict[str, list[Note]] = {EVENTS_LAYER: []}
    metric_of_layer: dict[str, str] = {}
    for note in notes:
        if note.note_type == "commentary" and note.metric_id:
            name = COMMENTARY_LAYER.format(title=note.metric_title or note.metric_id)
            metric_of_layer[name] = note.metric_id
            wanted.setdefault(name, []).append(note)
        elif note.note_type != "commentary":
            wanted[EVENTS_LAYER].append(note)
    for name, layer_notes in wanted.items():
        if name not in layers:
            layers[name] = int(
                client.create(
                    "annotation_layer",
                    {"name": name, "descr": "Kept in step with marts.governance_notes by sync."},
                )
            )
            report.record("created", f"annotation layer {name!r}")
        _ensure_annotations(client, layers[name], name, layer_notes, report)
    return NoteLayers(
        events=layers[EVENTS_LAYER],
        commentary={metric: layers[name] for name, metric in metric_of_layer.items()},
    )


def remove_notes(client: SupersetClient, report: SyncReport) -> NoteLayers:
    """A hub's sync: no layer for the charts, and none of caregov's annotations left in the
    layers a single council's sync made (anybody else's annotations stay)."""
    for row in client.iter_list("annotation_layer"):
        name = str(row["name"])
        if name == EVENTS_LAYER or name.startswith(COMMENTARY_LAYER.format(title="")):
            _ensure_annotations(client, int(row["id"]), name, [], report)
    return NoteLayers()


def _ensure_annotations(
    client: SupersetClient, layer_id: int, layer: str, notes: list[Note], report: SyncReport
) -> None:
    path = f"/api/v1/annotation_layer/{layer_id}/annotation/"
    ours: dict[str, dict[str, Any]] = {}
    for row in _annotations(client, layer_id):
        # The list view leaves out the metadata that says whose an annotation is.
        detail = client.get_json(f"{path}{row['id']}")["result"]
        note_id = _marker(detail.get("json_metadata"))
        if note_id and note_id in ours:  # a second copy of one of ours (an interrupted sync)
            client.request("DELETE", f"{path}{detail['id']}")
        elif note_id:
            ours[note_id] = detail
    seen: set[str] = set()
    for note in notes:
        want = _payload(note, seen)
        have = ours.pop(note.note_id, None)
        if have is None:
            client.post_json(path, want)
            report.record("created", f"annotation {note.note_id} in {layer!r}")
        elif any(_comparable(have.get(k)) != _comparable(v) for k, v in want.items()):
            client.request("PUT", f"{path}{have['id']}", json=want)
            report.record("updated", f"annotation {note.note_id} in {layer!r}")
    for gone in ours.values():  # caregov's own, whose note left the list
        client.request("DELETE", f"{path}{gone['id']}")
        report.record("updated", f"annotation {_marker(gone.get('json_metadata'))} removed")


def _annotations(client: SupersetClient, layer_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    page = 0
    while True:
        body = client.get_json(
            f"/api/v1/annotation_layer/{layer_id}/annotation/",
            q=f"(page:{page},page_size:100)",
        )
        rows += body["result"]
        if len(rows) >= int(body["count"]) or not body["result"]:
            return rows
        page += 1


def _payload(note: Note, seen: set[str]) -> dict[str, Any]:
    """The annotation of a note. Superset wants each short description unique in its layer, so
    it starts with the note's month (commentary) or day (events), and, should two notes still
    read alike, ends with the note's code."""
    day = note.note_date.isoformat()
    when = note.note_date.strftime("%b %Y" if note.note_type == "commentary" else "%d %b %Y")
    short = f"{when}: {note.title}"
    if short in seen:
        short = f"{short} ({note.note_id})"
    seen.add(short)
    return {
        "short_descr": short,
        "long_descr": note.detail or "",
        "start_dttm": f"{day} 00:00:00",
        "end_dttm": f"{day} 00:00:00",
        "json_metadata": json.dumps({MARKER: note.note_id}),
    }


def _marker(metadata: Any) -> str | None:
    try:
        found = json.loads(metadata or "{}").get(MARKER)
    except (TypeError, ValueError, AttributeError):
        return None
    return str(found) if found else None


def _comparable(value: Any) -> Any:
    """Superset answers dates as ISO text with a `T`; compare on the same footing."""
    if isinstance(value, str):
        return value.replace("T", " ")
    return value


def event_layer(name: str, layer_id: int, colour: str) -> dict[str, Any]:
    """A chart's annotation layer showing the notes of a native layer as events."""
    return {
        "name": name,
        "annotationType": "EVENT",
        "sourceType": "NATIVE",
        "value": layer_id,
        "overrides": {"time_range": None},
        "show": True,
        "showLabel": False,
        "showMarkers": False,
        "hideLine": False,
        "titleColumn": "",
        "descriptionColumns": [],
        "timeColumn": "",
        "intervalEndColumn": "",
        "color": colour,
        # Light and dotted: a marker to hover for the note, not a line to read as data.
        "opacity": "opacityMedium",
        "style": "dotted",
        "width": 1,
    }
