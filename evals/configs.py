"""Named configurations run side by side on the same cases: retrieval-only variants, the full newsrag
pipeline (through the same `rag.stream()` users call) and a naive LangChain RAG baseline."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.embeddings import Embeddings
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

import rag
from evals.cases import Case, Suite
from rag.citations import is_refusal
from rag.corpus import Corpus
from rag.llm import LlamaCppChat
from rag.pipeline import Parts
from rag.prompt import PROMPT, human_message
from rag.retrieve import SentenceCache, dense_search, fused_search, hybrid_search, keyword_search

RETRIEVAL = ("dense", "bm25", "hybrid", "retrieval")
ANSWERING = ("naive", "newsrag")
NAMES = RETRIEVAL + ANSWERING
RANK_DEPTH = 10

# LangChain's classic "stuff" question-answering prompt.
NAIVE_PROMPT = ChatPromptTemplate.from_template(
    "Use the following pieces of context to answer the question at the end. If you don't know the answer, "
    "just say that you don't know, don't try to make up an answer.\n\n{context}\n\nQuestion: {question}\n"
    "Helpful Answer:"
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
    error: str | None = None


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
    result.answer, result.refused = answer.text, answer.refused
    result.citations = [
        {"marker": c.marker, "supported": c.supported, "title": c.passage.title, "text": c.passage.text}
        for c in answer.citations
    ]
    if not answer.refused or answer.timings.get("first_token"):
        previous = case.history[-1][0] if case.history else None
        messages = PROMPT.format_messages(**human_message(case.question, answer.passages, previous))
        result.prompt_tokens = count_tokens(ctx.llm(), messages)
    return result


class _LangChainEmbeddings(Embeddings):
    def __init__(self, parts: Parts) -> None:
        self._embedder = parts.embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [list(map(float, v)) for v in self._embedder.embed(texts, "document")]

    def embed_query(self, text: str) -> list[float]:
        return list(map(float, self._embedder.embed([text], "query")[0]))


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
        result = Result(case.id, "naive")
        started = time.perf_counter()
        docs = self.retriever.invoke(case.question)
        result.t_sources = time.perf_counter() - started
        inputs = {"context": "\n\n".join(d.page_content for d in docs), "question": case.question}
        llm = self.ctx.llm()
        result.prompt_tokens = count_tokens(llm, NAIVE_PROMPT.format_messages(**inputs))
        pieces = []
        for piece in (NAIVE_PROMPT | llm | StrOutputParser()).stream(inputs):
            if result.t_first_token is None:
                result.t_first_token = time.perf_counter() - started
            pieces.append(piece)
        result.t_total = time.perf_counter() - started
        result.answer = "".join(pieces).strip()
        result.refused = is_refusal(result.answer) or "don't know" in result.answer.lower()
        result.ranked = [d.page_content for d in docs]
        return result
