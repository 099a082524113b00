"""The Airflow DAG `ingest_finance`: loads the finance extracts (its doc: caregov_dags.ingest_dag.DOC)."""

from __future__ import annotations

from caregov_dags.ingest_dag import make_ingest_dag

ingest_finance = make_ingest_dag("finance")
