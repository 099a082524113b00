"""Realistic but fake personal data, so the platform's PII rules have something real to remove.

Every value is made up from short lists and a seeded random stream. Accented names are limited
to characters Windows-1252 can hold, because messy deliveries are written in that encoding.
"""

from __future__ import annotations

import random

FIRST_NAMES_F = [
    "Margaret",
    "Patricia",
    "Jean",
    "Joan",
    "Barbara",
    "Sheila",
    "Dorothy",
    "Irene",
    "Brenda",
    "Maureen",
    "Christine",
    "Susan",
    "Linda",
    "Elaine",
    "Janet",
    "Carol",
    "Helen",
    "Sarah",
    "Emma",
    "Laura",
    "Rachel",
    "Hannah",
    "Aisha",
    "Fatima",
    "Priya",
    "Amira",
    "Renée",
    "Zoë",
    "Chloé",
    "Siân",
    "Niamh",
    "Aoife",
    "Grace",
    "Olivia",
    "Amelia",
    "Sophie",
    "Megan",
    "Jade",
    "Kerry",
    "Lisa",
]
FIRST_NAMES_M = [
    "John",
    "David",
    "Michael",
    "Peter",
    "Robert",
    "William",
    "James",
    "Brian",
    "Kenneth",
    "Alan",
    "Derek",
    "Raymond",
    "Keith",
    "Stephen",
    "Paul",
    "Mark",
    "Andrew",
    "Richard",
    "Gary",
    "Daniel",
    "Thomas",
    "Oliver",
    "Jack",
    "Harry",
    "Mohammed",
    "Ali",
    "Imran",
    "Rajesh",
    "Arjun",
    "José",
    "André",
    "Seán",
    "Dónal",
    "Björn",
    "Tomás",
    "Kwame",
    "Tunde",
    "Owen",
    "Rhys",
    "Callum",
    "Liam",
]
LAST_NAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Patel",
    "Khan",
    "Ahmed",
    "Hussain",
    "Begum",
    "Singh",
    "Kaur",
    "Shah",
    "Mistry",
    "Okafor",
    "Mensah",
    "Nowak",
    "Kowalski",
    "O'Brien",
    "O'Neill",
    "McCarthy",
    "Murphy",
    "Kelly",
    "Hughes",
    "Edwards",
    "Lewis",
    "Harris",
    "Martin",
    "Cooper",
    "King",
    "Lee",
    "Ward",
    "Turner",
    "Hill",
    "Moore",
    "Clark",
    "Baker",
    "Allen",
    "Young",
    "Mitchell",
    "Campbell",
    "Phillips",
    "Bennett",
    "Gray",
    "Brooks",
    "Price",
    "Fox",
    "Parry",
    "Byrne",
    "Smith-Jones",
    "Brontë",
    "Chávez",
    "Müller",
    "Núñez",
]

# Outward codes of one city's postcode districts; inward codes are random but well formed.
OUTWARD_CODES = [
    "CV1",
    "CV2",
    "CV3",
    "CV4",
    "CV5",
    "CV6",
    "CV7",
    "CV8",
    "CV10",
    "CV11",
    "CV12",
    "CV21",
    "CV22",
    "CV31",
    "CV32",
    "CV34",
    "CV35",
    "CV37",
]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# NI number prefixes: letters D, F, I, Q, U, V never used; O never second; some pairs barred.
_NI_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"
_NI_BARRED = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}

ETHNICITIES = (
    ("White: British", 62),
    ("White: Irish", 3),
    ("White: Any other White background", 7),
    ("Mixed: White and Black Caribbean", 2),
    ("Asian or Asian British: Indian", 8),
    ("Asian or Asian British: Pakistani", 5),
    ("Asian or Asian British: Bangladeshi", 2),
    ("Black or Black British: African", 4),
    ("Black or Black British: Caribbean", 3),
    ("Other Ethnic Group: Any other ethnic group", 1),
    ("Not stated", 3),
)


def nhs_check_digit(nine_digits: str) -> int | None:
    """The NHS number modulus-11 check digit, or None when the nine digits cannot be used."""
    total = sum(
        int(digit) * weight for digit, weight in zip(nine_digits, range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def nhs_number(rng: random.Random) -> str:
    """A ten-digit NHS number that passes the modulus-11 check."""
    while True:
        body = str(rng.randint(400_000_000, 799_999_999))
        check = nhs_check_digit(body)
        if check is not None:
            return f"{body}{check}"


def ni_number(rng: random.Random) -> str:
    """A National Insurance number in the HMRC format, e.g. `JK123456C`."""
    while True:
        prefix = rng.choice(_NI_FIRST) + rng.choice(_NI_SECOND)
        if prefix not in _NI_BARRED:
            return f"{prefix}{rng.randint(0, 999_999):06d}{rng.choice('ABCD')}"


def postcode(rng: random.Random) -> str:
    inward = f"{rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
    return f"{rng.choice(OUTWARD_CODES)} {inward}"


def person_name(rng: random.Random, gender: str) -> tuple[str, str]:
    """(first name, last name) for a gender of `Male`, `Female` or anything else."""
    if gender == "Male" or (gender not in ("Female",) and rng.random() < 0.5):
        first = rng.choice(FIRST_NAMES_M)
    else:
        first = rng.choice(FIRST_NAMES_F)
    return first, rng.choice(LAST_NAMES)


def ethnicity(rng: random.Random) -> str:
    labels, weights = zip(*ETHNICITIES, strict=True)
    return rng.choices(labels, weights)[0]
