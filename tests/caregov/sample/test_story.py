"""The council's CQC story, computed directly from the generated files with DuckDB."""

from __future__ import annotations

import duckdb

FIRST, LAST = "2023-04-30", "2025-09-30"  # first and last as-at dates of the shared council


def _workforce_rate(story: duckdb.DuckDBPyConnection, as_at: str, numerator: str) -> float:
    """A Skills for Care 12-month rate over permanent + temporary jobs in post at `as_at`."""
    return story.sql(
        f"""
        select count(*) filter (where {numerator})
             / count(*) filter (where start_date <= as_at
                                  and (leave_date is null or leave_date > as_at))
        from hr_workers
        where as_at = date '{as_at}' and employment_status in ('permanent', 'temporary')
        """
    ).fetchone()[0]


LEFT_IN_12M = "leave_date > as_at - interval 12 month and leave_date <= as_at"


def test_turnover_starts_near_23_percent(story):
    """Turnover (leavers in 12 months ÷ permanent + temporary in post) is about 23 % at first."""
    assert 0.19 <= _workforce_rate(story, FIRST, LEFT_IN_12M) <= 0.27


def test_turnover_falls_to_near_11_percent_after_the_strategy(story):
    """A year after the career progression strategy bites, turnover is about 11 %."""
    assert 0.08 <= _workforce_rate(story, LAST, LEFT_IN_12M) <= 0.14


def _nq_share(story: duckdb.DuckDBPyConnection, as_at: str) -> float:
    return story.sql(
        f"""
        select avg(case when newly_qualified_at_start then 1.0 else 0.0 end)
        from hr_workers
        where as_at = date '{as_at}' and main_job_role_code = 6
          and employment_status in ('permanent', 'temporary')
          and start_date > as_at - interval 12 month and start_date <= as_at
        """
    ).fetchone()[0]


def test_newly_qualified_share_of_social_worker_starters_starts_near_78_percent(story):
    """Most social-worker starters are newly qualified at first (about 78 %)."""
    assert 0.70 <= _nq_share(story, FIRST) <= 0.86


def test_newly_qualified_share_falls_to_near_half(story):
    """Two years on, about half of social-worker starters are newly qualified."""
    assert 0.42 <= _nq_share(story, LAST) <= 0.58


def _agency_rate(story: duckdb.DuckDBPyConnection, as_at: str) -> float:
    return story.sql(
        f"""
        select count(*) filter (where employment_status = 'agency') / count(*)
        from hr_workers
        where as_at = date '{as_at}' and leave_date is null
          and employment_status in ('permanent', 'temporary', 'agency')
        """
    ).fetchone()[0]


def test_agency_use_falls(story):
    """The agency share of jobs in post at the end is under half what it was at the start."""
    assert _agency_rate(story, LAST) < _agency_rate(story, FIRST) / 2


def test_occupational_therapist_vacancies_last_longer(story):
    """Vacant OT posts (role 15) being recruited to have stood vacant far longer on average."""
    ot, other = story.sql(
        """
        select avg(as_at - vacant_since) filter (where main_job_role_code = 15),
               avg(as_at - vacant_since) filter (where main_job_role_code <> 15)
        from hr_posts where post_status in ('vacant_recruiting', 'vacant_covered_by_agency')
        """
    ).fetchone()
    assert ot > 1.5 * other


def test_some_vacancies_are_caused_by_secondments(story):
    """Some permanent staff are seconded out while their home post stands vacant."""
    seconded = story.sql(
        f"select count(*) from hr_workers where as_at = date '{LAST}' and seconded_out"
    ).fetchone()[0]
    assert seconded >= 10


AWAITING = """
    from month_ends join current_cm_events
      on event_type = 'Assessment' and requested_date <= d
     and (event_start_date is null or event_start_date > d)
     and (event_end_date is null or event_end_date > d)
"""


