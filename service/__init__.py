"""newsrag as a service: `newsrag serve` (FastAPI: an OpenAI-compatible chat endpoint, search and article
endpoints behind hashed API keys, the MCP tools at /mcp, the chat window at /chat) and `newsrag mcp` (stdio).

It calls the public pipeline (`rag.pipeline.Pipeline`) and the indexer; nothing below imports it."""
