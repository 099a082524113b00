"""`caregov generate --council`: a different synthetic council per code, the same one each time."""

from __future__ import annotations

import subprocess
from pathlib import Path

from caregov.sample import council_variant, generate_council
from tests.conftest import VENV_BIN


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.csv"))}


def test_each_code_is_its_own_council_and_the_same_code_the_same_one(tmp_path: Path) -> None:
    runs = {}
    for run, code in (("a", "E1"), ("b", "E1"), ("c", "E2")):
        generate_council(
            tmp_path / run, seed=7, start="2025-01", months=1, scale=0.05, council=code
        )
        assert [p.name for p in (tmp_path / run).iterdir()] == [code]  # out/<la_code>/<source>/
        runs[run] = _files(tmp_path / run / code)
    assert runs["a"] == runs["b"]
    assert runs["a"].keys() == runs["c"].keys()
    assert runs["a"]["hr/hr_workers_2025-01-31.csv"] != runs["c"]["hr/hr_workers_2025-01-31.csv"]
    seeds = {code: council_variant(7, 1.0, code) for code in ("E1", "E2", "E3", "E4", "E5")}
    assert len({seed for seed, _ in seeds.values()}) == 5
    assert all(0.6 <= scale <= 1.4 for _, scale in seeds.values())
    assert council_variant(8, 1.0, "E1") != seeds["E1"]


def test_a_council_code_is_checked(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(VENV_BIN / "caregov"), "generate", "--out", str(tmp_path), "--council", "E 1"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "--council: 'E 1' is not a council code" in done.stderr
    assert not list(tmp_path.iterdir())
