"""Retrieve, rank and assemble answers from the pledge index."""
from qa.pipeline import QA, QAConfig, SearchResult
from qa.types import Answer, Hit

__all__ = ["QA", "QAConfig", "SearchResult", "Answer", "Hit"]
