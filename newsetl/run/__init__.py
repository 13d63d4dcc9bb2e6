"""A run as plain functions over batches, one module per stage (no Prefect here: ``flows/`` executes the
same stages as tasks, through the same :func:`newsetl.run.stages.run_stages`).

1. ``planning.plan``          list the sources, skip files the manifest says are unchanged, cut the rest
                              into batches;
2. ``batch.process_batch``    per batch (parallel): read, clean, extract, hash + MinHash, sectors,
                              entities, validate; writes the batch's tables to its work folder;
3. ``dedupe.dedup_batches``   sequential over the batches: exact and near duplicates, within the run and
                              against the warehouse's history; a run calls it through
                              ``finalize.dedup_and_finalize``, which finalizes each decided batch beside it;
4. ``finalize.finish_run``    stamps run ids, casts to ``schemas/``, stages the final files (links those
                              finalized during dedup) and commits one snapshot (``newsetl.load``) after the
                              gate (``gate.check_marts``);
5. ``publish``                the ``newsetl.duckdb`` file and the GX Data Docs.

``recovery`` tidies what a crashed run left, ``reenrich`` re-tags loaded articles (``newsetl enrich``),
``retry`` re-reads quarantined sources, ``local.run_pipeline`` runs it all without Prefect.
"""

from newsetl.run.batch import BatchSummary, process_batch
from newsetl.run.common import work_root
from newsetl.run.dedupe import dedup_batches
from newsetl.run.finalize import finish_run, replaced_sources
from newsetl.run.gate import check_marts
from newsetl.run.local import run_pipeline, warm_imports
from newsetl.run.planning import FileRef, Plan, plan
from newsetl.run.publish import publish_duckdb_file
from newsetl.run.reenrich import reenrich
from newsetl.run.result import RunResult
from newsetl.run.stages import Stages, run_stages

__all__ = [
    "BatchSummary",
    "FileRef",
    "Plan",
    "RunResult",
    "Stages",
    "check_marts",
    "dedup_batches",
    "finish_run",
    "plan",
    "process_batch",
    "publish_duckdb_file",
    "reenrich",
    "replaced_sources",
    "run_pipeline",
    "run_stages",
    "warm_imports",
    "work_root",
]
