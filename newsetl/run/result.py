"""What a run reports: counts, seconds per stage, where the warehouse is."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RunResult:
    run_id: str
    files_seen: int
    files_read: int
    files_skipped: int
    articles_loaded: int
    duplicates: int
    quarantined: int
    superseded: int
    stage_seconds: dict[str, float]
    warehouse: str
    snapshot_id: str | None
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    kept_versions: int = 0  # changed files whose new version gave no record: their earlier rows stay

    def summary(self) -> str:
        lines = [
            f"run {self.run_id}: {self.files_read} files read ({self.files_skipped} unchanged skipped, "
            f"{self.files_seen} seen)",
            f"  articles loaded: {self.articles_loaded}",
            f"  duplicates:      {self.duplicates}",
            f"  quarantined:     {self.quarantined}"
            + (" (" + ", ".join(f"{k} {v}" for k, v in sorted(self.quarantine_reasons.items())) + ")"
               if self.quarantine_reasons else ""),
        ]
        if self.superseded:
            lines.append(f"  superseded:      {self.superseded} (earlier versions of changed files)")
        if self.kept_versions:
            lines.append(f"  kept:            {self.kept_versions} file(s) rewritten unreadable keep the rows of "
                         f"their last readable version (quarantine reason superseding_version_unreadable)")
        lines.append("  stages: " + ", ".join(f"{k} {v:.2f}s" for k, v in self.stage_seconds.items()))
        lines.append(f"  warehouse: {self.warehouse}")
        return "\n".join(lines)


