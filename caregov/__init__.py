"""caregov's kernel, which every part may import and which imports no part.

`settings` (where state lives, the secrets), `errors` (who must act), `console` (progress and
logging set-up), `fs` (the one way files are written) — and `sample`, the synthetic council,
which needs nothing else. The stages live in their own packages (`ingestion`, `warehouse`,
`caregov_superset` under `superset/`, the DAGs' glue `caregov_dags` under `dags/`) and the
shell in `cli`. docs/architecture.md draws the parts and their allowed imports.
"""
