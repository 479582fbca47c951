"""The app's settings as one frozen value, read from flags and environment at the edge.

`AppConfig()` holds the defaults the flags show, so `build_demo`, `python app.py` and the
load tests all run with the same numbers unless told otherwise.
"""
from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path

from index.defaults import DEFAULT_CORPUS, DEFAULT_DATA
from index.models.names import DEFAULT_MODEL
from serving.answerer import BatchConfig

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860


@dataclass(frozen=True, slots=True)
class AppConfig:
    """Where to serve, what to load, and how many questions at once.

    concurrency: page and API events handled at the same time (each waits for its turn in a
    shared encoder batch, so this bounds the batch size too); queue_size: events waiting
    beyond those before the page says "busy"; batch: how the encoder passes are shared
    (serving/answerer.py); top_k: results shown; max_api_top_k: most results `/ask` returns.
    """

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    model: str = DEFAULT_MODEL
    data_dir: Path = DEFAULT_DATA
    corpus: Path = DEFAULT_CORPUS
    concurrency: int = 40
    queue_size: int = 64
    batch: BatchConfig = field(default_factory=BatchConfig)
    top_k: int = 5
    max_api_top_k: int = 20
    cache_size: int = 1024  # answers kept for repeated questions (qa/cache.py); 0 = none
    in_process: bool = False  # load the model in the app's process (slower start, GIL shared)
    encoder: str = "openvino"  # query encoder in the encoder process: openvino (int8 export) or torch
    log_level: str = "INFO"


def parse_args(argv: list[str] | None = None) -> AppConfig:
    """Flags, with host and port also from NACHGEFRAGT_HOST / NACHGEFRAGT_PORT."""
    d = AppConfig()
    parser = argparse.ArgumentParser(description="Nachgefragt: Fragen an das Wahlprogramm 2025 (Web-App).")
    parser.add_argument("--host", default=os.environ.get("NACHGEFRAGT_HOST", d.host),
                        help="address to bind (default 127.0.0.1; env NACHGEFRAGT_HOST)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("NACHGEFRAGT_PORT", d.port)),
                        help="port (default 7860; env NACHGEFRAGT_PORT)")
    parser.add_argument("--model", default=d.model, help="embedding model (default: the offline default)")
    parser.add_argument("--data-dir", type=Path, default=d.data_dir, help="index, model cache and feedback database")
    parser.add_argument("--corpus", type=Path, default=d.corpus, help="folder with the programme sources")
    parser.add_argument("--concurrency", type=int, default=d.concurrency,
                        help=f"questions answered at the same time (default {d.concurrency})")
    parser.add_argument("--queue-size", type=int, default=d.queue_size,
                        help=f"waiting questions before 'busy' (default {d.queue_size})")
    b = d.batch
    parser.add_argument("--max-batch", type=int, default=b.max_batch,
                        help=f"most questions in one encoder pass (default {b.max_batch}; 1 = no batching)")
    parser.add_argument("--batch-wait", type=float, default=b.max_wait,
                        help=f"seconds a question waits for others to share its pass (default {b.max_wait:g})")
    parser.add_argument("--batch-workers", type=int, default=b.workers,
                        help=f"encoder passes running at once (default {b.workers})")
    parser.add_argument("--torch-threads", type=int, default=b.torch_threads,
                        help=f"PyTorch threads per encoder pass (default {b.torch_threads}; 0 = PyTorch's choice)")
    parser.add_argument("--cache-size", type=int, default=d.cache_size,
                        help=f"answers kept for repeated questions (default {d.cache_size}; 0 = no cache)")
    parser.add_argument("--in-process", action="store_true",
                        help="run the model in the app's own process instead of an encoder process")
    parser.add_argument("--encoder", choices=("openvino", "torch"), default=d.encoder,
                        help="query encoder: openvino (int8 weights, exported at set-up; PyTorch where it is "
                             "missing or failed its parity check, and the page says so) or torch (default openvino)")
    parser.add_argument("--log-level", default=os.environ.get("NACHGEFRAGT_LOG", d.log_level))
    a = parser.parse_args(argv)
    if a.concurrency < 1 or a.queue_size < 1 or a.cache_size < 0:
        parser.error("--concurrency and --queue-size must be at least 1, --cache-size at least 0")
    try:
        batch = BatchConfig(max_batch=a.max_batch, max_wait=a.batch_wait, workers=a.batch_workers,
                            torch_threads=a.torch_threads, timeout=b.timeout)
    except ValueError as exc:
        parser.error(str(exc))
    return AppConfig(host=a.host, port=a.port, model=a.model, data_dir=a.data_dir, corpus=a.corpus,
                     concurrency=a.concurrency, queue_size=a.queue_size, batch=batch, cache_size=a.cache_size,
                     in_process=a.in_process, encoder=a.encoder, log_level=a.log_level)


def first_start(config: AppConfig) -> bool:
    """No index yet: the app builds it (minutes) behind the waiting page (ui/building.py)."""
    from index.storage.config import index_name_for

    return not (config.data_dir / index_name_for(config.model) / "manifest.json").exists()


def start_message(config: AppConfig) -> str:
    """The log line at start; it mentions building the index only when there is none yet."""
    note = " (first start: building the index takes a few minutes)" if first_start(config) else ""
    return f"opening model {config.model} and index in {config.data_dir}{note}"
