"""The Airflow DAG `ingest_improvement_plan`: loads the improvement plan extracts (its doc: caregov_dags.ingest_dag.DOC)."""

from __future__ import annotations

from caregov_dags.ingest_dag import make_ingest_dag

ingest_improvement_plan = make_ingest_dag("improvement_plan")
