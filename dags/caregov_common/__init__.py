"""Helpers shared by the caregov DAG files: assets, the landing trigger, policies, notifications.

This folder is listed in `dags/.airflowignore`, so the DAG processor never parses it as DAG
files; the DAG files import it. Nothing here does I/O at import time.
"""
