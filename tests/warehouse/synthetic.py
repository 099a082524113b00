"""A synthetic lake written straight into the Parquet layout, for warehouse tests and benchmarks.

The warehouse is built and measured against docs/interfaces.md alone, so it needs lakes of any
size that do not depend on the extract generator and ingestion: this module writes every entity's
monthly deliveries (snapshot entities as full states, delta entities as the versions that changed
in the month) with set-based DuckDB SQL, deterministic for a given scale. The figures are not
meant to tell a story, only to be shaped like a council's data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from caregov.settings import Settings
from tests.warehouse.lake import ENTITY_SOURCE, lake_columns, write_ledger

ROLE_CODES = "[6, 6, 6, 6, 15, 36, 39, 39, 3, 2, 1, 25, 25, 8]"
SERVICE_TYPES = (
    "['Long term support: Community', 'Long term support: Community', "
    "'Long term support: Residential care', 'Long term support: Nursing care', "
    "'Short term support: ST-Max', 'Short term support: Other short term']"
)
SUBJECTS = (
    "['contact_delay', 'assessment_delay', 'care_and_support_planning', 'charging', "
    "'provider_care_quality', 'communication', 'staff_conduct', 'safeguarding', 'other']"
)
SERVICE_LINES = (
    "['lts_nursing', 'lts_residential', 'lts_home_care', 'lts_direct_payments', "
    "'lts_supported_living', 'sts_reablement', 'carer_support', 'social_work_and_assessment', "
    "'management_and_support']"
)


def _month_ends(start: str, months: int) -> list[dt.date]:
    year, month = (int(part) for part in start.split("-"))
    ends = []
    for _ in range(months):
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        ends.append(nxt - dt.timedelta(days=1))
        year, month = nxt.year, nxt.month
    return ends


HORIZON_DAYS = 3 * 365


def _setup(con: duckdb.DuckDBPyConnection, scale: float, first: dt.date) -> None:
    """Base populations: jobs, posts, events, complaints, invoices, actions (full history).

    They depend only on the first month and the scale, never on how many months are delivered,
    so writing more months later appends deliveries and leaves the earlier ones byte-identical.
    """
    last = first + dt.timedelta(days=HORIZON_DAYS)
    con.execute(
        "create macro r(i, salt) as (hash(cast(i as varchar) || salt) % 1000000) / 1000000.0"
    )
    con.execute(
        "create macro pick(list, i, salt) as list[1 + (hash(cast(i as varchar) || salt) % len(list))::int]"
    )
    jobs = max(60, int(2000 * scale))
    span = (last - first).days + 1
    con.execute(f"""
        create table jobs as
        select
            'J' || i as job_id,
            'W' || (i % {int(jobs * 0.95) + 1}) as person_id,
            'T' || lpad(cast(i % {5 + int(10 * scale)} as varchar), 3, '0') as team_id,
            pick({ROLE_CODES}, i, 'role') as main_job_role_code,
            case
                when r(i, 'es') < 0.72 then 'permanent' when r(i, 'es') < 0.84 then 'temporary'
                when r(i, 'es') < 0.94 then 'agency' when r(i, 'es') < 0.97 then 'bank_or_pool'
                else 'other'
            end as employment_status,
            date '{first}' - 3000 + cast(r(i, 'start') * (3000 + {span}) as integer) as start_date,
            r(i, 'nq') < 0.3 as newly_qualified_at_start,
            15 + round(r(i, 'hours') * 22) as contracted_hours_per_week
        from range({int(jobs * 1.6)}) as t(i)
    """)
    con.execute("""
        alter table jobs add column leave_date date;
        update jobs set leave_date = start_date + 30 + cast(r(job_id, 'leave') * 2500 as integer)
        where r(job_id, 'leaves') < 0.55;
    """)
    posts = max(40, int(1800 * scale))
    con.execute(f"""
        create table posts as
        select
            'P' || i as post_id,
            'T' || lpad(cast(i % {5 + int(10 * scale)} as varchar), 3, '0') as team_id,
            pick({ROLE_CODES}, i, 'prole') as main_job_role_code,
            case when r(i, 'fte') < 0.8 then 1.0 else 0.5 end as funded_fte
        from range({posts}) as t(i)
    """)
    events = max(200, int(25000 * scale * span / 365))
    people = max(80, events // 3)
    con.execute(f"""
        create table events as
        select
            'E' || i as event_id,
            'C' || (hash(cast(i as varchar) || 'p') % {people}) as person_id,
            case
                when r(i, 'type') < 0.30 then 'Request' when r(i, 'type') < 0.65 then 'Assessment'
                when r(i, 'type') < 0.85 then 'Service' else 'Review'
            end as event_type,
            date '{first}' - 200 + cast(r(i, 'req') * ({span} + 200) as integer) as requested_date,
            cast(power(r(i, 'wait'), 2) * 420 as integer) as wait_days,
            cast(r(i, 'dur') * 40 as integer) as work_days,
            r(i, 'open') < 0.35 as long_running,
            'T' || lpad(cast(hash(cast(i as varchar) || 't') % {5 + int(10 * scale)} as varchar), 3, '0') as team_id,
            pick(['care_act', 'care_act', 'occupational_therapy', 'carers', 'sensory', 'financial'], i, 'sub')
                as assessment_subtype,
            pick({SERVICE_TYPES}, i, 'svc') as service_type
        from range({events}) as t(i)
    """)
    con.execute("""
        create table event_dates as
        select
            *,
            case when event_type in ('Request', 'Service') then requested_date
                 else requested_date + wait_days end as start_date,
            case
                when event_type = 'Request' then requested_date
                when event_type = 'Service' and long_running then null
                when event_type = 'Service' then requested_date + 30 + work_days * 20
                else requested_date + wait_days + work_days
            end as end_date
        from events
    """)
    complaints = max(30, int(400 * scale * span / 365))
    con.execute(f"""
        create table complaint_base as
        select
            'K' || i as complaint_id,
            case when r(i, 'proc') < 0.7 then 'asc_statutory' else 'corporate' end as procedure,
            date '{first}' + cast(r(i, 'rec') * {span} as integer) as received_date,
            pick({SUBJECTS}, i, 'subj') as subject_category,
            'T' || lpad(cast(i % {5 + int(10 * scale)} as varchar), 3, '0') as team_id,
            cast(r(i, 'ack') * 6 as integer) as ack_days,
            cast(15 + r(i, 'resp') * 60 as integer) as response_days,
            pick(['upheld', 'partially_upheld', 'not_upheld', 'not_upheld', 'withdrawn'], i, 'out')
                as outcome,
            r(i, 'omb') < 0.1 as referred_to_ombudsman
        from range({complaints}) as t(i)
    """)
    invoices = max(100, int(6000 * scale * span / 365))
    con.execute(f"""
        create table invoice_base as
        select
            'I' || i as invoice_id,
            'S' || (i % 40) as supplier_id,
            'Provider ' || (i % 40) as supplier_name,
            pick(['residential', 'nursing', 'home_care', 'supported_living', 'direct_payments',
                  'day_services', 'other'], i, 'cat') as service_category,
            date '{first}' + cast(r(i, 'inv') * {span} as integer) as invoice_date,
            cast(r(i, 'post') * 5 as integer) as post_days,
            cast(5 + power(r(i, 'pay'), 2) * 80 as integer) as pay_days,
            round(100 + r(i, 'amt') * 9000, 2) as amount_gross,
            r(i, 'disp') < 0.05 as disputed
        from range({invoices}) as t(i)
    """)
    con.execute(f"""
        create table action_base as
        select
            'A' || i as action_id,
            pick(['Improvement plan', 'Transformation plan', 'Complaints learning action plan'], i, 'plan')
                as plan_name,
            'Workstream ' || (i % 6) as workstream,
            'QS' || (1 + i % 9) as cqc_quality_statement,
            'Action ' || i as title,
            pick(['Director of adult social care', 'Head of service', 'Principal social worker'], i, 'own')
                as owner_role,
            date '{first}' + cast(r(i, 'ast') * {span} * 0.6 as integer) as start_date,
            cast(60 + r(i, 'due') * 300 as integer) as due_days,
            cast(r(i, 'slip') * 120 as integer) as slip_days,
            cast(r(i, 'took') * 420 as integer) as took_days
        from range({max(30, int(60 * scale))}) as t(i)
    """)


def _deliveries(as_at: dt.date) -> dict[str, str]:
    """SQL for each entity's delivery as at `as_at` (columns as in the lake, no metadata)."""
    d = f"date '{as_at}'"
    month_start = f"date '{as_at.replace(day=1)}'"
    changed = f"between {month_start} and {d}"
    return {
        "hr_workers": f"""
            select job_id, person_id, pick(['<25', '25-34', '35-44', '45-54', '55-64'], job_id, 'age')
                as age_band, team_id, 'Team ' || team_id as team_name, 'locality' as service_area,
                main_job_role_code, null as job_title, employment_status,
                contracted_hours_per_week, start_date,
                case when leave_date <= {d} then leave_date end as leave_date,
                case when leave_date <= {d} then 'resignation' end as leave_reason,
                case when main_job_role_code = 6 then newly_qualified_at_start end
                    as newly_qualified_at_start,
                false as seconded_out, round(r(job_id, 'sick') * 12, 1) as sickness_days_12m
            from jobs
            where start_date <= {d} and (leave_date is null or leave_date > {d} - 730)""",
        "hr_posts": f"""
            select post_id, team_id, main_job_role_code, funded_fte,
                case
                    when r(post_id || '{as_at}', 'st') < 0.86 then 'filled'
                    when r(post_id || '{as_at}', 'st') < 0.93 then 'vacant_recruiting'
                    when r(post_id || '{as_at}', 'st') < 0.97 then 'vacant_covered_by_agency'
                    else 'vacant_frozen'
                end as post_status,
                case when r(post_id || '{as_at}', 'st') >= 0.86 then {d} - 40 end as vacant_since
            from posts""",
        "cm_people": f"""
            select person_id, null as nhs_number_pseudonym, 'XX1' as postcode_district,
                1930 + cast(r(person_id, 'by') * 70 as integer) as birth_year, '65-74' as age_band,
                null as date_of_death, pick(['Male', 'Female'], person_id, 'g') as gender,
                null as ethnicity, 'Service user' as client_type, null as primary_support_reason
            from (select person_id, min(requested_date) as first_seen from events group by 1)
            where first_seen {changed} or (first_seen < {month_start} and {month_start} = (
                select min(date_trunc('month', requested_date)) from events where false))""",
        "cm_events": f"""
            select event_id, person_id, event_type,
                case when end_date <= {d} then 'completed' else 'open' end as event_status,
                case when event_type in ('Assessment', 'Review') then requested_date end
                    as requested_date,
                case when start_date <= {d} then start_date end as event_start_date,
                case when end_date <= {d} then end_date end as event_end_date,
                case when end_date <= {d} then 'NFA: Support ended as planned' end as event_outcome,
                case when event_type = 'Request' then 'Community / other route' end
                    as request_route_of_access,
                case when event_type = 'Assessment' then 'Long term assessment' end as assessment_type,
                case when event_type = 'Assessment' then assessment_subtype end as assessment_subtype,
                case when event_type = 'Service' then service_type end as service_type,
                null as service_component, null as delivery_mechanism,
                case when event_type = 'Review' then 'Planned' end as review_reason,
                team_id, null as allocated_worker_id, 'medium' as priority,
                null as unit_cost, null as planned_units_per_week
            from event_dates
            where requested_date <= {d} and (
                requested_date {changed} or start_date {changed} or end_date {changed}
                or ({month_start} = (select min(date_trunc('month', requested_date) + interval 200 day)
                     from events where false)))""",
        "complaints": f"""
            select complaint_id, procedure, received_date, 'email' as received_channel,
                null as person_id, subject_category, team_id,
                case when received_date + ack_days <= {d} then received_date + ack_days end
                    as acknowledged_date,
                received_date + 20 as agreed_response_date,
                case when received_date + response_days <= {d} then received_date + response_days end
                    as response_date,
                case when received_date + response_days <= {d} then received_date + response_days end
                    as closed_date,
                case when received_date + response_days <= {d} then outcome end as outcome,
                referred_to_ombudsman, null as ombudsman_decision
            from complaint_base
            where received_date <= {d} and (received_date {changed}
                or received_date + ack_days {changed} or received_date + response_days {changed})""",
        "finance_ledger": f"""
            select
                case when month({d}) >= 4 then year({d}) || '-' || right(cast(year({d}) + 1 as varchar), 2)
                     else (year({d}) - 1) || '-' || right(cast(year({d}) as varchar), 2) end
                    as financial_year,
                ((month({d}) + 8) % 12) + 1 as period,
                'CC' || i as cost_centre, 'Cost centre ' || i as cost_centre_name,
                pick({SERVICE_LINES}, i, 'sl') as service_line,
                1000000 + i * 10000.0 as budget_original, 1000000 + i * 10000.0 as budget_revised,
                (1000000 + i * 10000.0) * (((month({d}) + 8) % 12) + 1) / 12 as budget_profiled_ytd,
                (1000000 + i * 10000.0) * (((month({d}) + 8) % 12) + 1) / 12
                    * (0.95 + r(i || '{as_at}', 'act') * 0.1) as actual_ytd,
                (1000000 + i * 10000.0) * (0.97 + r(i || '{as_at}', 'fc') * 0.08) as forecast_outturn
            from range(30) as t(i)""",
        "provider_invoices": f"""
            select invoice_id, supplier_id, supplier_name, service_category, invoice_date,
                invoice_date + post_days as invoice_received_date,
                case when invoice_date + post_days + 2 <= {d} then invoice_date + post_days + 2 end
                    as validated_date,
                case when invoice_date + post_days + pay_days <= {d}
                     then invoice_date + post_days + pay_days end as payment_date,
                amount_gross, disputed
            from invoice_base
            where invoice_date + post_days <= {d} and (invoice_date + post_days {changed}
                or invoice_date + post_days + pay_days {changed})""",
        "improvement_actions": f"""
            select action_id, plan_name, workstream, cqc_quality_statement, title, owner_role,
                start_date, start_date + due_days as original_due_date,
                start_date + due_days + slip_days as current_due_date,
                case when start_date + took_days <= {d} then start_date + took_days end
                    as completed_date,
                case when start_date + took_days <= {d} then 'complete'
                     when r(action_id || '{as_at}', 'st') < 0.1 then 'closed'
                     when start_date + due_days + slip_days < {d} then 'off_track'
                     else 'on_track' end as status,
                case when start_date + took_days <= {d} then 100 else 50 end as percent_complete,
                {d} as last_updated_date
            from action_base
            where start_date <= {d}""",
        # The notes of the six months to as_at: an event each month, commentary each quarter.
        "governance_notes": f"""
            select 'E' || strftime(m, '%Y%m') as note_id, 'event' as note_type,
                m + 9 as note_date, null as metric_id,
                'Board meeting ' || strftime(m, '%b %Y') as title, 'Minutes agreed.' as detail
            from (select unnest(generate_series({month_start} - interval 5 month, {month_start},
                                                interval 1 month))::date as m)
            union all
            select 'C' || strftime(m, '%Y%m'), 'commentary', m + 14,
                'workforce_turnover_rate_12m', 'Turnover as planned', null
            from (select unnest(generate_series({month_start} - interval 5 month, {month_start},
                                                interval 1 month))::date as m)
            where month(m) % 3 = 0""",
    }


