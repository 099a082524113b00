"""Local servers for the demo and the tests: Airflow and Superset, each started and stopped whole."""
