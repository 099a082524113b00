"""What happened to one delivered file, as the command line and the DAGs report it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FileOutcome:
    """What happened to one delivered file."""

    file_name: str
    status: str  # loaded | skipped | rejected | taken
    entity: str | None = None
    load_id: str | None = None
    rows_loaded: int = 0
    rows_quarantined: int = 0
    duplicates_collapsed: int = 0
    reason: str | None = None
    duplicate_of: str | None = None
    warnings: list[str] = field(default_factory=list)

    def line(self) -> str:
        name = printable(self.file_name)
        if self.status == "loaded":
            text = (
                f"loaded   {name}: {self.rows_loaded:,} rows loaded,"
                f" {self.rows_quarantined:,} quarantined"
            )
            if self.duplicates_collapsed:
                text += f", {self.duplicates_collapsed:,} duplicate rows collapsed"
            text += f" (load {self.load_id})"
            return text + "".join(f"; warning: {w}" for w in self.warnings)
        if self.status == "skipped":
            return f"skipped  {name}: identical content already loaded by load {self.duplicate_of}"
        if self.status == "taken":
            return f"taken    {name}: another run is ingesting it"
        reason = self.reason or ""
        if reason.startswith(name):
            return f"rejected {reason}"
        return f"rejected {name}: {reason}"


def printable(name: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in name)