def load_prefix(entity: str) -> str:
    """Synthetic load ids start with this per-entity prefix (unique for the nine entities)."""
    return entity[:4]


def write_delivery_sql(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    entity: str,
    as_at: dt.date,
    query: str,
    loaded_at: dt.datetime,
) -> int:
    """Write one delivery from a query, typed and with metadata, plus its ledger record."""
    load_id = f"{load_prefix(entity)}{as_at:%Y%m%d}{loaded_at:%H%M%S}"
    columns = lake_columns()[entity]
    present = {row[0] for row in con.execute(f"describe ({query})").fetchall()}
    select = ", ".join(
        f"cast({name if name in present else 'null'} as {kind}) as {name}"
        for name, kind in columns
        if not name.startswith("_")
    )
    folder = settings.raw / entity / f"as_at={as_at}" / f"load={load_id}"
    folder.mkdir(parents=True, exist_ok=True)
    con.execute(f"""
        copy (
            select {select},
                '{load_id}' as _load_id, date '{as_at}' as _as_at,
                '{entity}_{as_at}.csv' as _source_file,
                cast(row_number() over () + 1 as bigint) as _source_row,
                timestamp '{loaded_at:%Y-%m-%d %H:%M:%S}' as _loaded_at
            from ({query})
        ) to '{folder / "part-0.parquet"}' (format parquet)
    """)
    rows = con.execute(f"select count(*) from '{folder / 'part-0.parquet'}'").fetchone()[0]
    write_ledger(settings, load_id, entity, as_at, f"{entity}_{as_at}.csv", rows, loaded_at)
    return rows


