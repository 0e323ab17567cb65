"""Words that stand before a name without being part of it: "Secretary of State Mike Pompeo", "Mr Raab".
Follow-ups (rag/condense.py) skip them to find the person; the support check (rag/citations.py) does not
take "President Trump" for a name the model assembled."""

TITLES = frozenset(
    "mr mrs ms dr president prime minister foreign secretary state senator senators professor ambassador "
    "director spokeswoman spokesman chancellor general rep representative".split()
)
