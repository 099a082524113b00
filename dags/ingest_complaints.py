"""# ingest_complaints

Loads the **complaints** extracts (entities: `complaints`) into the Parquet lake.

- **Starts** by itself within seconds of a complete file arriving in
  `CAREGOV_HOME/landing/complaints/` (Airflow asset watcher on the landing folder; deliver under a
  temporary name — leading `.` or trailing `.part` — and rename). No polling runs.
- **Each run** ingests every waiting file, one mapped task per file: validate, pseudonymise,
  write Parquet, record in the ledger, archive the original. A rejected file fails only its own
  task (reason in the task log, failure notification sent) and is archived with its report in
  `quarantine/`; the other files still load.
- **Emits** one event per loaded file on `raw_<entity>`, extra = entity, load id, file, rows
  loaded and quarantined; those events start `build_warehouse`.
- **Retries** only transient errors, with exponential back-off.
"""

from __future__ import annotations

from caregov_dags.ingest_dag import make_ingest_dag

ingest_complaints = make_ingest_dag("complaints", __doc__)
