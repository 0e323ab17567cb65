"""Words that stand before a name without being part of it: "Secretary of State Mike Pompeo", "Mr Raab".
Follow-ups (rag/answering/condense.py) skip them to find the person; the support check
(rag/answering/citations.py) does not take "President Trump" for a name the model assembled."""

TITLES = frozenset(
    "mr mrs ms dr sir dame lord lady president vice prime minister secretary senator senators governor mayor "
    "professor prof ambassador director spokeswoman spokesman spokesperson chancellor general gen rep "
    "representative judge justice chief ceo chairman chairwoman chair king queen prince princess pope "
    "coach captain commissioner".split()
)
