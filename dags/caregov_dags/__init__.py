"""The Airflow glue the DAG files share: assets, the landing watcher, task policy, notifications.

Thin by rule: tasks call `ingestion`, `warehouse` and `caregov_superset`'s public functions
(`sync`, `upkeep`); no warehouse or Superset logic lives here. This folder is listed in
`dags/.airflowignore`, so the DAG processor never parses it as DAG files; it is installed with
the project, so it imports without path tricks. Nothing here does I/O at import time.
"""
