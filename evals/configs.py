"""Named configurations run side by side on the same cases: retrieval-only variants, the full newsrag
pipeline (through the same `rag.stream()` users call) and a naive LangChain RAG baseline."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.embeddings import Embeddings
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder
from langchain_core.runnables import Runnable

import rag
from evals.cases import Case, Suite
from rag.answering.prompt import PROMPT, human_message
from rag.answering.question import choices
from rag.models.llm import LlamaCppChat
from rag.pipeline import Parts
from rag.retrieve import SentenceCache, dense_search, fused_search, hybrid_search, keyword_search
from rag.store.corpus import Corpus
from rag.text import is_refusal
from rag.types import Passage

RETRIEVAL = ("dense", "bm25", "hybrid", "retrieval")
ANSWERING = ("naive", "newsrag", "oracle")
NAMES = RETRIEVAL + ANSWERING
RANK_DEPTH = 10

# LangChain's classic "stuff" question-answering prompt.
NAIVE_TEMPLATE = (
    "Use the following pieces of context to answer the question at the end. If you don't know the answer, "
    "just say that you don't know, don't try to make up an answer.\n\n{context}\n\nQuestion: {question}\n"
    "Helpful Answer:"
)
NAIVE_PROMPT = ChatPromptTemplate.from_template(NAIVE_TEMPLATE)
# The same after the earlier turns as chat messages: LangChain's standard way to give a chain its history.
NAIVE_HISTORY_PROMPT = ChatPromptTemplate.from_messages(
    [MessagesPlaceholder("chat_history"), ("human", NAIVE_TEMPLATE)]
)


@dataclass(slots=True)
class Result:
    case_id: str
    config: str
    ranked: list[str] = field(default_factory=list)  # passage texts, best first
    ranked_titles: list[str] = field(default_factory=list)
    answer: str | None = None
    refused: bool | None = None
    citations: list[dict[str, Any]] = field(default_factory=list)
    prompt_tokens: int | None = None
    t_sources: float | None = None
    t_first_token: float | None = None
    t_total: float | None = None
    confidence: float | None = None
    # newsrag's cited claims as its own support check judged them, before unsupported answers became refusals
    checked: list[dict[str, Any]] = field(default_factory=list)
    fingerprint: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    # newsrag's decision trace: the parsed question, the strategy, the rules that fired and what they did
    trace: dict[str, Any] | None = None


@dataclass(slots=True)
class Context:
    suite: Suite
    parts: Parts
    corpus: Corpus
    llm: Callable[[], BaseChatModel]
    cache: SentenceCache = field(default_factory=SentenceCache)


def make(name: str, ctx: Context) -> Callable[[Case], Result]:
    if name in RETRIEVAL:
        return lambda case: _retrieval(name, case, ctx)
    if name == "newsrag":
        rag.configure(parts=ctx.parts, llm=ctx.llm())
        return lambda case: _newsrag(case, ctx)
    if name == "naive":
        return Naive(ctx)
    if name == "oracle":
        return lambda case: _oracle(case, ctx)
    raise ValueError(f"unknown config {name!r}: choose from {', '.join(NAMES)}")


def _query(case: Case) -> str:
    """Retrieval-only configs cannot call the LLM, so a follow-up is retrieved with its previous question
    prepended (the retrieval query of the chain's "cheap" condense mode)."""
    return f"{case.history[-1][0]} {case.question}" if case.history else case.question


def _retrieval(name: str, case: Case, ctx: Context) -> Result:
    started = time.perf_counter()
    q, k = _query(case), RANK_DEPTH
    if name == "dense":
        passages = dense_search(q, ctx.corpus, ctx.parts, k)
    elif name == "bm25":
        passages = keyword_search(q, ctx.corpus, k)
    elif name == "hybrid":
        passages = fused_search(q, ctx.corpus, ctx.parts, k)
    else:
        passages = [s.passage() for s in hybrid_search(q, ctx.corpus, ctx.parts, k, cache=ctx.cache)]
    return Result(case.id, name, [p.text for p in passages], [p.title for p in passages],
                  t_sources=time.perf_counter() - started)


def count_tokens(llm: BaseChatModel, messages: list[BaseMessage]) -> int:
    """Prompt tokens as the model sees them (the GGUF tokenizer), or ~4 characters a token elsewhere."""
    text = "\n".join(str(m.content) for m in messages)
    overhead = 5 * len(messages)  # chat-template role markers
    if isinstance(llm, LlamaCppChat):
        return llm.count_tokens(text) + overhead
    return len(text) // 4 + overhead


def _newsrag(case: Case, ctx: Context) -> Result:
    result = Result(case.id, "newsrag")
    started = time.perf_counter()
    for event in rag.stream(case.question, history=case.history):
        if isinstance(event, rag.Sources):
            result.t_sources = time.perf_counter() - started
        elif isinstance(event, rag.Token) and result.t_first_token is None:
            result.t_first_token = time.perf_counter() - started
        elif isinstance(event, rag.Answer):
            answer = event
    result.t_total = time.perf_counter() - started
    result.ranked = [p.text for p in answer.passages]
    result.ranked_titles = [p.title for p in answer.passages]
    result.answer, result.refused, result.confidence = answer.text, answer.refused, answer.confidence
    result.citations = [_citation(c) for c in answer.citations]
    result.checked = [_citation(c) for c in answer.checked]
    result.trace = dataclasses.asdict(answer.trace)
    if answer.trace.model_tokens:  # the prompt it was given (an extractive answer prompts nothing)
        previous = case.history[-1][0] if case.history else None
        options = choices(case.question) if answer.trace.spec.get("options") else None
        messages = PROMPT.format_messages(**human_message(case.question, answer.passages, previous, options))
        result.prompt_tokens = count_tokens(ctx.llm(), messages)
    return result


def _citation(citation: rag.Citation) -> dict[str, Any]:
    p = citation.passage
    return {"marker": citation.marker, "supported": citation.supported, "title": p.title, "text": p.text}


def _stream_answer(chain: Runnable[dict[str, Any], str], inputs: dict[str, Any], result: Result,
                   started: float) -> None:
    pieces = []
    for piece in chain.stream(inputs):
        if result.t_first_token is None:
            result.t_first_token = time.perf_counter() - started
        pieces.append(piece)
    result.t_total = time.perf_counter() - started
    result.answer = "".join(pieces).strip()


def _oracle(case: Case, ctx: Context) -> Result:
    """The ceiling: the same model and prompt as newsrag, given only the gold evidence sentences (grouped
    by article) as its passages. An unanswerable question gets no passages."""
    result = Result(case.id, "oracle")
    passages = evidence_passages(case)
    previous = case.history[-1][0] if case.history else None
    inputs = human_message(case.question, passages, previous, choices(case.question))
    llm = ctx.llm()
    result.prompt_tokens = count_tokens(llm, PROMPT.format_messages(**inputs))
    started = time.perf_counter()
    _stream_answer(PROMPT | llm | StrOutputParser(), inputs, result, started)
    answer = result.answer or ""
    result.refused = is_refusal(answer) and "[" not in answer
    result.ranked = [p.text for p in passages]
    result.ranked_titles = [p.title for p in passages]
    markers = dict.fromkeys(int(n) for n in re.findall(r"\[(\d+)\]", answer))
    result.citations = [{"marker": n, "supported": None, "title": passages[n - 1].title,
                         "text": passages[n - 1].text} for n in markers if 0 < n <= len(passages)]
    return result


def evidence_passages(case: Case) -> list[Passage]:
    """Gold evidence as numbered passages: one per article when the suite gives a title per sentence
    (MultiHop), else one per sentence under the case's first title."""
    if len(case.titles) == len(case.evidence):
        grouped: dict[str, list[str]] = {}
        for title, sentence in zip(case.titles, case.evidence, strict=True):
            grouped.setdefault(title, []).append(sentence)
    else:
        title = case.titles[0] if case.titles else ""
        grouped = {f"{title} ({i})" if len(case.evidence) > 1 else title: [s] for i, s in enumerate(case.evidence, 1)}
    return [Passage(f"gold-{i}", f"gold-{i}", title, "gold", None, " ".join(text), 1.0, 0, 0)
            for i, (title, text) in enumerate(grouped.items())]


class _LangChainEmbeddings(Embeddings):
    def __init__(self, parts: Parts) -> None:
        self._embedder = parts.embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [list(map(float, v)) for v in self._embedder.embed(texts, "document")]

    def embed_query(self, text: str) -> list[float]:
        return list(map(float, self._embedder.embed([text], "query")[0]))


OPEN_ANSWER_TOKENS = 400  # naive's answer length on open-ended questions (summaries, timelines, lists)


class Naive:
    """The baseline: raw files, RecursiveCharacterTextSplitter 1000/200, dense top 4, "stuff" prompt."""

    def __init__(self, ctx: Context) -> None:
        from langchain_core.documents import Document
        from langchain_core.vectorstores import InMemoryVectorStore
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from index.load import discover, load_file

        files, _ = discover(ctx.suite.corpus)
        docs = [
            Document(page_content=(f"{d.title}\n\n{d.text}" if d.title else d.text), metadata={"source": d.source})
            for path in files
            for d in load_file(path, path.read_bytes()).docs
        ]
        chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
        store = InMemoryVectorStore(embedding=_LangChainEmbeddings(ctx.parts))
        store.add_documents(chunks)
        self.retriever = store.as_retriever(search_kwargs={"k": 4})
        self.ctx = ctx

    def __call__(self, case: Case) -> Result:
        """A follow-up gets its previous turn the standard way: the previous question joins the retrieval
        query, and the earlier turns go to the prompt as chat messages."""
        result = Result(case.id, "naive")
        started = time.perf_counter()
        docs = self.retriever.invoke(_query(case))
        result.t_sources = time.perf_counter() - started
        inputs: dict[str, Any] = {"context": "\n\n".join(d.page_content for d in docs), "question": case.question}
        prompt = NAIVE_PROMPT
        if case.history:
            prompt = NAIVE_HISTORY_PROMPT
            inputs["chat_history"] = [m for q, a in case.history for m in (HumanMessage(q), AIMessage(a))]
        llm = self.ctx.llm()
        result.prompt_tokens = count_tokens(llm, prompt.format_messages(**inputs))
        # An open-ended question gets room for a full answer: the baseline is not cut off mid-summary.
        model = llm.bind(max_tokens=OPEN_ANSWER_TOKENS) if case.open_ended else llm
        _stream_answer(prompt | model | StrOutputParser(), inputs, result, started)
        result.refused = is_refusal(result.answer or "") or "don't know" in (result.answer or "").lower()
        result.ranked = [d.page_content for d in docs]
        return result
