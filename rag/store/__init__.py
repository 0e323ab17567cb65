"""The store: the catalogue (SQLite: articles, chunks, keyword index), the Chroma vectors, the committed
corpus both make up, and the collections."""
