"""One thread for the numeric libraries the search itself uses: NumPy's OpenBLAS and FAISS's
OpenMP (and its own OpenBLAS).

An answer's search is a few milliseconds of matrix-vector work (1507 passages, 4736 bank
questions). With their default pools, OpenBLAS and OpenMP threads busy-wait for about 0.1 s
after each call, which on a two-core machine is the encoder's CPU: measured (2026-12-07, one
process, OpenVINO queries), an answer cost 220 ms of process CPU for 112 ms of wall time; with
one thread 119 ms for 120 ms. PyTorch's pool (its own libgomp) is left as it is, so an
in-process model or an index build still computes with its threads.
"""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def limit_search_threads(threads: int = 1) -> None:
    """Cap the BLAS pools and FAISS's OpenMP pool of this process at `threads` (process-wide:
    call it at a program's edge, as `qa.service.open_qa` does)."""
    import faiss
    from threadpoolctl import threadpool_limits

    faiss.omp_set_num_threads(threads)
    threadpool_limits(limits=threads, user_api="blas")
    log.debug("search threads limited to %d (BLAS, FAISS OpenMP)", threads)
