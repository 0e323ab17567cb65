"""The Gradio chat window (see issue: the chat window)."""
