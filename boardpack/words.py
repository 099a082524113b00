"""Everything the board pack says in words: months and dates, values in their units, and the
RAG, variation and assurance of a metric the way Making Data Count phrases them.

A board reads words, never the warehouse's codes: nothing here returns a metric id or a column
value as stored.
"""

from __future__ import annotations

import datetime as dt

# Month names written out: strftime's would follow the process's locale.
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

RAG_WORDS = {"green": "Green", "amber": "Amber", "red": "Red", "grey": "Not rated"}

VARIATION_WORDS = {
    "common_cause": "Common cause variation: no significant change",
    "improvement": "Special cause variation: improvement",
    "concern": "Special cause variation: concern",
    "special_cause": "Special cause variation, where neither direction is better",
    "insufficient_data": "Too few months for SPC (it needs 15)",
}

RULE_WORDS = {
    "outside_limits": "outside the control limits",
    "shift": "7 or more months in a row on one side of the mean",
    "trend": "7 or more months in a row each rising or each falling",
    "two_of_three": "2 of 3 months close to a control limit",
}

ASSURANCE_WORDS = {
    "consistently_pass": "Consistently passing the target: the whole range between the control"
    " limits is on its good side",
    "consistently_fail": "Consistently failing the target: the whole range between the control"
    " limits is on its bad side, so it will not be met without a change to the process",
    "hit_and_miss": "Hit and miss: the target lies between the control limits, so some months"
    " will meet it and some will not",
}

AREA_TITLES = {
    "workforce": "Workforce",
    "waiting-lists": "Waiting lists",
    "complaints": "Complaints",
    "finance": "Finance",
    "improvement-plan": "Improvement plan",
    "governance-overview": "Governance",
    "data-health": "Data health",
}

ENTITY_WORDS = {
    "hr_workers": "Staff jobs (HR)",
    "hr_posts": "Posts (HR)",
    "cm_people": "People (case management)",
    "cm_events": "Assessments, reviews and services (case management)",
    "complaints": "Complaints",
    "finance_ledger": "Budget monitoring ledger (finance)",
    "provider_invoices": "Provider invoices (finance)",
    "improvement_actions": "Improvement plan actions",
}


def month_words(day: dt.date) -> str:
    """`March 2026`."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def short_month_words(day: dt.date) -> str:
    """`Mar 26`, for a chart's axis."""
    return f"{MONTHS[day.month - 1][:3]} {day.year % 100:02d}"


def date_words(day: dt.date) -> str:
    """`31 March 2026` (no leading zero)."""
    return f"{day.day} {month_words(day)}"


def time_words(moment: dt.datetime) -> str:
    """`6 December 2026, 12:52 UTC` (the ledger keeps UTC)."""
    return f"{date_words(moment.date())}, {moment:%H:%M} UTC"


def value_words(value: float | None, unit: str) -> str:
    """A value in its unit: rates as percentages to one decimal, counts whole, days to one
    decimal; `no value` when there is none."""
    if value is None:
        return "no value"
    if unit == "rate":
        return f"{value * 100:.1f}%"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "days":
        return f"{value:,.1f} days"
    return f"{value:,.2f}"


def axis_words(value: float, unit: str, step: float) -> str:
    """A chart axis label: as `value_words`, with as many decimals as the tick step needs."""
    scale, suffix = (100.0, "%") if unit == "rate" else (1.0, "")
    decimals = 0
    while decimals < 4 and abs(round(step * scale, decimals) - step * scale) > 1e-9:
        decimals += 1
    return f"{value * scale:,.{decimals}f}{suffix}"


def target_words(target: float | None, unit: str, polarity: str) -> str:
    """`15.0% or lower`; `no target` for a metric without one or where neither way is better."""
    if target is None or polarity not in ("higher_is_better", "lower_is_better"):
        return "no target"
    way = "or higher" if polarity == "higher_is_better" else "or lower"
    return f"{value_words(target, unit)} {way}"


def direction_words(polarity: str) -> str:
    return {
        "higher_is_better": "Higher is better",
        "lower_is_better": "Lower is better",
    }.get(polarity, "Neither direction is better")


def variation_words(variation: str | None, rules: str) -> str:
    """The month's variation, with the rules it meets: `Special cause variation: concern (outside
    the control limits)`."""
    if variation is None:
        return "No value this month"
    text = VARIATION_WORDS.get(variation, variation.replace("_", " ").capitalize())
    met = [RULE_WORDS[rule] for rule in rules.split(",") if rule in RULE_WORDS]
    return f"{text} ({'; '.join(met)})" if met else text


def assurance_words(assurance: str | None, variation: str | None, has_target: bool) -> str:
    """The metric's assurance against its target, or why there is none."""
    if assurance is not None:
        return ASSURANCE_WORDS.get(assurance, assurance.replace("_", " ").capitalize())
    if not has_target:
        return "No target to assure against"
    if variation == "insufficient_data":
        return "Too few months to assure against the target"
    return "No assurance"


def rag_words(rag: str) -> str:
    return RAG_WORDS.get(rag, rag.capitalize())


def area_words(slug: str) -> str:
    return AREA_TITLES.get(slug, slug.replace("-", " ").capitalize())


def entity_words(entity: str) -> str:
    return ENTITY_WORDS.get(entity, entity.replace("_", " ").capitalize())


def count_words(count: int, singular: str, plural: str | None = None) -> str:
    """`1 file`, `3 files`, `no files`."""
    noun = singular if count == 1 else (plural or singular + "s")
    return f"{'no' if count == 0 else f'{count:,}'} {noun}"