def test_waiting_lists_grow_in_some_teams_and_fall_in_others(story):
    """Between the first and last month, one team's awaiting-assessment count grows by half and
    another's falls by a third."""
    changes = story.sql(
        f"""
        with waiting as (select d, team_id, count(distinct person_id) as people {AWAITING}
                         group by all)
        select team_id,
               max(people) filter (where d = date '{LAST}')
             / max(people) filter (where d = date '{FIRST}') as ratio
        from waiting group by team_id
        having max(people) filter (where d = date '{FIRST}') >= 20
        """
    ).fetchall()
    ratios = [ratio for _, ratio in changes if ratio is not None]
    assert max(ratios) >= 1.5
    assert min(ratios) <= 0.67


def test_a_tail_waits_more_than_six_months(story):
    """At the last month end, some people have waited more than 182 days for an assessment."""
    over_six_months = story.sql(
        f"""
        select count(distinct person_id) {AWAITING}
        where d = date '{LAST}' and d - requested_date > 182
        """
    ).fetchone()[0]
    assert over_six_months >= 20


def test_some_people_are_overdue_a_review(story):
    """Some people on long-term support have had no completed review in over 365 days."""
    overdue = story.sql(
        f"""
        with open_lts as (
            select person_id, min(event_start_date) as since from current_cm_events
            where event_type = 'Service' and service_type like 'Long term support:%'
              and event_start_date <= date '{LAST}'
              and (event_end_date is null or event_end_date > date '{LAST}')
            group by person_id),
        reviewed as (
            select person_id, max(event_end_date) as last_review from current_cm_events
            where event_type = 'Review' and event_status = 'completed'
              and event_end_date <= date '{LAST}'
            group by person_id)
        select count(*) filter (where date '{LAST}' - coalesce(last_review, since) > 365),
               count(*)
        from open_lts left join reviewed using (person_id)
        """
    ).fetchone()
    assert 20 <= overdue[0] <= 0.25 * overdue[1]


def test_complaints_are_mostly_about_contact_and_assessment_delays(story):
    """The two commonest statutory complaint categories are contact and assessment delays."""
    top_two = story.sql(
        """
        select subject_category from current_complaints where procedure = 'asc_statutory'
        group by subject_category order by count(*) desc limit 2
        """
    ).fetchall()
    assert {row[0] for row in top_two} == {"contact_delay", "assessment_delay"}


def test_some_service_lines_forecast_an_overspend(story):
    """In the last ledger, long-term residential care forecasts an overspend and some line an
    underspend, with the department overspent overall."""
    lines = dict(
        story.sql(
            f"""
            select service_line, sum(forecast_outturn) - sum(budget_revised)
            from finance_ledger where as_at = date '{LAST}' group by service_line
            """
        ).fetchall()
    )
    assert lines["lts_residential"] > 0
    assert min(lines.values()) < 0
    assert sum(lines.values()) > 0


def test_provider_invoices_are_often_paid_late(story):
    """Between a fifth and three fifths of paid invoices took more than 30 days from receipt."""
    late_share = story.sql(
        """
        select avg(case when payment_date - invoice_received_date > 30 then 1.0 else 0.0 end)
        from current_provider_invoices where payment_date is not null
        """
    ).fetchone()[0]
    assert 0.2 <= late_share <= 0.6


def test_improvement_actions_slip_and_some_run_overdue(story):
    """In the last snapshot some actions slipped, some are overdue, and every plan is there."""
    slipped, overdue, plans, statements = story.sql(
        f"""
        select count(*) filter (where current_due_date > original_due_date),
               count(*) filter (where status not in ('complete', 'closed')
                                  and current_due_date < as_at),
               count(distinct plan_name), count(distinct cqc_quality_statement)
        from improvement_actions where as_at = date '{LAST}'
        """
    ).fetchone()
    assert slipped >= 5
    assert overdue >= 2
    assert plans == 3
    assert statements == 9
