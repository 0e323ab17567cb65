"""Two-part yes/no questions checked one part at a time: which passages each part sees, and the answer."""

from langchain_core.runnables import RunnableLambda

from rag.answering.halves import part_passages, refuted
from rag.answering.outlets import named
from rag.types import Passage


def _passage(n: int, outlet: str, text: str) -> Passage:
    return Passage(f"c{n}", f"a{n}", f"Story {n} — {outlet}", f"{n}.txt", None, text, 1.0, 0, len(text))


PASSAGES = [_passage(1, "The Verge", "Google pays Apple to be the default search engine."),
            _passage(2, "TechCrunch", "Epic Games won its antitrust case against Google."),
            _passage(3, "TechCrunch", "A news publisher sued Google over AI summaries.")]


def outlets(part: str) -> list[str]:
    return named(part, ["The Verge", "TechCrunch"])


def replies(*said: str) -> tuple[RunnableLambda[dict[str, str], str], list[str]]:
    """A stand-in model that answers in turn and keeps the passages each check was shown."""
    shown: list[str] = []
    script = iter(said)

    def reply(inputs: dict[str, str]) -> str:
        shown.append(inputs["context"])
        return next(script)

    return RunnableLambda(reply), shown


def test_each_part_sees_only_the_passages_of_the_outlet_it_names():
    assert part_passages("Does The Verge say Google pays Apple", PASSAGES, outlets) == PASSAGES[:1]
    assert part_passages("TechCrunch reports an antitrust loss?", PASSAGES, outlets) == PASSAGES[1:]
    assert part_passages("Did Google pay Apple", PASSAGES, outlets) == PASSAGES  # no outlet named


def test_the_first_part_that_does_not_hold_answers_no_with_its_reason_citing_the_whole_list():
    model, shown = replies("Yes, it says so [1].", "No, passage [2] says a publisher sued, not Epic.")
    answer = refuted(model, ["Does The Verge say Google pays Apple", "TechCrunch reports Epic lost?"],
                     PASSAGES, outlets)
    assert answer == ("No. The articles do not bear out this part of the question: “TechCrunch reports Epic "
                      "lost?” Passage [3] says a publisher sued, not Epic.")  # [2] of the check's two is [3]
    assert "Epic Games" in shown[1] and "default search engine" not in shown[1]


def test_every_part_holding_leaves_the_question_to_the_whole_answer():
    model, shown = replies("Yes [1].", "Yes, it says so.")
    parts = ["Does The Verge say Google pays Apple", "TechCrunch reports Epic won?"]
    assert refuted(model, parts, PASSAGES, outlets) is None and len(shown) == 2
