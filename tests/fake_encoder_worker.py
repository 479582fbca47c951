"""A stand-in for serving/encoder_worker.py with the fake embedder (tests/test_encoder_process.py).

`--model` picks the behaviour: "fake" serves the fake embedder; "fail" reports a load
failure; "hang" never says hello; "die-after-1" exits after its first answer; "slow-load"
takes a second and a half to load (each start); "hello-late" says hello on its first channel at
once and on the others a second later."""
from __future__ import annotations

import argparse
import os
import sys
import time
from multiprocessing.connection import Connection

from fakes import FakeEmbedder

from serving.encoder_worker import serve_all


class DieAfterOne(FakeEmbedder):
    def encode_queries(self, texts):
        if self.calls >= 1:
            os._exit(3)  # as if killed: no clean-up, the sockets just close
        return super().encode_queries(texts)


def main() -> int:
    ap = argparse.ArgumentParser()
    for flag in ("--fd", "--model", "--data-dir", "--dtype", "--threads", "--log-level"):
        ap.add_argument(flag)
    args = ap.parse_args()
    conns = [Connection(int(fd)) for fd in args.fd.split(",")]
    if args.model == "fail":
        for c in conns:
            c.send(("failed", "Embedding model 'fail' is not available locally."))
        return 1
    if args.model == "hang":
        time.sleep(60)
        return 0
    if args.model == "slow-load":
        time.sleep(1.5)
    embedder = DieAfterOne() if args.model == "die-after-1" else FakeEmbedder()
    facts = {"dim": embedder.dim, "dtype": "float32", "query_prompt": "q: ", "passage_prompt": "", "threads": 1}
    for i, c in enumerate(conns):
        if args.model == "hello-late" and i == 1:
            time.sleep(1.0)
        c.send(("ready", facts))
    serve_all(conns, embedder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
