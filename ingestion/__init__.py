"""The ingest stage: a delivered extract → validated, pseudonymised rows in the Parquet lake.

`load` runs one file through the steps: `landing` (which files are complete), `readers`
(CSV/XLSX into DuckDB), `stream` and `validate` (typed staging, every rule set-wise),
`pseudonymise` (the PII rules), `lake` (the load folder, archive and quarantine) and `ledger`
(one record per delivered file). `contracts` declares every entity and source once.
"""
