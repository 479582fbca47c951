"""Serving many people at once: the encoder in its own process (restarted when it dies), the
micro-batcher sharing encoder passes, and the Answerer in front of the pipeline (queue, timeout)."""
