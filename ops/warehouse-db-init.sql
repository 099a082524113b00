-- The regional hub's warehouse (docs/scale-out.md): the DuckLake catalog dbt builds into, and the
-- database the marts are published into for Superset (its read-only role is made at publish).
CREATE DATABASE caregov_catalog;
CREATE DATABASE caregov_serving;
