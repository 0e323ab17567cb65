"""The models: the chat model adapters (llm), the embedder, and the bundled model files."""
