"""Ingestion: list source files and read them into ``RawDoc`` records (pure, Prefect-free).

- :func:`discover` lists the files of local folders/files/globs and fsspec URLs.
- :func:`read_source` reads one listed file; :func:`read_bytes` is its pure core (bytes in, records out).

Bad input never raises: it comes back as ``Rejection`` rows with a machine reason.
"""

from newsetl.ingest.discover import SourceFile, discover
from newsetl.ingest.read import read_bytes, read_source

__all__ = ["SourceFile", "discover", "read_bytes", "read_source"]
