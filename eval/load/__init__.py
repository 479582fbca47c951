"""Load test: N concurrent gradio_client clients asking varied questions of the running app.

    python -m eval.load --url http://127.0.0.1:7860 --clients 40 --seconds 60 [--json FILE] [--pid PID]
    python -m eval.load --spawn [--data-dir .nachgefragt] [--app-arg=--queue-size=64] --clients 40 --seconds 60

Each client is one thread with its own `gradio_client.Client` (its own session), asking
through the app's named API endpoint (`/ask`), one question after another (closed loop;
`--think S` pauses a random time of mean S between questions). The clients share one supply of
questions (`asking.py`): every request a different text by default, so none is answered from
the app's cache; `--repeats 0.3` makes 30 % of them popular repeats. `--client http` uses Gradio's plain HTTP API instead of gradio_client (same endpoint,
a fraction of the CPU: on a small machine the clients otherwise compete with the app).
The run is bounded in time (`--seconds`), in requests (`--max-requests`) and per request
(`--timeout`), and only ever talks to a loopback address.

Reported: requests, answers, throughput, latency p50/p95/p99/max of answered requests, errors
(count and the first messages), busy rejections ("queue full", counted apart from errors, with
how fast they came back), and with `--pid` or `--spawn` the app's resident memory (VmRSS, peak
VmHWM) before and after the load and its CPU use during it.

`--spawn` starts `python app.py --port P` on a free loopback port, waits until it answers
(the first start builds the index), runs the load, reads its memory and stops it again, so
one command makes the whole measurement.

`--spawn` also waits for the app's first answer before the clock starts (the page is served
while the model is still loading) and reports memory and CPU of the app and its encoder
process together.

Modules: `stats` (outcomes and their summary), `asking` (what the clients ask), `clients` (gradio_client / plain HTTP, loopback
check), `runner` (the client threads), `cli` (the command line); starting the app as a process
is `eval.appserver`, shared with the tests.
"""
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio_client is imported

from eval.load.clients import CLIENTS, check_loopback, check_payload, classify  # noqa: E402
from eval.load.runner import LoadConfig, run_load  # noqa: E402
from eval.load.stats import Outcome, Summary, summarise  # noqa: E402

__all__ = ["CLIENTS", "LoadConfig", "Outcome", "Summary", "check_loopback", "check_payload", "classify",
           "run_load", "summarise"]
