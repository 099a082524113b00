"""Writes the HR snapshots (hr_workers, hr_posts) from a simulated workforce, month by month.

A snapshot shows what the HR system knew at its as-at date: jobs in post then (with no leave
date yet, even if the person leaves later) and jobs that ended in the 24 months before it.
"""

from __future__ import annotations

from collections.abc import Callable

from caregov.sample.organisation import JOB_TITLES
from caregov.sample.workforce import Job, Workforce
from caregov.sample.writer import Deliveries


def sickness_days(job: Job, as_at: int) -> float:
    """Sickness days in the 12 months to the as-at date (or to leaving), pro rata to service."""
    end = min(as_at, job.leave) if job.leave is not None else as_at
    days_employed = max(0, end - max(job.start, as_at - 365))
    return round(job.sickness_rate * days_employed / 365, 1)


def write_hr(
    workforce: Workforce,
    workers: Deliveries,
    posts: Deliveries,
    advance: Callable[[float], None] = lambda _n: None,
) -> None:
    """One hr_workers and one hr_posts snapshot per delivered month."""
    tl = workforce.timeline
    jobs = sorted(workforce.jobs, key=lambda j: j.start)
    unchanging = [_unchanging_part(job) for job in jobs]
    for month in range(tl.months):
        as_at = tl.as_at(month)
        ended_after = tl.as_at(month - 24)
        for job, prefix in zip(jobs, unchanging, strict=True):
            if job.start > as_at:
                break
            leave = job.leave
            left = leave is not None and leave <= as_at
            if leave is not None and leave <= min(as_at, ended_after):
                continue
            workers.write(month, prefix + _changing_part(job, as_at, left))
        workers.close_month(month)
        for post in workforce.posts:
            status, since = post.status_at(as_at)
            posts.write(
                month,
                [
                    post.post_id,
                    post.team.team_id,
                    post.role,
                    post.fte,
                    status,
                    since if status.startswith("vacant_") else None,
                ],
            )
        posts.close_month(month)
        advance(1)


def _unchanging_part(job: Job) -> list:
    """The columns up to start_date, which every snapshot shows the same."""
    person_id, full_name, ni_number, dob = job.person
    team = job.team
    return [
        job.job_id,
        person_id,
        full_name,
        ni_number,
        dob,
        team.team_id,
        team.team_name,
        team.service_area,
        job.role,
        _title(job),
        job.status,
        job.hours,
        job.start,
    ]


def _changing_part(job: Job, as_at: int, left: bool) -> list:
    """leave_date … sickness_days_12m as the HR system knew them at `as_at`."""
    seconded = None
    if job.status == "permanent":
        seconded = job.seconded is not None and job.seconded[0] <= as_at < job.seconded[1]
    direct = job.status in ("permanent", "temporary")
    return [
        job.leave if left else None,
        job.reason if left else None,
        job.newly_qualified if direct and job.role == 6 else None,
        seconded,
        sickness_days(job, as_at),
    ]


def _title(job: Job) -> str:
    title = JOB_TITLES.get(job.role, "Officer")
    if job.status == "agency":
        return f"Locum {title}"
    if job.status == "bank_or_pool":
        return f"Relief {title}"
    return title
