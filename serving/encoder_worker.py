"""The encoder process: loads the embedding model and embeds what the app sends it.

Started by `serving.encoder_process.ProcessEmbedder` as `python -m serving.encoder_worker --fd
N[,M…] …` with one end of one socket pair per channel; each channel is served by its own
thread, so the app's batch workers run their passes at the same time (PyTorch releases the
GIL while it multiplies: 2 threads × 1 PyTorch thread gave 35 questions/s here, 1 thread ×
2 PyTorch threads 29). Why a process: the model's forward pass and the web
server's event loop in one process share one GIL; measured here, a Python thread 40 % busy
slows a batch of 8 by 1.6×, another process by 1.0× (docs/reliability.md). And the app can
serve its page while this process is still importing PyTorch and loading the model.

Messages (pickled, `multiprocessing.connection`): on each channel the worker first sends
("ready", facts) or ("failed", message); then answers ("queries", texts) and ("passages", (texts,
show_progress, titles)) with ("ok", float32 array) or ("error", message); ("stop", None)
or the app closing its end ends it.
"""
from __future__ import annotations

import argparse
import logging
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

log = logging.getLogger("serving.encoder_worker")


def serve(conn: Connection, embedder: Any) -> None:
    """Answer requests until told to stop or the other end goes away."""
    while True:
        try:
            kind, payload = conn.recv()
        except (EOFError, OSError):
            return
        if kind == "stop":
            return
        try:
            if kind == "queries":
                out = embedder.encode_queries(list(payload))
            elif kind == "passages":
                texts, show_progress, titles = payload
                out = embedder.encode_passages(list(texts), show_progress=show_progress, titles=titles)
            else:
                raise ValueError(f"unknown request {kind!r}")
            conn.send(("ok", out))
        except Exception as exc:  # noqa: BLE001 - the app gets the message, the worker lives on
            log.exception("request %s failed", kind)
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


def serve_all(conns: list[Connection], embedder: Any) -> None:
    """Serve every channel from its own thread until all are done."""
    threads = [threading.Thread(target=serve, args=(conn, embedder), daemon=True) for conn in conns]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m serving.encoder_worker", description=__doc__.splitlines()[0])
    ap.add_argument("--fd", required=True, help="sockets to the app (inherited), comma-separated: one per channel")
    ap.add_argument("--model", required=True, help="resolved model path or name")
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--dtype", default="auto")
    ap.add_argument("--threads", type=int, default=0, help="PyTorch threads (0 = its default)")
    ap.add_argument("--encoder", choices=("torch", "openvino"), default="torch",
                    help="query encoder (openvino: the export in --encoder-dir, chosen by the app)")
    ap.add_argument("--encoder-dir", default="", help="the OpenVINO export's folder")
    ap.add_argument("--log-level", default="INFO")
    args = ap.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s encoder: %(message)s")
    conns = [Connection(int(fd)) for fd in args.fd.split(",")]
    try:
        from serving.worker_embedder import load_embedder

        loaded = load_embedder(args.model, args.data_dir, args.dtype, args.encoder, args.encoder_dir, args.threads,
                               len(conns))
        embedder = loaded.embedder
        embedder.encode_queries(["Aufwärmen"])  # the first pass is slow: not for the first person
        facts = {"dim": embedder.dim, "dtype": loaded.dtype, "query_prompt": embedder.query_prompt,
                 "passage_prompt": embedder.passage_prompt, "threads": loaded.threads, "encoder": loaded.encoder}
    except Exception as exc:  # noqa: BLE001 - any failure to load is reported, not a traceback
        message = str(exc) if exc.__class__.__name__ == "ModelNotAvailableError" else f"{type(exc).__name__}: {exc}"
        for conn in conns:
            try:
                conn.send(("failed", message))
            except OSError:
                pass
        return 1
    try:
        for conn in conns:
            conn.send(("ready", facts))
    except OSError:  # the app is gone already
        return 0
    log.info("model ready (%s, %d threads, %d channels)", facts["encoder"], facts["threads"], len(conns))
    serve_all(conns, embedder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
