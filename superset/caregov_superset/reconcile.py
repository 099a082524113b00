"""Get-or-create-or-update one Superset object, changing it only when the code differs.

Idempotency lives here: an object is found by its UUID (then by its natural key, for objects
made before UUIDs were set), created if missing, and updated with a PUT only when a field we
manage differs from what Superset holds. JSON-in-a-string fields are compared parsed.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from caregov_superset.client import SupersetClient
from caregov_superset.report import SyncReport

log = logging.getLogger(__name__)


def _parsed(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def differs(desired: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """Names of the managed fields whose current value is not the desired one."""
    return [key for key, value in desired.items() if _parsed(current.get(key)) != _parsed(value)]


class Inventory:
    """What Superset holds of one kind of object, listed once per sync (a list call per
    object would dominate the sync's time), looked up by UUID and then by natural key."""

    def __init__(self, client: SupersetClient, resource: str, columns: list[str]) -> None:
        self.resource = resource
        self.rows = list(client.iter_list(resource, columns=["id", "uuid", *columns]))

    def find(self, uuid: str | None, **natural_key: Any) -> dict[str, Any] | None:
        """The object with this UUID, else the one with this natural key, else None."""
        for row in self.rows:
            if uuid and str(row.get("uuid")) == uuid:
                return row
        if natural_key:
            for row in self.rows:
                if all(row.get(key) == value for key, value in natural_key.items()):
                    return row
        return None


def ensure(
    client: SupersetClient,
    report: SyncReport,
    resource: str,
    label: str,
    create_payload: dict[str, Any],
    update_payload: dict[str, Any],
    existing: dict[str, Any] | None,
    current: dict[str, Any] | None = None,
) -> int:
    """Create the object or bring the managed fields up to date; returns its id."""
    if existing is None:
        pk = client.create(resource, create_payload)
        report.record("created", label)
        log.info("created %s", label)
        return pk
    pk = int(existing["id"])
    current = current if current is not None else client.get(resource, pk)
    changed = differs(update_payload, current)
    if changed:
        client.update(resource, pk, update_payload)
        report.record("updated", f"{label} ({', '.join(changed)})")
        log.info("updated %s: %s", label, changed)
    else:
        report.record("unchanged", label)
    return pk
