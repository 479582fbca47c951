"""Question sets, metrics and reports for retrieval quality."""
