"""Generated councils kept between bench runs, keyed by what they are generated from.

Generating a council at scale 60 takes minutes; the files are the same for the same seed, scale,
months, first month and generator code, so `make bench` generates each once and keeps it under
`bench/.cache/` (or CAREGOV_BENCH_CACHE). A change to the generator (any file of
`caregov/sample/`) or a new first month (the default start follows today's date) makes a new key;
the older entry of the same seed and scale is removed then, so the cache holds one copy of each.
A folder is complete only once renamed into place: an interrupted run leaves no half council.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from caregov.sample import generate_council
from caregov.sample.timeline import default_start

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CODE = ROOT / "caregov" / "sample"


def cache_root() -> Path:
    return Path(os.environ.get("CAREGOV_BENCH_CACHE") or ROOT / "bench" / ".cache")


def generator_digest(code: Path = SAMPLE_CODE) -> str:
    """A digest of the generator's source files: names and bytes, in a fixed order."""
    digest = hashlib.sha256()
    for path in sorted(code.rglob("*.py")):
        digest.update(path.relative_to(code).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class Council:
    """What a generated council is made from."""

    seed: int
    scale: float
    months: int
    start: str = ""  # YYYY-MM; empty: the generator's default for `months` (follows today)

    @property
    def first_month(self) -> str:
        return self.start or default_start(self.months)

    @property
    def family(self) -> str:
        """The part of the key that names the council, without what it was made with."""
        return f"council-seed{self.seed}-scale{self.scale:g}-months{self.months}"

    def key(self, digest: str) -> str:
        return f"{self.family}-from{self.first_month}-{digest}"


@dataclass(frozen=True)
class Generated:
    """A cached council: its extract folder and the rows written per entity."""

    extracts: Path
    rows: dict[str, int]


def generated(council: Council, root: Path | None = None, digest: str | None = None) -> Generated:
    """The council's extracts, generated now unless the cache already holds them."""
    root = root or cache_root()
    digest = digest or generator_digest()
    folder = root / council.key(digest)
    if not (folder / "rows.json").exists():
        for stale in root.glob(f"{council.family}-*"):
            shutil.rmtree(stale)  # an older generator or first month: never used again
        partial = root / f".partial-{council.key(digest)}"
        shutil.rmtree(partial, ignore_errors=True)
        summary = generate_council(
            partial / "extracts",
            seed=council.seed,
            start=council.first_month,
            months=council.months,
            scale=council.scale,
            messy=False,
        )
        rows = {entity: summary.rows(entity) for entity in summary.files}
        (partial / "rows.json").write_text(json.dumps(rows, indent=2) + "\n")
        partial.rename(folder)
    return Generated(folder / "extracts", json.loads((folder / "rows.json").read_text()))
