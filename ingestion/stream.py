"""One pass over a delivered file: the validating query's result, streamed to Parquet.

DuckDB parses and checks the file (validate.stage_query) and writes the result, in parallel,
to an uncompressed staging Parquet file in the load's work folder (its streaming Arrow export
runs on a single thread, which made it the slowest step). The staged batches are then read
back in file order; each batch's good rows get their pseudonyms and constant metadata and go
straight into the load's `part-0.parquet`, while `validate.Tally` keeps what the file-level
judgement needs. The next batch is read on a helper thread while this one is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import queue
import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ingestion import readers, validate
from ingestion.contracts import Entity
from ingestion.pseudonymise import Pseudonymiser
from ingestion.rejections import FileRejected
from ingestion.settings import Settings

BATCH_ROWS = 128 * 1024


def stream(
    settings: Settings,
    con: duckdb.DuckDBPyConnection,
    path: Path,
    entity: Entity,
    as_at: dt.date,
    record: dict,
    tmp: Path,
    workdir: Path,
) -> tuple[readers.SourceTable, validate.Tally]:
    """Read, validate and pseudonymise in one pass, writing good rows to `tmp`; CSV bytes that
    are not UTF-8 are retried once as Windows-1252."""
    pseudonymiser = Pseudonymiser(settings.pseudonym_key)
    metadata = {
        "_load_id": "CAST(NULL AS VARCHAR)",  # constants filled in per batch, cheaply
        "_as_at": f"DATE '{as_at.isoformat()}'",
        "_source_file": "CAST(NULL AS VARCHAR)",
        "_source_row": "CAST(_source_row AS BIGINT)",
        "_loaded_at": f"TIMESTAMP '{record['started_at'].isoformat(sep=' ')}'",
    }
    for encoding in ("utf-8", "windows-1252"):
        source = readers.open_extract(con, path, entity, workdir, encoding)
        query = validate.stage_query(entity, source.columns, as_at, metadata)
        try:
            constants = {"_load_id": record["load_id"], "_source_file": path.name}
            batches = _staged_batches(con, query, workdir)
            tally = _write_batches(batches, entity, source, pseudonymiser, constants, tmp)
            return source, tally
        except (duckdb.Error, pa.ArrowException) as error:
            problem = readers.explain_csv_error(error, path.name)
            if not isinstance(problem, readers.EncodingFallback) or encoding != "utf-8":
                raise (problem if isinstance(problem, FileRejected) else
                       FileRejected(f"{path.name} could not be read as text.")) from None  # fmt: skip
    raise AssertionError("unreachable")


def _staged_batches(
    con: duckdb.DuckDBPyConnection, query: str, workdir: Path
) -> Iterator[pa.RecordBatch]:
    """Run `query` with DuckDB's parallel Parquet writer into the work folder (DuckDB's
    streaming Arrow export runs on one thread only), then read it back batch by batch.

    The staging file still holds identifiers in clear: it lives in the load's work folder,
    never in the lake, and is deleted with it.
    """
    staged = workdir / "staged.parquet"
    con.execute(
        f"COPY ({query}) TO {validate.lit(str(staged))} (FORMAT parquet, COMPRESSION uncompressed)"
    )
    return pq.ParquetFile(staged).iter_batches(batch_size=BATCH_ROWS)


def _write_batches(
    batches: Iterator[pa.RecordBatch],
    entity: Entity,
    source: readers.SourceTable,
    pseudonymiser: Pseudonymiser,
    constants: dict[str, str],
    tmp: Path,
) -> validate.Tally:
    """Stream the query's batches into part-0.parquet: good rows only, pseudonymised.

    DuckDB computes the next batch on a helper thread while this one is pseudonymised and
    written, so parsing and writing overlap.
    """
    tally = validate.Tally()
    hidden = validate.pseudonymised_columns(entity)
    writer = None
    offset = 0
    try:
        for batch in _prefetched(batches):
            size = batch.num_rows
            if not source.numbers_rows:  # CSV: the header is row 1, records follow in order
                rows = np.arange(offset + 2, offset + 2 + size, dtype=np.int64)
                batch = _replace(batch, "_source_row", pa.array(rows))
                offset += size
            good = tally.add(batch)
            for name in hidden:
                good = _replace(good, name, pseudonymiser(good.column(name)))
            for name, value in constants.items():
                indices = pa.array(np.zeros(good.num_rows, dtype=np.int32))
                good = _replace(good, name, pa.DictionaryArray.from_arrays(indices, [value]))
            if writer is None:
                writer = pq.ParquetWriter(tmp / "part-0.parquet", good.schema)
            writer.write_batch(good)
    finally:
        if writer is not None:
            writer.close()
    return tally


def _replace(batch: pa.RecordBatch, name: str, values: pa.Array) -> pa.RecordBatch:
    return batch.set_column(batch.schema.get_field_index(name), name, values)


def _prefetched(reader: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Iterate `reader` with one batch read ahead on a thread (errors re-raised here)."""
    batches: queue.Queue[object] = queue.Queue(maxsize=2)
    done, stop = object(), threading.Event()

    def pull() -> None:
        try:
            for batch in reader:
                if stop.is_set():
                    return
                batches.put(batch)
        except BaseException as error:  # handed to the consumer, which raises it
            batches.put(error)
        batches.put(done)

    worker = threading.Thread(target=pull, daemon=True)
    worker.start()
    try:
        while (item := batches.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            with contextlib.suppress(queue.Empty):
                batches.get(timeout=0.05)
        worker.join()


def drop_rows(con: duckdb.DuckDBPyConnection, tmp: Path, rows: list[int]) -> None:
    """Rewrite the load without duplicate copies (rare: only files with repeated keys)."""
    con.register("drop_rows", pa.table({"row": pa.array(rows, pa.int64())}))
    part, kept = tmp / "part-0.parquet", tmp / "part-1.parquet"
    con.execute(
        f"""COPY (SELECT * FROM read_parquet('{part}', hive_partitioning = false)
                  WHERE _source_row NOT IN (SELECT row FROM drop_rows) ORDER BY _source_row)
            TO '{kept}' (FORMAT parquet)"""
    )
    part.unlink()