def build_synthetic_lake(
    settings: Settings, *, start: str = "2024-04", months: int = 15, scale: float = 0.2
) -> dict[str, int]:
    """Write `months` monthly deliveries of every entity; returns rows written per entity."""
    ends = _month_ends(start, months)
    rows: dict[str, int] = dict.fromkeys(ENTITY_SOURCE, 0)
    with duckdb.connect() as con:
        _setup(con, scale, ends[0].replace(day=1))
        for number, as_at in enumerate(ends):
            first = number == 0
            for entity, query in _deliveries(as_at).items():
                if first and entity in {"cm_people", "cm_events"}:
                    query = query.replace("where false", "where true")
                loaded_at = dt.datetime.combine(as_at + dt.timedelta(days=1), dt.time(2, 0))
                rows[entity] += write_delivery_sql(con, settings, entity, as_at, query, loaded_at)
    return rows


def append_daily_delta(
    settings: Settings, *, start: str = "2024-04", months: int = 15, scale: float = 0.2
) -> int:
    """One more daily cm_events/complaints/invoices delta the day after the last month end."""
    ends = _month_ends(start, months)
    day = ends[-1] + dt.timedelta(days=1)
    written = 0
    with duckdb.connect() as con:
        _setup(con, scale, ends[0].replace(day=1))
        queries = _deliveries(day)
        for entity in ("cm_events", "complaints", "provider_invoices"):
            loaded_at = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(2, 0))
            query = queries[entity].replace(
                f"between date '{day.replace(day=1)}'", f"between date '{day}'"
            )
            written += write_delivery_sql(con, settings, entity, day, query, loaded_at)
    return written


def lake_rows(raw: Path, entity: str) -> int:
    with duckdb.connect() as con:
        return con.execute(
            f"select count(*) from read_parquet('{raw}/{entity}/as_at=*/load=*/*.parquet')"
        ).fetchone()[0]
