"""Finance deliveries: the monthly budget-monitoring ledger and care provider invoices.

The ledger shows budget pressure in long-term care (residential, nursing, home care forecast to
overspend, more so each year) offset a little by underspends in reablement and social work (held
vacancies). Invoices are often paid more than 30 days after receipt, longer when disputed.
"""

from __future__ import annotations

from caregov.sample import case_profile as cp
from caregov.sample.timeline import FastRandom, Timeline
from caregov.sample.writer import Deliveries

# (name, service line, annual budget £m at scale 1, forecast variance in the first year,
#  change in variance per later year)
COST_CENTRES = (
    ("Nursing care placements (older people)", "lts_nursing", 14.5, 0.05, 0.02),
    ("Nursing care placements (working age)", "lts_nursing", 3.2, 0.02, 0.01),
    ("Residential care (older people)", "lts_residential", 31.0, 0.07, 0.02),
    ("Residential care (learning disability)", "lts_residential", 18.0, 0.04, 0.01),
    ("Home care", "lts_home_care", 26.0, 0.045, 0.015),
    ("Direct payments", "lts_direct_payments", 15.0, 0.01, 0.0),
    ("Supported living", "lts_supported_living", 21.0, 0.03, 0.01),
    ("Reablement service", "sts_reablement", 6.5, -0.04, 0.0),
    ("Short-term beds", "sts_other", 2.8, 0.02, 0.0),
    ("Carers' support", "carer_support", 1.9, -0.01, 0.0),
    ("Community equipment service", "equipment_and_adaptations", 3.1, 0.015, 0.0),
    ("Information, advice and prevention", "information_and_prevention", 2.2, -0.02, 0.0),
    ("Commissioning and contracts", "commissioning_and_service_delivery", 2.6, -0.01, 0.0),
    ("Locality social work", "social_work_and_assessment", 12.5, -0.03, 0.0),
    ("Hospital social work", "social_work_and_assessment", 2.9, -0.02, 0.0),
    ("Occupational therapy", "social_work_and_assessment", 3.4, -0.05, 0.0),
    ("Directorate management", "management_and_support", 1.8, 0.0, 0.0),
    ("Business support", "management_and_support", 2.9, -0.01, 0.0),
)
SERVICE_CATEGORIES = (
    ("residential", 30),
    ("nursing", 12),
    ("home_care", 30),
    ("supported_living", 12),
    ("day_services", 6),
    ("direct_payments", 5),
    ("other", 5),
)
AMOUNTS = {
    "residential": (3000, 60000),
    "nursing": (4000, 70000),
    "home_care": (1500, 45000),
    "supported_living": (4000, 50000),
    "day_services": (800, 12000),
    "direct_payments": (500, 6000),
    "other": (300, 9000),
}
SUPPLIER_WORDS = [
    "Oakwood",
    "Meadowbank",
    "Riverside",
    "Willow",
    "Beechcroft",
    "Ashdene",
    "Hillside",
    "Parkview",
    "Greenacres",
    "Kingfisher",
    "Orchard",
    "Lime",
    "Tree",
    "Holly",
    "Bank",
    "Fairhaven",
    "Abbey",
    "Priory",
    "Heron",
    "Cedar",
    "Linden",
]
SUPPLIER_KINDS = {
    "residential": ("Care Home Ltd", "House Residential Care", "Lodge Care Centre"),
    "nursing": ("Nursing Home Ltd", "Court Nursing Centre"),
    "home_care": ("Home Care Ltd", "Homecare Services", "Care at Home CIC"),
    "supported_living": ("Supported Living Ltd", "Community Living Trust"),
    "day_services": ("Day Centre", "Café & Day Opportunities CIC"),
    "direct_payments": ("PA Payroll Services", "Direct Payments Support Service"),
    "other": ("Transport Ltd", "Mobility Equipment Ltd"),
}
SUPPLIERS = 300
INVOICES_PER_SUPPLIER_MONTH = (2, 6)


def financial_period(year: int, month: int) -> tuple[str, int]:
    """(`YYYY-YY`, period 1-12 with April = 1) for a calendar month."""
    first = year if month >= 4 else year - 1
    return f"{first}-{(first + 1) % 100:02d}", (month - 4) % 12 + 1


def write_ledger(
    timeline: Timeline, seed: int, replicas: int, per_team: float, out: Deliveries
) -> None:
    rng = FastRandom(f"{seed}:finance_ledger")
    first_year = financial_period(*timeline.ym(0))[0]
    centres = []
    for replica in range(1, replicas + 1):
        for number, (name, line, budget_m, variance, drift) in enumerate(COST_CENTRES, start=1):
            suffix = "" if replica == 1 else f" (area {replica})"
            centres.append(
                (
                    f"ASC{replica:02d}{number:03d}",
                    name + suffix,
                    line,
                    budget_m * 1e6 * per_team,
                    variance,
                    drift,
                    rng.random(),
                )
            )
    for month in range(timeline.months):
        year_label, period = financial_period(*timeline.ym(month))
        years_in = int(year_label[:4]) - int(first_year[:4])
        for code, name, line, budget, variance, drift, noise in centres:
            original = round(budget * (1.04**years_in), -3)
            revised = original * (1.01 if period >= 7 and line.startswith("lts_") else 1.0)
            target = variance + drift * years_in + (noise - 0.5) * 0.01
            firmness = 0.5 + 0.5 * period / 12
            forecast = revised * (1 + target * firmness)
            profiled = revised * period / 12
            actual = profiled * (1 + target * 0.9 + rng.uniform(-0.004, 0.004))
            out.write(
                month,
                [
                    year_label,
                    period,
                    code,
                    name,
                    line,
                    float(original),
                    round(revised, 2),
                    round(profiled, 2),
                    round(actual, 2),
                    round(forecast, 2),
                ],
            )
        out.close_month(month)


def write_invoices(timeline: Timeline, seed: int, scale: float, out: Deliveries) -> None:
    rng = FastRandom(f"{seed}:provider_invoices")
    tl = timeline
    number = 0
    low, high = INVOICES_PER_SUPPLIER_MONTH
    for supplier in range(1, max(1, round(SUPPLIERS * scale)) + 1):
        category = cp.pick(rng, SERVICE_CATEGORIES)
        supplier_name = f"{rng.choice(SUPPLIER_WORDS)} {rng.choice(SUPPLIER_KINDS[category])}"
        supplier_id = f"SUP{supplier:06d}"
        amount_low, amount_high = AMOUNTS[category]
        for month in range(-2, tl.months):
            first = tl.month_start(month)
            for _ in range(rng.randint(low, high)):
                number += 1
                invoice_date = first + rng.randint(0, 27)
                received = invoice_date + rng.randint(0, 12)
                if received > tl.end:
                    continue
                slow = rng.random()
                validated = received + (rng.randint(1, 14) if slow < 0.7 else rng.randint(15, 45))
                disputed = rng.random() < 0.04
                paid = validated + rng.randint(2, 24) + (rng.randint(30, 120) if disputed else 0)
                row = [
                    f"INV{number:09d}",
                    supplier_id,
                    supplier_name,
                    category,
                    invoice_date,
                    received,
                    None,
                    None,
                    round(rng.uniform(amount_low, amount_high), 2),
                    disputed,
                ]
                for change in sorted(
                    {tl.delivery_of(d) for d in (received, validated, paid) if d <= tl.end}
                ):
                    as_at = tl.as_at(change)
                    row[6] = validated if validated <= as_at else None
                    row[7] = paid if paid <= as_at else None
                    out.write(change, row)
