"""The vocabulary of the extract contracts: columns, rules, entities, sources, and helpers.

`ingestion.contracts` declares every entity with these (the national returns' in
`ingestion.national.contracts`) and keeps the registries everything else reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["text", "int", "decimal", "date", "bool", "enum"]
# How personal data is treated before anything reaches the lake (docs/interfaces.md).
Pii = Literal["drop", "pseudonym", "nhs_pseudonym", "postcode_district", "age_band", "birth_year"]

DEFAULT_REJECT_THRESHOLD = 0.05


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "text"
    required: bool = False
    values: tuple[str, ...] = ()  # canonical spellings of an enum
    aliases: dict[str, str] = field(default_factory=dict)  # accepted spelling -> canonical
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    pattern: str | None = None  # a regular expression the (text) value must match in full
    pattern_hint: str = ""
    pii: Pii | None = None
    # Shown to readers as written (a governance note): kept short and screened for identifiers.
    published: bool = False


@dataclass(frozen=True)
class Rule:
    """A cross-field rule: `broken` is SQL over typed columns, true when the row breaks it."""

    column: str  # the column the message is about
    broken: str
    message: str
    rule: str = "cross_field"  # the rule's name in the quarantine file and the ledger


@dataclass(frozen=True)
class Entity:
    name: str
    source: str
    kind: Literal["snapshot", "delta"]
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    rules: tuple[Rule, ...] = ()
    reject_threshold: float = DEFAULT_REJECT_THRESHOLD
    sheet: str | None = None  # XLSX sheet name; None = the first sheet
    # "quarantine": a key on two rows with different values holds back every copy. "keep": the
    # key may repeat in a file (a CLD submission, whose event key is not unique); only exact
    # copies collapse, and the warehouse picks one row per key by the return's own rules.
    duplicate_keys: Literal["quarantine", "keep"] = "quarantine"
    cadence_days: int | None = None  # when not its source's: expected days between deliveries
    grace_days: int | None = None
    # Delivered whenever it changes rather than on a cadence (the governance lead's notes):
    # never stale, and an unchanged list is not delivered again.
    on_change: bool = False
    national_return: bool = False  # a national return (CLD, ASC-WDS, population), not an extract

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def enum(name: str, values: tuple[str, ...], required: bool = False, **aliases: str) -> Column:
    return Column(name, "enum", required, values, dict(aliases))


def dates_not_before(columns: tuple[str, ...], earliest: str) -> tuple[Rule, ...]:
    return tuple(Rule(c, f"{c} < {earliest}", f"{c} is before {earliest}") for c in columns)


def required_when(column: str, condition: str, when: str, rule: str = "cross_field") -> Rule:
    """`column` must be filled when `condition` holds. The cheap test comes first, so DuckDB
    evaluates the condition only on the rows where the value is missing."""
    broken = f"{column} IS NULL AND ({condition})"
    return Rule(column, broken, f"{column} is required {when}", rule)


def texts(names: str, pii: Pii | None = None) -> tuple[Column, ...]:
    """Optional text columns, named in one string (the national files have many)."""
    return tuple(Column(name, pii=pii) for name in names.split())


@dataclass(frozen=True)
class Source:
    """A delivering system: how often it delivers and how late a delivery may be before its
    entities count as stale (`caregov status`, `marts.data_freshness`)."""

    name: str
    cadence_days: int
    grace_days: int
