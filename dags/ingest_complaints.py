"""The Airflow DAG `ingest_complaints`: loads the complaints extracts (its doc: caregov_dags.ingest_dag.DOC)."""

from __future__ import annotations

from caregov_dags.ingest_dag import make_ingest_dag

ingest_complaints = make_ingest_dag("complaints")
