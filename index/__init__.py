"""Parse the programme into pledges, embed them and store the FAISS index."""
from index.sources.parse import parse_corpus, parse_motion, parse_programme
from index.sources.pledge import Citation, Pledge

__all__ = ["Citation", "Pledge", "parse_corpus", "parse_motion", "parse_programme"]
