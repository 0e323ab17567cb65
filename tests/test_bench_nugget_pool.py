"""`evals.bench.nugget_pool`: where an open answer lost a key point, retrieval or selection."""

from evals.bench.nugget_pool import pool_table
from evals.cases import Case, Nugget

GOLD = "Microsoft made an offer to acquire the video service's operations in the US and Canada."
LATER = "Oracle joined the bidding for TikTok in late August."


def test_nuggets_are_counted_where_they_were_lost_and_test_questions_are_left_out():
    nuggets = (Nugget(("Microsoft",), GOLD), Nugget(("Oracle",), LATER))
    why = Case("w", "open", "Why did they bid?", (), (GOLD, LATER), intent="why", nuggets=nuggets)
    held = Case("h", "open", "Why?", (), (GOLD,), intent="why", nuggets=nuggets[:1], split="test")
    rows = {  # both sentences were retrieved; the answer states one and cites a passage holding neither
        "w": {"answer": "Microsoft bid [1]. Shares rose [2].", "ranked": [GOLD, LATER],
              "citations": [{"text": GOLD}, {"text": "Shares rose on the news of a sale."}]},
        "h": {"answer": "Microsoft bid [1].", "ranked": [GOLD], "citations": [{"text": GOLD}]}}
    assert pool_table([why, held], rows) == [["why", 1, 2, 2, 1, 2, 1]]
