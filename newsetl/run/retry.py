"""``newsetl quarantine retry``: run the pipeline again on the quarantined sources that still exist."""

from __future__ import annotations

from newsetl.quarantine import POLICY_REASONS, reasons_by_source
from newsetl.run.local import run_pipeline
from newsetl.settings import load_settings
from newsetl.store import Warehouse


def retry(warehouse: str, config: str | None, reason: str | None = None) -> str:
    """Run the pipeline again on the quarantined sources that still exist (after a fix)."""
    import fsspec

    settings = load_settings(config, warehouse=warehouse)
    wh = Warehouse.of(settings)
    by_source = {u: rs for u, rs in reasons_by_source(wh).items() if reason is None or reason in rs}
    policy: frozenset[str] = frozenset() if settings.ingest.follow_symlinks_outside_root else POLICY_REASONS
    sources = sorted(u for u, rs in by_source.items() if not rs & policy)
    held = len(by_source) - len(sources)
    note = (f"; {held} source(s) quarantined as symlink_outside_root not retried (set "
            f"ingest.follow_symlinks_outside_root: true in the config to read them)") if held else ""
    present = [s for s in sources if fsspec.core.url_to_fs(s)[0].exists(s)]
    if not present:
        return f"nothing to retry ({len(sources)} quarantined sources, none present{note})"
    res = run_pipeline(present, settings, retry_quarantined=True)
    return res.summary() + (f"\n  note: {note[2:]}" if note else "")
