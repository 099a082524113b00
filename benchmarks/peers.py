"""The peers `make bench` measures caregov against: what a user would pick instead.

Each is a module run as its own process the way its users run it, from the benchmark-only
dependency group `bench` (pyproject.toml). The report names every peer with the versions of the
libraries it ran on.
"""

from __future__ import annotations

import importlib.metadata

# Ingest peers: name -> module run as `python -m module CSV OUT_DIR`.
PEERS = {"polars + pandera": "benchmarks.peer_polars"}
LIBRARIES = {"polars + pandera": ("polars", "pandera")}


def peer_versions(name: str) -> str:
    """`polars 2.1.0, pandera 0.35.0` for the peer `name`."""
    return ", ".join(f"{lib} {importlib.metadata.version(lib)}" for lib in LIBRARIES[name])


INGEST_NOTES = (
    "polars + pandera (`benchmarks/peer_polars.py`) does every check caregov does on the"
    " cm_events file — types, required columns, enumerations (any case), ranges, the"
    " spreadsheet-formula rule, the eleven cross-field rules, exact duplicates collapsed and"
    " conflicting keys quarantined, the 5 % rejection rule — and writes the same keyed HMAC"
    " pseudonyms and the same lake columns to Parquet; the bench refuses a ratio unless its"
    " lake holds exactly caregov's rows. It does not archive the delivered file, keep a load"
    " ledger, commit exactly once across a crash, detect the encoding, normalise header names"
    " or read XLSX: caregov does all of these inside its measured time.",
    "dlt was not timed: its schema contracts decide which tables, columns and data types may"
    " change (evolve, freeze, discard), not enumerations, ranges, cross-field rules or"
    " duplicate keys, and it has no keyed pseudonymisation; doing the contract with dlt means"
    " validating every row in Python (a Pydantic model per row) before dlt normalises and"
    " writes it, work the vectorised polars peer does column-wise.",
    "pandas + pandera was not timed: the same schema on pandas runs on one core where polars"
    " uses every core; the figure is against the fastest peer, and polars is the faster one.",
)
