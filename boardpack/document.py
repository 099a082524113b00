"""The pack laid out as pages of HTML, ready to print.

Pages are decided here, not by the browser: every page is a fixed A4 box holding a known amount
(a cover, the contents, three metrics, the scorecard, the data-quality statement, six
definitions), so each page's number is known before printing, and the contents page can list
them. The words come from `boardpack.words`, the charts from `boardpack.chart`, the page design
from `templates/pack.html.j2`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from boardpack import words
from boardpack.chart import COLOURS, spc_chart
from boardpack.content import Metric, Pack

METRICS_PER_PAGE = 3
DEFINITIONS_PER_PAGE = 6

QUALITY_STATEMENTS = {
    "QS1": "Assessing needs",
    "QS2": "Supporting people to live healthier lives",
    "QS3": "Equity in experience and outcomes",
    "QS4": "Care provision, integration and continuity",
    "QS5": "Partnerships and communities",
    "QS6": "Safe systems, pathways and transitions",
    "QS7": "Safeguarding",
    "QS8": "Governance, management and sustainability",
    "QS9": "Learning, improvement and innovation",
}
VARIATION_SHORT = {
    "common_cause": "Common cause",
    "improvement": "Improvement",
    "concern": "Concern",
    "special_cause": "Special cause",
    "insufficient_data": "Too few months",
}
ASSURANCE_SHORT = {
    "consistently_pass": "Consistently passing",
    "consistently_fail": "Consistently failing",
    "hit_and_miss": "Hit and miss",
}


@dataclass
class Page:
    """One printed page: which part of the template draws it, and what with."""

    kind: str
    title: str
    items: list[Any] = field(default_factory=list)
    number: int = 0


def paginate(pack: Pack) -> list[Page]:
    """Every page of the pack, numbered: cover, contents, the areas, the scorecard, the
    data-quality statement, then the definitions."""
    pages = [Page("cover", "Board pack"), Page("contents", "Contents")]
    for area in pack.areas:
        title = words.area_words(area.slug)
        for start in range(0, len(area.metrics), METRICS_PER_PAGE):
            chunk = list(area.metrics[start : start + METRICS_PER_PAGE])
            pages.append(Page("area", title if start == 0 else f"{title} (continued)", chunk))
        comments = [
            c for c in pack.commentary if c.metric_id in {m.metric_id for m in area.metrics}
        ]
        if comments:
            pages.append(Page("commentary", f"{title}: commentary", comments))
    pages.append(Page("scorecard", "Scorecard", list(pack.metrics)))
    pages.append(Page("quality", "Data quality", list(pack.quality)))
    definitions = list(pack.metrics)
    for start in range(0, len(definitions), DEFINITIONS_PER_PAGE):
        title = "Appendix: definitions" + (" (continued)" if start else "")
        pages.append(Page("definitions", title, definitions[start : start + DEFINITIONS_PER_PAGE]))
    for number, page in enumerate(pages, start=1):
        page.number = number
    return pages


def contents(pages: list[Page]) -> list[tuple[str, int]]:
    """The contents: each section's title and first page (continuations are not listed)."""
    return [
        (page.title, page.number)
        for page in pages
        if page.kind not in ("cover", "contents") and "(continued)" not in page.title
    ]


def metric_facts(metric: Metric) -> dict[str, str]:
    """What the pack says beside a metric's chart, in words."""
    current = metric.current
    return {
        "value": words.value_words(current.value if current else None, metric.unit),
        "previous": words.value_words(metric.value_months_before(1), metric.unit),
        "year_before": words.value_words(metric.value_months_before(12), metric.unit),
        "target": words.target_words(metric.target, metric.unit, metric.polarity),
        "rag": words.rag_words(metric.rag),
        "rag_class": metric.rag,
        "variation": words.variation_words(
            current.variation if current else None, current.rules if current else ""
        ),
        "variation_short": VARIATION_SHORT.get(
            current.variation if current and current.variation else "", "No value"
        ),
        "assurance": words.assurance_words(
            metric.assurance,
            current.variation if current else None,
            metric.target is not None and metric.polarity != "neutral",
        ),
        "assurance_short": ASSURANCE_SHORT.get(metric.assurance or "", "Not assessed"),
        "direction": words.direction_words(metric.polarity),
        "statement": f"{metric.quality_statement} {QUALITY_STATEMENTS.get(metric.quality_statement, '')}",
        "limits": (
            f"mean {words.value_words(metric.mean, metric.unit)}, control limits"
            f" {words.value_words(metric.lcl, metric.unit)} to"
            f" {words.value_words(metric.ucl, metric.unit)}"
            if metric.ucl is not None and metric.lcl is not None
            else "no control limits"
        ),
    }


def render_html(pack: Pack) -> str:
    """The whole pack as one HTML document."""
    environment = Environment(
        loader=PackageLoader("boardpack", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    pages = paginate(pack)
    titles = {metric.metric_id: metric.title for metric in pack.metrics}
    return environment.get_template("pack.html.j2").render(
        pack=pack,
        pages=pages,
        total=len(pages),
        contents=contents(pages),
        month=words.month_words(pack.month_end),
        month_end=words.date_words(pack.month_end),
        loaded_to=words.time_words(pack.loaded_to) if pack.loaded_to else "no loads",
        facts={metric.metric_id: metric_facts(metric) for metric in pack.metrics},
        charts={metric.metric_id: Markup(spc_chart(metric)) for metric in pack.metrics},
        titles=titles,
        words=words,
        colours=COLOURS,
    )
