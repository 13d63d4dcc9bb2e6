"""Delta Lake (delta-rs) operations on the warehouse's tables: derived schemas, writes, maintenance.

Every table of ``schemas/`` and every mart is one Delta table. Its Delta schema is derived from the
pyarrow schema (never written by hand): Delta has no unsigned integers, so ``uint8/16/32`` are stored in
the next wider signed type (``minhash`` values stay exact) and the readers' views cast them back;
partitioned tables get the ``pub_month`` partition column.

Only ``newsetl.store`` and ``newsetl.load`` call these functions (the writer holds the warehouse lock).
Nothing here calls ``DeltaTable.to_pyarrow_table()``: data is read from ``file_uris()`` with pyarrow or
DuckDB (delta-rs #2184: a process that used it can abort at exit).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa
import pyarrow.dataset as pads

from newsetl import runtime
from newsetl.errors import WarehouseError
from schemas import PARTITION_COLUMN, TABLES

_WIDER = {pa.uint8(): pa.int16(), pa.uint16(): pa.int32(), pa.uint32(): pa.int64()}
READ_BATCH_ROWS = 32_000


def storage_type(t: pa.DataType) -> pa.DataType:
    """The type a value of ``t`` is stored as in Delta (unsigned -> wider signed, recursively)."""
    if t in _WIDER:
        return _WIDER[t]
    if pa.types.is_uint64(t):
        return pa.decimal128(20, 0)
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return pa.list_(pa.field(t.value_field.name, storage_type(t.value_type), t.value_field.nullable))
    if pa.types.is_struct(t):
        return pa.struct([f.with_type(storage_type(f.type)) for f in t])
    if pa.types.is_timestamp(t) and t.unit == "ns":
        return pa.timestamp("us", tz=t.tz)
    return t


def plain_type(t: pa.DataType) -> pa.DataType:
    """``t`` without Arrow view types: delta-rs' delete (DataFusion) and other engines (Polars) write
    ``string_view`` columns, which many pyarrow compute kernels do not take."""
    if pa.types.is_string_view(t):
        return pa.string()
    if pa.types.is_binary_view(t):
        return pa.binary()
    if pa.types.is_list_view(t) or pa.types.is_large_list_view(t) or pa.types.is_list(t) or pa.types.is_large_list(t):
        value = plain_type(t.value_type)
        return pa.list_(pa.field(t.value_field.name, value, t.value_field.nullable))
    if pa.types.is_struct(t):
        return pa.struct([f.with_type(plain_type(f.type)) for f in t])
    return t


def plain(t: pa.Table) -> pa.Table:
    """``t`` with view types cast to their plain forms (see :func:`plain_type`)."""
    target = pa.schema([f.with_type(plain_type(f.type)) for f in t.schema], metadata=t.schema.metadata)
    return t if target.equals(t.schema) else t.cast(target)


def storage_schema_of(schema: pa.Schema) -> pa.Schema:
    return pa.schema([f.with_type(storage_type(f.type)) for f in schema], metadata=schema.metadata)


def table_schema(name: str) -> pa.Schema:
    """The Delta (storage) schema of table ``name``: ``schemas/`` plus the partition column."""
    spec = TABLES[name]
    schema = spec.schema
    if spec.partitioned:
        schema = schema.append(pa.field(PARTITION_COLUMN, pa.string(), nullable=False))
    return storage_schema_of(schema)


def partition_by(name: str) -> list[str] | None:
    return [PARTITION_COLUMN] if name in TABLES and TABLES[name].partitioned else None


def storage_options(uri: str) -> dict[str, str] | None:
    """delta-rs object-store options for ``uri`` (None locally).

    S3: the endpoint comes from ``AWS_ENDPOINT_URL`` (or fsspec's ``FSSPEC_S3_ENDPOINT_URL``), plain HTTP is
    allowed only for an ``http://`` endpoint (a loopback test server), and commits use conditional puts
    (``If-None-Match``): two writers racing for the same log version cannot both win, so no DynamoDB lock
    and no unsafe rename are needed.
    """
    if not uri.startswith(("s3://", "s3a://")):
        return None
    opts = {"aws_conditional_put": "etag"}
    endpoint = os.environ.get("AWS_ENDPOINT_URL") or os.environ.get("FSSPEC_S3_ENDPOINT_URL")
    if endpoint:
        opts["aws_endpoint"] = endpoint
        if endpoint.startswith("http://"):
            opts["aws_allow_http"] = "true"
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if region:
        opts["aws_region"] = region
    return opts


def open_table(uri: str, version: int | None = None) -> Any | None:
    """The Delta table at ``uri`` (at ``version``), or None when there is none."""
    from deltalake import DeltaTable
    from deltalake.exceptions import TableNotFoundError

    runtime.started("delta-rs")
    try:
        return DeltaTable(uri, version=version, storage_options=storage_options(uri))
    except TableNotFoundError:
        return None


def writer_properties() -> Any:
    from deltalake import WriterProperties

    return WriterProperties(compression="ZSTD", max_row_group_size=64_000)


def _commit_properties(run_id: str | None) -> Any:
    from deltalake import CommitProperties

    return CommitProperties(custom_metadata={"newsetl.run_id": run_id}) if run_id else None


def create(uri: str, schema: pa.Schema, parts: list[str] | None, retention_hours: float) -> Any:
    """Create an empty Delta table (``delta.deletedFileRetentionDuration`` tells other engines' VACUUM
    the same retention as newsetl's)."""
    from deltalake import DeltaTable

    hours = max(1, round(retention_hours))
    runtime.started("delta-rs")
    return DeltaTable.create(uri, schema, mode="ignore", partition_by=parts, storage_options=storage_options(uri),
                             configuration={"delta.deletedFileRetentionDuration": f"interval {hours} hours",
                                            "delta.logRetentionDuration": f"interval {max(30 * 24, 2 * hours)} hours"})


def batches(files: list[str], schema: pa.Schema) -> pa.RecordBatchReader:
    """Stream local Parquet ``files`` cast to ``schema`` (bounded memory).

    Arrow's dataset scanner selects and casts (its schema is ``schema``, field docs included), so the
    reader is C++ end to end: delta-rs pulls each batch without taking the GIL, and a Python thread beside
    the write (the Data Docs) does not stall it (measured: a Python generator here made the docs thread
    cost the Delta writes as much as it saved)."""
    ds = pads.dataset(files, format="parquet", schema=schema)
    # no read-ahead: the writer consumes one batch at a time, so the commit's memory stays flat
    return ds.scanner(columns=schema.names, batch_size=READ_BATCH_ROWS, batch_readahead=0,
                      fragment_readahead=0).to_reader()


def cast_reader(reader: pa.RecordBatchReader, schema: pa.Schema) -> pa.RecordBatchReader:
    """``reader``'s batches cast to ``schema`` (streamed)."""

    def gen() -> Iterator[pa.RecordBatch]:
        for b in reader:
            if b.num_rows:
                yield from pa.Table.from_batches([b]).select(schema.names).cast(schema).combine_chunks().to_batches()

    return pa.RecordBatchReader.from_batches(schema, gen())


def write(uri: str, data: pa.RecordBatchReader | pa.Table, *, mode: str, parts: list[str] | None,
          predicate: str | None = None, run_id: str | None = None, schema_mode: str | None = "merge") -> None:
    """One Delta commit: append, overwrite, or replace the rows matching ``predicate`` (replaceWhere)."""
    from deltalake import write_deltalake

    runtime.started("delta-rs")
    data = _with_table_field_metadata(uri, data) if schema_mode == "merge" else data
    try:
        kwargs: dict[str, Any] = {"mode": mode, "partition_by": parts, "schema_mode": schema_mode,
                                  "storage_options": storage_options(uri), "writer_properties": writer_properties(),
                                  "commit_properties": _commit_properties(run_id)}
        if predicate is not None:
            kwargs["predicate"] = predicate
        write_deltalake(uri, data, **kwargs)
    except Exception as exc:
        if type(exc).__name__ in ("CommitFailedError", "DeltaError", "DeltaProtocolError", "SchemaMismatchError"):
            raise WarehouseError(f"Delta table {uri}: {exc}") from exc
        raise


def _with_table_field_metadata(uri: str, data: pa.RecordBatchReader | pa.Table) -> pa.RecordBatchReader | pa.Table:
    """``data`` with the field metadata (column docs) the Delta table already holds for its columns: a doc
    edited in ``schemas/`` must not fail the schema merge ("Cannot merge metadata with different values for
    key doc"); new columns bring their docs."""
    dt = open_table(uri)
    if dt is None:
        return data
    existing = pa.schema(dt.schema().to_arrow())
    fields = [f.with_metadata(existing.field(f.name).metadata) if f.name in existing.names else f for f in data.schema]
    target = pa.schema(fields, metadata=data.schema.metadata)
    if target.equals(data.schema, check_metadata=True):
        return data
    if isinstance(data, pa.Table):
        return data.cast(target)
    return cast_reader(data, target)


def delete(uri: str, predicate: str, run_id: str | None = None) -> int:
    dt = open_table(uri)
    if dt is None:
        return 0
    res = dt.delete(predicate, writer_properties=writer_properties(), commit_properties=_commit_properties(run_id))
    return int(res.get("num_deleted_rows", 0))


def compact(uri: str, partitions: Iterable[str] | None, target_mb: int) -> dict[str, Any]:
    """Merge the small files of ``partitions`` (all when None; a table without partitions as a whole)."""
    dt = open_table(uri)
    if dt is None:
        return {}
    filters = None
    if partitions is not None and dt.metadata().partition_columns:
        parts = sorted(set(partitions))
        if not parts:
            return {}
        filters = [(PARTITION_COLUMN, "in", parts)]
    return dict(dt.optimize.compact(partition_filters=filters, target_size=target_mb * 1024 * 1024,
                                    writer_properties=writer_properties()))


def vacuum(uri: str, retention_hours: float, keep_versions: list[int]) -> list[str]:
    """Remove files replaced more than ``retention_hours`` ago, never those of ``keep_versions``."""
    dt = open_table(uri)
    if dt is None:
        return []
    keep = sorted({v for v in keep_versions if v <= dt.version()})
    return list(dt.vacuum(retention_hours=int(retention_hours), dry_run=False, enforce_retention_duration=False,
                          keep_versions=keep or None))


def untracked_files(uri: str, *, delete: bool) -> list[str]:
    """Data files in the table's folder that no version in its log references (a writer died before its
    commit); removed when ``delete``. Files of every logged version stay (time travel)."""
    dt = open_table(uri)
    if dt is None:
        return []
    versions = [h["version"] for h in dt.history()]
    return list(dt.vacuum(retention_hours=0, dry_run=not delete, enforce_retention_duration=False, full=True,
                          keep_versions=sorted(versions)))


def restore(uri: str, version: int, run_id: str | None = None) -> None:
    dt = open_table(uri)
    if dt is not None:
        dt.restore(version, commit_properties=_commit_properties(run_id))
