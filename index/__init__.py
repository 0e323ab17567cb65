"""The offline path: article files -> cleaned, split, de-duplicated articles -> chunks -> Chroma + BM25."""
