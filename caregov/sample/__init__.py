"""`caregov generate`: a realistic synthetic city council's monthly extract deliveries.

Writes every entity of docs/specification.md §3.3 as `out/<source>/<entity>_<YYYY-MM-DD>.<csv|xlsx>`, one
delivery per entity per month, as at the month's last day; with `national`, also the returns of
§3.4 the same council sends nationally (CLD submissions, ASC-WDS files, population estimates). The data tells the story of the
council's CQC report (see README "Sample data"): turnover falling after a career progression
strategy, fewer newly qualified social workers among starters, long OT vacancies, waiting lists
growing in some teams and recovering in others, complaints about delays, budget pressure, late
provider payments and slipping improvement actions. Same seed and start, same bytes.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from caregov.console import progress
from caregov.sample.asc_wds import write_asc_wds, write_population
from caregov.sample.casework import REQUESTS_PER_YEAR, Casework
from caregov.sample.cld import CldSubmissions
from caregov.sample.complaints import write_complaints
from caregov.sample.finance import write_invoices, write_ledger
from caregov.sample.improvement import write_actions
from caregov.sample.notes import write_notes
from caregov.sample.organisation import teams_for_scale
from caregov.sample.schema import LAYOUTS
from caregov.sample.timeline import Timeline, default_start
from caregov.sample.workforce import Workforce
from caregov.sample.workforce_files import write_hr
from caregov.sample.writer import Deliveries

__all__ = ["GenerateSummary", "generate_council"]

NATIONAL_SOURCES = {
    "cld_events": "case_management",
    "asc_wds_workers": "hr",
    "asc_wds_workplaces": "hr",
    "population_estimates": "reference",
}

log = logging.getLogger(__name__)


@dataclass
class GenerateSummary:
    """What was written: files and rows per entity, where, and how long it took."""

    out: Path
    start: str
    months: int
    seed: int
    scale: float
    messy: bool
    files: dict[str, dict[Path, int]] = field(default_factory=dict)
    seconds: float = 0.0
    national: bool = False

    @property
    def total_rows(self) -> int:
        return sum(sum(files.values()) for files in self.files.values())

    def rows(self, entity: str) -> int:
        return sum(self.files.get(entity, {}).values())

    def describe(self) -> str:
        lines = [
            f"Generated {self.months} monthly deliveries from {self.start} "
            f"(seed {self.seed}, scale {self.scale:g}{', messy' if self.messy else ''}) "
            f"into {self.out}:"
        ]
        sources = {entity: layout.source for entity, layout in LAYOUTS.items()}
        if self.national:
            sources.update(NATIONAL_SOURCES)
        for entity, source in sources.items():
            files = self.files.get(entity, {})
            lines.append(
                f"  {source + '/' + entity:<36} {len(files):>4} files "
                f"{sum(files.values()):>12,} rows"
            )
        lines.append(
            f"  {'total':<36} {sum(len(f) for f in self.files.values()):>4} files "
            f"{self.total_rows:>12,} rows in {self.seconds:.1f}s"
        )
        return "\n".join(lines)


def council_variant(seed: int, scale: float, la_code: str) -> tuple[int, float]:
    """The seed and scale of council `la_code` in a sample region: a seed of its own and a size
    between 0.6 and 1.4 times `scale`, both worked out from `seed` and the code, so each code is
    a different council and the same code always the same one."""
    digest = hashlib.sha256(f"{seed}:{la_code}".encode()).digest()
    size = 0.6 + 0.8 * digest[4] / 255
    return int.from_bytes(digest[:4], "big"), max(0.01, round(scale * size, 3))


def generate_council(
    out: Path,
    *,
    seed: int = 7,
    start: str | None = None,
    months: int = 30,
    scale: float = 1.0,
    messy: bool = False,
    national: bool = False,
    council: str | None = None,
) -> GenerateSummary:
    """Write the sample council's deliveries into `out` (see module docstring); with `national`
    also its national returns: quarterly CLD submissions (`caregov.sample.cld`), monthly ASC-WDS
    files and population estimates (`caregov.sample.asc_wds`). With `council` (a code), a
    region's council instead (`council_variant`), into `out/<council>/` as a hub's landing zone
    takes it."""
    began = time.monotonic()
    out = Path(out)
    if council is not None:
        seed, scale = council_variant(seed, scale, council)
        out = out / council
    start = start or default_start(months)
    timeline = Timeline(start, months)
    as_at = [timeline.as_at(month) for month in range(months)]
    outputs = {
        entity: Deliveries(out, layout, as_at, seed, messy) for entity, layout in LAYOUTS.items()
    }
    teams, per_team = teams_for_scale(scale)
    replicas = max(1, round(scale))
    log.info("generating %d months from %s at scale %g into %s", months, start, scale, out)

    with progress("Simulating the workforce"):
        workforce = Workforce(teams, per_team, timeline, seed)
    with progress("Writing HR snapshots", total=months) as bar:
        write_hr(workforce, outputs["hr_workers"], outputs["hr_posts"], advance=bar.advance)

    expected_people = REQUESTS_PER_YEAR * scale * (months + 24) / 12
    submissions = CldSubmissions(out, timeline, seed) if national else None
    casework = Casework(
        teams,
        scale,
        workforce,
        timeline,
        seed,
        outputs["cm_people"],
        outputs["cm_events"],
        submissions,
    )
    with progress("Generating case histories", total=expected_people) as bar:
        casework.run(advance=bar.advance)
    with progress("Writing complaints, finance and improvement plans", total=5) as bar:
        write_complaints(casework, timeline, seed, scale, outputs["complaints"])
        bar.advance()
        write_ledger(timeline, seed, replicas, per_team, outputs["finance_ledger"])
        bar.advance()
        write_invoices(timeline, seed, scale, outputs["provider_invoices"])
        bar.advance()
        write_actions(timeline, seed, outputs["improvement_actions"])
        bar.advance()
        write_notes(timeline, outputs["governance_notes"])
        bar.advance()

    summary = GenerateSummary(out, start, months, seed, scale, messy, national=national)
    for entity, deliveries in outputs.items():
        summary.files[entity] = deliveries.close()
    if submissions is not None:
        summary.files["cld_events"] = submissions.close()
        with progress("Writing ASC-WDS files and population estimates"):
            summary.files.update(write_asc_wds(workforce, out, seed))
            summary.files["population_estimates"] = write_population(out, timeline, scale)
    summary.seconds = time.monotonic() - began
    log.info("generated %d rows in %.1fs", summary.total_rows, summary.seconds)
    return summary
