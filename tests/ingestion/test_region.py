"""A regional hub's deliveries: councils listed in councils.csv, each with its own pseudonym key
and landing folder, ingested concurrently; bad council folders rejected with nothing lost; and
single-council mode as before, its rows carrying the council's code."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from caregov.errors import CaregovError, SettingsError
from caregov.settings import Settings
from tests.conftest import VENV_BIN, home_environ
from tests.ingestion.helpers import VALID, lake_rows, ledger_rows

# Keys of the length required outside demo mode; test values, not secrets.
KEYS = {code: f"{code.lower()}-region-test-key-0123456789abcdef" for code in ("E1", "E2", "E3")}
SOURCES = ("hr", "case_management")
MONTH = "2025-01-31"


def _hmac(key: str, identifier: str) -> str:
    """The pseudonym, worked out independently of the package."""
    return hmac.new(key.encode(), identifier.strip().encode(), hashlib.sha256).hexdigest()


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _generated(out: Path, seed: int) -> Path:
    from caregov.sample import generate_council

    generate_council(out, seed=seed, start="2025-01", months=2, scale=0.1, messy=False)
    return out


def _hub_environ(home: Path) -> dict[str, str]:
    env = home_environ(home)
    env.pop("CAREGOV_PSEUDONYM_KEY")
    env.update({f"CAREGOV_PSEUDONYM_KEY_{code}": key for code, key in KEYS.items()})
    return env


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Councils E1 and E2 deliver the same extracts, E3 another council's; X9 is not a listed
    council and E4 (listed) has no key. E1-E3 are ingested by three processes at once."""
    root = tmp_path_factory.mktemp("region")
    same, other = _generated(root / "same", seed=7), _generated(root / "other", seed=11)
    home = root / "caregov-home"
    home.mkdir()
    (home / "councils.csv").write_text(
        "la_code,name\nE1,First council\nE2,Second council\nE3,Third council\nE4,Keyless\n"
    )
    for code, extracts in (("E1", same), ("E2", same), ("E3", other)):
        for source in SOURCES:
            shutil.copytree(extracts / source, home / "landing" / code / source)
    for code in ("X9", "E4"):
        shutil.copytree(same / "hr", home / "landing" / code / "hr")
    env = _hub_environ(home)
    caregov = str(VENV_BIN / "caregov")
    running = {
        code: subprocess.Popen(
            [caregov, "ingest", str(home / "landing" / code)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for code in ("E1", "E2", "E3")
    }
    done = {code: (p.wait(timeout=600), p.stdout.read(), p.stderr.read())  # type: ignore[union-attr]
            for code, p in running.items()}  # fmt: skip
    bad = subprocess.run(
        [caregov, "ingest", str(home / "landing" / "X9"), str(home / "landing" / "E4")],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    return {
        "home": home, "same": same, "other": other, "env": env, "done": done, "bad": bad,
        "settings": Settings.from_env(env),
    }  # fmt: skip


def _council_rows(settings: Settings, entity: str, code: str) -> list[dict[str, Any]]:
    return [row for row in lake_rows(settings, entity) if row["_la_code"] == code]


def test_three_councils_ingest_concurrently_each_into_its_own_rows(region: dict) -> None:
    """Every file of E1-E3 loads; each council's rows are exactly its delivered data rows."""
    for code, (status, out, err) in region["done"].items():
        assert status == 0, (code, out, err)
        lines = out.splitlines()[:-1]
        assert lines and all(line.startswith("loaded ") for line in lines), out
    settings = region["settings"]
    for code, extracts in (("E1", region["same"]), ("E2", region["same"]), ("E3", region["other"])):
        for entity, source in (("hr_workers", "hr"), ("cm_events", "case_management")):
            delivered = sum(len(_csv_rows(f)) for f in (extracts / source).glob(f"{entity}_*"))
            assert len(_council_rows(settings, entity, code)) == delivered, (code, entity)
    rows = lake_rows(settings, "hr_workers")
    assert {row["_la_code"] for row in rows} == {"E1", "E2", "E3"}
    assert all(row["_load_id"].startswith(f"{row['_la_code']}-") for row in rows)


def test_the_same_person_gets_a_different_pseudonym_in_each_council(region: dict) -> None:
    """The same source person_id, delivered by E1 and E2, is pseudonymised with each council's
    own key (HMAC worked out here), so the two never link."""
    settings = region["settings"]
    delivered = _csv_rows(region["same"] / "hr" / f"hr_workers_{MONTH}.csv")
    person_of_job = {row["job_id"]: row["person_id"] for row in delivered}
    lake = {
        code: {
            row["job_id"]: row["person_id"]
            for row in _council_rows(settings, "hr_workers", code)
            if row["_source_file"] == f"hr_workers_{MONTH}.csv"
        }
        for code in ("E1", "E2")
    }
    assert set(lake["E1"]) == set(lake["E2"]) == set(person_of_job)
    for job, person in person_of_job.items():
        assert lake["E1"][job] == _hmac(KEYS["E1"], person)
        assert lake["E2"][job] == _hmac(KEYS["E2"], person)
        assert lake["E1"][job] != lake["E2"][job]
    assert not set(lake["E1"].values()) & set(lake["E2"].values())


def test_ledger_records_carry_the_council(region: dict) -> None:
    records = ledger_rows(region["settings"])
    loaded = [r for r in records if r["status"] == "loaded"]
    files = {code: sorted(r["file_name"] for r in loaded if r["la_code"] == code)
             for code in ("E1", "E2")}  # fmt: skip
    assert files["E1"] == files["E2"] and files["E1"]
    assert {r["la_code"] for r in loaded} == {"E1", "E2", "E3"}
    assert not list((region["home"] / "landing").rglob("*.csv"))


def test_files_of_an_unknown_or_keyless_council_are_rejected_naming_file_and_cause(
    region: dict,
) -> None:
    """X9 is not listed, E4 has no key: each file is rejected with a reason naming it (and the
    missing variable), archived byte for byte, kept out of the lake, and recorded."""
    bad, home, settings = region["bad"], region["home"], region["settings"]
    assert bad.returncode == 2, bad.stderr
    delivered = sorted((region["same"] / "hr").iterdir())
    lines = [line for line in bad.stdout.splitlines() if line.startswith("rejected")]
    assert len(lines) == 2 * len(delivered)
    for path in delivered:
        assert sum(path.name in line and "'X9' is not a council listed" in line
                   for line in lines) == 1  # fmt: skip
        assert sum(path.name in line and "CAREGOV_PSEUDONYM_KEY_E4 is not set" in line
                   for line in lines) == 1  # fmt: skip
        for code in ("X9", "E4"):
            copies = list((home / "archive" / code / "hr").glob(f"*-{path.name}"))
            assert [c.read_bytes() for c in copies] == [path.read_bytes()]
    assert not list((home / "landing" / "X9").rglob("*.csv"))
    assert not list((home / "landing" / "E4").rglob("*.csv"))
    assert not {row["_la_code"] for row in lake_rows(settings, "hr_posts")} & {"X9", "E4"}
    rejected = [r for r in ledger_rows(settings) if r["la_code"] in ("X9", "E4")]
    assert len(rejected) == 2 * len(delivered)
    assert {r["status"] for r in rejected} == {"rejected"}


def test_a_file_outside_the_landing_zone_needs_its_council_named(region: dict) -> None:
    """In a hub a file named on the command line has no council folder: without --council it is
    rejected; with --council E1 it is the content E1 already loaded (skipped), while for E3 it
    would be new — the same bytes are a delivery per council."""
    path = region["same"] / "hr" / f"hr_posts_{MONTH}.csv"
    caregov = str(VENV_BIN / "caregov")

    def ingest(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([caregov, "ingest", *extra, str(path)], env=region["env"],
                              capture_output=True, text=True, timeout=300, check=False)  # fmt: skip

    unnamed = ingest()
    assert unnamed.returncode == 2 and "--council" in unnamed.stdout, unnamed.stdout
    again = ingest("--council", "e1")
    assert again.returncode == 0 and again.stdout.startswith("skipped"), again.stdout
    unknown = ingest("--council", "E7")
    assert unknown.returncode == 2 and "--council E7" in unknown.stderr, unknown.stderr
    assert path.exists()  # a file outside the landing zone is never removed


def test_councils_file_and_keys_are_checked(tmp_path: Path) -> None:
    """Errors name the file and line, or the variable; REGION is kept for pooled rows."""
    home = tmp_path / "home"
    home.mkdir()
    env = _hub_environ(home)
    councils = home / "councils.csv"
    for text, message in (
        ("code,name\nE1,One\n", "must name the columns la_code and name"),
        ("la_code,name\nE1,One\nE 2,Two\n", "councils.csv, line 3: 'E 2' is not a council code"),
        ("la_code,name\nREGION,All\n", "REGION is kept for the region's pooled rows"),
        ("la_code,name\nE1,One\ne1,Again\n", "line 3: council E1 is listed twice"),
    ):
        councils.write_text(text)
        with pytest.raises(SettingsError, match=message):
            _ = Settings.from_env(env).councils
    councils.write_text("la_code,name\nE1,One\nE2,Two\n")
    settings = Settings.from_env(env | {"CAREGOV_PSEUDONYM_KEY_E2": "short"})
    assert settings.hub and settings.council_codes == ("E1", "E2")
    assert settings.pseudonym_key_for("E1") == KEYS["E1"].encode()
    assert "CAREGOV_PSEUDONYM_KEY_E2 is 5 characters long" in settings.check_council("E2")
    assert settings.check_council("E3").startswith("'E3' is not a council listed")


def test_demo_mode_generates_a_key_per_council(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "councils.csv").write_text("la_code,name\nA1,One\nA2,Two\n")
    env = home_environ(home) | {"CAREGOV_DEMO": "1"}
    first, second = Settings.from_env(env), Settings.from_env(env)
    assert first.pseudonym_key_for("A1") == second.pseudonym_key_for("A1")  # kept once made
    assert first.pseudonym_key_for("A1") != first.pseudonym_key_for("A2")
    secrets = home / "state" / "secrets"
    assert (secrets / "pseudonym_key_A1").stat().st_mode & 0o077 == 0


def test_single_council_rows_carry_the_councils_code(caregov_home: Path) -> None:
    """Without councils.csv: today's layout, key and load ids, and `la_code` from
    CAREGOV_COUNCIL_CODE (default LA0)."""
    from ingestion.deliveries import ingest_paths

    env = home_environ(caregov_home)
    assert Settings.from_env(env).council_code == "LA0"
    settings = Settings.from_env(env | {"CAREGOV_COUNCIL_CODE": "e08000003"})
    assert not settings.hub and settings.council_codes == ("E08000003",)
    outcomes = ingest_paths(settings, [VALID / "clean" / "hr_posts_2024-03-31.csv"], lambda _: None)
    assert [o.status for o in outcomes] == ["loaded"]
    assert outcomes[0].load_id and outcomes[0].load_id.startswith("hr_posts-20240331-")
    assert {row["_la_code"] for row in lake_rows(settings, "hr_posts")} == {"E08000003"}
    assert [r["la_code"] for r in ledger_rows(settings)] == ["E08000003"]
    assert list((caregov_home / "archive" / "hr").iterdir())
    with pytest.raises(CaregovError, match="--council E1: this home serves E08000003"):
        ingest_paths(settings, [VALID / "clean"], lambda _: None, la_code="E1")
    with pytest.raises(SettingsError, match="CAREGOV_COUNCIL_CODE"):
        Settings.from_env(env | {"CAREGOV_COUNCIL_CODE": "REGION"})


def test_status_in_a_hub_is_per_council(region: dict) -> None:
    """`caregov status` in a hub: one row per council and entity."""
    from ingestion.ledger import entity_status, format_status

    rows = entity_status(region["settings"], today=dt.date(2025, 3, 1))
    found = {(r["la_code"], r["entity"]): r for r in rows}
    assert {code for code, _ in found} == {"E1", "E2", "E3", "E4"}
    assert found[("E1", "hr_workers")]["last_as_at"] == dt.date(2025, 2, 28)
    assert found[("E1", "hr_workers")]["rows_loaded"] == found[("E2", "hr_workers")]["rows_loaded"]
    assert found[("E4", "hr_workers")]["last_as_at"] is None  # its files were all rejected
    assert found[("E1", "complaints")]["last_as_at"] is None  # not delivered here
    table = format_status(rows).splitlines()
    assert table[0].split()[:2] == ["council", "entity"]
    assert any(line.startswith("E4") and "never loaded" in line for line in table)
