"""The dbt project's own rules (dbt_project/README.md), read from its files without running dbt."""

from __future__ import annotations

import re
from collections import defaultdict

import yaml

from caregov.settings import PROJECT_ROOT

DBT = PROJECT_ROOT / "dbt_project"
# The README's "Naming intermediate models": int_<entities>_<verb>[_monthly], <verb> from its list.
VERBS = (
    "numbered",
    "flagged",
    "classified",
    "identified",
    "snapshotted",
    "accumulated",
    "reported",
    "computed",
    "current",
    "waiting",
    "overdue_for_review",
)
INTERMEDIATE_NAME = re.compile(rf"int_[a-z][a-z0-9_]*?_({'|'.join(VERBS)})(_monthly)?")


def _column_descriptions() -> dict[str, list[str]]:
    """Every plain (not doc block) column description of the models, sources and seeds, with
    where it is written."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(DBT.glob("**/*.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        tables = [*document.get("models", []), *document.get("seeds", [])]
        tables += [t for source in document.get("sources", []) for t in source.get("tables", [])]
        for table in tables:
            for column in table.get("columns", []):
                text = " ".join(str(column.get("description", "")).split())
                if text and "doc(" not in text:
                    found[text].append(f"{path.name}: {table['name']}.{column['name']}")
    return found


def test_intermediate_models_are_named_for_their_rows_and_what_was_done_to_them() -> None:
    """Every intermediate model is int_<entities>_<verb>[_monthly] with a verb of the README."""
    names = [path.stem for path in (DBT / "models" / "intermediate").glob("**/*.sql")]
    assert names
    assert [name for name in names if not INTERMEDIATE_NAME.fullmatch(name)] == []


def test_a_column_description_written_twice_is_a_doc_block() -> None:
    """No column description is written out in two places: a shared one is a doc block."""
    repeated = {text: where for text, where in _column_descriptions().items() if len(where) > 1}
    assert repeated == {}
