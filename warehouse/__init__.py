"""The warehouse stage: dbt builds the marts from the lake, and a green build is published.

`build` orchestrates one `caregov build`: `scope` works out what a nightly build must run,
`runner` runs dbt (through `launcher`) with the paths of `project`, `results` reads what dbt
reports, and `publish` swaps the serving file. `metrics` reads the served metrics back.
"""
