"""The Airflow DAG `ingest_reference`: loads the reference files (its doc: caregov_dags.ingest_dag.DOC)."""

from __future__ import annotations

from caregov_dags.ingest_dag import make_ingest_dag

ingest_reference = make_ingest_dag("reference")
