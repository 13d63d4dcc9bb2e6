"""``newsetl.run.planning``: the batches are cut so that every worker gets the same share."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from newsetl.run.planning import BATCH_MAX_BYTES, files_per_batch, plan
from newsetl.settings import load_settings
from newsetl.store import Warehouse

MB = 1024 * 1024


def _sizes(n_files: int, n_bytes: int, batch_size: int, workers: int) -> list[int]:
    per = files_per_batch(n_files, n_bytes, batch_size, workers)
    full, rest = divmod(n_files, per)
    return [per] * full + ([rest] if rest else [])


def test_an_odd_number_of_full_batches_becomes_an_even_number_of_equal_ones() -> None:
    # 21 batches of 2,000 (the last 1,928) left one worker idle for a batch's time
    assert files_per_batch(41_928, 41_928 * 1000, 2000, 2) == 1906
    assert _sizes(41_928, 41_928 * 1000, 2000, 2) == [1906] * 21 + [1902]


def test_the_input_bytes_decide_when_they_need_more_batches() -> None:
    # 228 MB in 40,000 files: 16 MiB a batch (with a tenth to spare) needs 16 batches, not 10 of 4,000
    assert files_per_batch(40_000, 228 * MB, 4000, 2, 16 * MB) == 2500
    assert files_per_batch(40_000, 228 * MB, 4000, 2, 16 * MB) * 228 * MB // 40_000 <= 16 * MB


def test_sizes_that_already_divide_evenly_are_kept() -> None:
    assert files_per_batch(40_000, 40_000 * 1000, 2000, 2) == 2000
    assert files_per_batch(5, 5000, 2000, 2) == 3  # fewer files than a batch: one batch per worker
    assert files_per_batch(5, 5000, 2, 2) == 2
    assert files_per_batch(0, 0, 2000, 2) == 1


@given(n_files=st.integers(1, 200_000), avg=st.integers(0, 50_000), batch_size=st.integers(1, 5000),
       workers=st.integers(1, 8))
def test_batches_are_full_sized_at_most_and_shared_evenly(n_files: int, avg: int, batch_size: int,
                                                          workers: int) -> None:
    n_bytes = n_files * avg
    sizes = _sizes(n_files, n_bytes, batch_size, workers)
    assert sum(sizes) == n_files
    assert max(sizes) <= batch_size
    # files of the same size: no batch over the byte budget, so _cut_batches cuts none in two
    assert max(sizes) * avg <= BATCH_MAX_BYTES or max(sizes) == 1
    need = max(-(-n_files // batch_size), -(-n_bytes * 10 // (BATCH_MAX_BYTES * 9)), 1)
    n_target = -(-need // workers) * workers
    assert max(sizes) == -(-n_files // min(n_target, n_files))  # as few files each as that many batches allow


def test_plan_cuts_the_folder_into_balanced_batches(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for i in range(7):
        (src / f"a{i}.txt").write_text(f"Title {i}\n\nbody {i}\n", encoding="utf-8")
    settings = load_settings(None, warehouse=str(tmp_path / "wh"), workers=2, batch_size=3)
    p = plan([str(src)], settings, Warehouse.of(settings), "run-1", False)
    # ceil(7 / 3) = 3 batches, rounded up to 4 for two workers: 2 files each (the last 1)
    assert [len(b) for b in p.batches] == [2, 2, 2, 1]
    assert [Path(f.uri).name for b in p.batches for f in b] == [f"a{i}.txt" for i in range(7)]
