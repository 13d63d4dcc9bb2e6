"""One exception root for newsetl.

``TerminalError`` marks bad data: the record goes to quarantine and is never retried.
``TransientError`` marks I/O that may heal (a network blip, a file being written): the step is retried.
Every message names the input and, where there is one, the fix.
"""

from __future__ import annotations

from newsetl.reasons import Reason


class NewsetlError(Exception):
    """Root of every error newsetl raises on purpose."""


class ConfigError(NewsetlError):
    """The configuration file or a command-line option is invalid."""


class TerminalError(NewsetlError):
    """A record cannot be processed; it is quarantined with ``reason`` (a :class:`~newsetl.reasons.Reason`)
    and never retried."""

    def __init__(self, reason: Reason, detail: str, source_uri: str | None = None) -> None:
        self.reason = reason
        self.detail = detail
        self.source_uri = source_uri
        where = f"{source_uri}: " if source_uri else ""
        super().__init__(f"{where}{reason}: {detail}")


class TransientError(NewsetlError):
    """I/O that may succeed when tried again (retried by the flow)."""


class WarehouseError(NewsetlError):
    """The warehouse cannot be read or written."""


class WarehouseLockedError(WarehouseError):
    """Another run holds the warehouse lock."""


class OrchestratorError(NewsetlError):
    """Prefect's API server could not be started or reached (the run did nothing yet)."""


class ValidationFailed(NewsetlError):
    """A batch-level expectation failed: the run stops and the warehouse keeps its previous state."""


class PublishFailed(NewsetlError):
    """The run committed its snapshot (its data is in the warehouse), but writing a file derived from it
    after the commit point (``newsetl.duckdb``, the GX Data Docs) failed. ``newsetl run`` exits 3."""

    def __init__(self, snapshot_id: str, summary: str, failures: list[str]) -> None:
        self.snapshot_id = snapshot_id
        self.failures = failures
        super().__init__(f"committed snapshot {snapshot_id} ({summary}); " + "; ".join(failures))


#: what newsetl says on Ctrl-C (exit 130), with Prefect or without
INTERRUPTED = "newsetl: interrupted; the warehouse keeps its last committed state (run again to finish)"
