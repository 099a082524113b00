# One image for every caregov service (Airflow components, Celery workers, Superset).
# It installs with the same commands a developer's `make install` runs, from the same locks.
FROM python:3.11-slim-bookworm

# make for the install; Chromium prints the board pack (boardpack/pdf.py) and, through its driver,
# takes Superset's report screenshots; a font for both.
RUN apt-get update \
    && apt-get install -y --no-install-recommends make chromium chromium-driver fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/caregov
COPY . .
RUN make install PYTHON=python3.11 \
    && rm -rf /root/.cache

ENV PATH=/opt/caregov/.venv/bin:$PATH \
    CAREGOV_HOME=/data/caregov \
    AIRFLOW_HOME=/opt/airflow \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/caregov/dags \
    AIRFLOW__CORE__LOAD_EXAMPLES=False

RUN useradd --create-home --uid 50000 caregov \
    && mkdir -p /data/caregov /opt/airflow \
    && chown -R caregov /data/caregov /opt/airflow
USER caregov
