"""Storing the index: build, save, load and check an index directory (manifest, passages, FAISS,
BM25, question bank), its freshness and atomic replacement; the German analyser behind BM25."""
