"""The Airflow DAG `ingest_case_management`: loads the case management extracts (its doc: caregov_dags.ingest_dag.DOC)."""

from __future__ import annotations

from caregov_dags.ingest_dag import make_ingest_dag

ingest_case_management = make_ingest_dag("case_management")
