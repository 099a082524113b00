"""The Airflow DAG `ingest_hr`: loads the hr extracts (its doc: caregov_dags.ingest_dag.DOC)."""

from __future__ import annotations

from caregov_dags.ingest_dag import make_ingest_dag

ingest_hr = make_ingest_dag("hr")
