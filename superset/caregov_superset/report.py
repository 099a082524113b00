"""What a sync did: objects created, updated, unchanged, and those found but not managed."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SyncReport:
    """Outcome of `caregov superset sync`; a second run over unchanged code creates nothing.

    `removed` lists objects the code managed and no longer defines (a council taken out of a
    hub's councils.csv: its role and row-level security rule)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unmanaged: list[str] = field(default_factory=list)
    # What an administrator should look at (not changed by the sync).
    warnings: list[str] = field(default_factory=list)

    def record(self, outcome: str, label: str) -> None:
        {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
        }[outcome].append(label)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def describe(self) -> str:
        lines = [
            f"Superset sync: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged"
            + (f", {len(self.removed)} removed." if self.removed else ".")
        ]
        lines += [f"  created  {label}" for label in self.created]
        lines += [f"  updated  {label}" for label in self.updated]
        lines += [f"  removed  {label}" for label in self.removed]
        lines += [f"Warning: {warning}" for warning in self.warnings]
        if self.unmanaged:
            lines.append(f"Left alone (not defined in code): {len(self.unmanaged)}")
            lines += [f"  {label}" for label in self.unmanaged]
        return "\n".join(lines)
