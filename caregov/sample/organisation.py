"""The sample council's adult social care department: teams, their service areas and posts.

The base establishment is a city council of about 2,000 jobs. Larger scales repeat the teams
(`Locality North 2`, …) so team sizes stay realistic; smaller scales shrink the posts per team.
Role codes are Skills for Care ASC-WDS main job roles, placed where they belong.
"""

from __future__ import annotations

from dataclasses import dataclass

JOB_TITLES = {
    1: "Director of Adult Social Services",
    2: "Head of Service",
    3: "Team Manager",
    4: "Registered Manager",
    5: "Supervisor",
    6: "Social Worker",
    7: "Senior Care Worker",
    8: "Care Worker",
    15: "Occupational Therapist",
    16: "Registered Nurse",
    23: "Day Opportunities Officer",
    25: "Business Support Officer",
    26: "Domestic Assistant",
    27: "Commissioning Officer",
    35: "Safeguarding Officer",
    36: "Occupational Therapy Assistant",
    39: "Assessment Officer",
    44: "Practice Development Lead",
    45: "Senior Practitioner",
    46: "Performance Analyst",
}

# Roles that carry casework (allocated_worker_id on cm_events points at one of these jobs).
CASEWORK_ROLES = frozenset({6, 15, 36, 39, 45, 35})
OT_ROLES = frozenset({15, 36})


@dataclass(frozen=True)
class Team:
    team_id: str
    team_name: str
    service_area: str
    posts: tuple[tuple[int, int], ...]  # (role code, number of posts) at scale 1
    area: str = ""  # locality the team serves, for case allocation


_BASE: tuple[tuple[str, str, str, str], ...] = (
    # name, service area, locality served, "role:posts ..." at scale 1
    ("Adult Access Team", "front_door", "", "3:1 45:2 6:10 39:16 25:4"),
    ("Locality North", "locality", "north", "3:1 45:2 6:24 39:6 25:2"),
    ("Locality South", "locality", "south", "3:1 45:2 6:24 39:6 25:2"),
    ("Locality East", "locality", "east", "3:1 45:2 6:22 39:5 25:2"),
    ("Locality West", "locality", "west", "3:1 45:2 6:22 39:5 25:2"),
    ("Locality Central", "locality", "central", "3:1 45:2 6:20 39:5 25:2"),
    ("Hospital Discharge Team", "hospital_discharge", "", "3:1 45:2 6:18 39:8 15:3 25:2"),
    ("Occupational Therapy Service", "occupational_therapy", "", "3:1 15:22 36:16 25:2"),
    ("Reablement Service", "reablement", "", "4:1 5:8 7:16 8:150 15:3 25:2"),
    ("Safeguarding Adults Team", "safeguarding", "", "3:1 45:1 6:12 35:5 25:1"),
    ("Learning Disability Team", "locality", "all", "3:1 6:12 39:4 25:1"),
    ("Day Opportunities", "provider_services", "", "4:1 5:4 23:18 8:50"),
    ("Shared Lives and Supported Living", "provider_services", "", "4:2 5:12 7:36 8:400"),
    ("Residential Care Homes", "provider_services", "", "4:3 5:14 7:48 8:450 16:6 26:40"),
    ("Commissioning and Contracts", "commissioning", "", "2:2 3:2 27:24 25:2"),
    ("Business Support", "business_support", "", "3:2 5:4 25:70"),
    ("Senior Leadership Team", "management", "", "1:2 2:10"),
    ("Quality and Performance", "management", "", "3:1 46:8 44:4 25:2"),
)

# Locality served by each locality team, used to route people to the team covering them.
LOCALITIES = ("north", "south", "east", "west", "central")


def teams_for_scale(scale: float) -> tuple[list[Team], float]:
    """The teams at a scale and the posts multiplier per team (replicas * multiplier = scale)."""
    replicas = max(1, round(scale))
    per_team = scale / replicas
    teams: list[Team] = []
    for replica in range(1, replicas + 1):
        suffix = "" if replica == 1 else f" {replica}"
        for number, (name, service_area, area, spec) in enumerate(_BASE, start=1):
            posts = tuple(
                (int(role), int(count))
                for role, count in (item.split(":") for item in spec.split())
            )
            teams.append(
                Team(
                    team_id=f"T{replica:02d}{number:02d}",
                    team_name=f"{name}{suffix}",
                    service_area=service_area,
                    posts=posts,
                    area=area,
                )
            )
    return teams, per_team
