"""`newsrag` command line: index, ask, chat, eval, collections, serve, keys, mcp. Settings are resolved once,
here; this module wires `index`, `rag`, `ui`, `evals` and `service` (none of them imports it)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from evals.cases import SPLITS
from newsrag import BUNDLED_ARTICLES
from newsrag.jsonable import jsonable as _jsonable
from newsrag.service_cli import keys, mcp, serve, service_commands
from rag.config import Settings


def _common() -> argparse.ArgumentParser:
    """Options every command takes, before or after its name (SUPPRESS: a command's unset option must not
    overwrite one given before it)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", type=Path, default=argparse.SUPPRESS,
                        help="where the indexes live (env NEWSRAG_HOME)")
    common.add_argument("--collection", default=argparse.SUPPRESS,
                        help="which collection (env NEWSRAG_COLLECTION; default: newsrag)")
    common.add_argument("--chroma-url", default=argparse.SUPPRESS,
                        help="use a Chroma server instead of the embedded store")
    return common


def _parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(prog="newsrag", description=__doc__, parents=[common])
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, parents=[common])

    idx = command("index", "index article files and folders (incremental)")
    idx.add_argument("paths", nargs="*", type=Path, help="files or folders (default: bundled samples)")
    idx.add_argument("--rebuild", action="store_true", help="start the index over")
    idx.add_argument("--json", action="store_true", help="print the report as one JSON object")

    ask = command("ask", "answer a question from the indexed articles")
    ask.add_argument("question")
    ask.add_argument("-k", type=int, help="number of passages")
    ask.add_argument("--json", action="store_true")

    chat = command("chat", "open the chat window (Gradio); indexes the samples if the index is empty")
    chat.add_argument("--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1, this machine only)")
    chat.add_argument("--port", type=int, default=7860)
    chat.add_argument("--auth-file", type=Path,
                      help="logins, `user:password` per line (env NEWSRAG_AUTH_FILE); needed off this machine")
    chat.add_argument("--no-auth", action="store_true", help="serve off this machine without a login (not advised)")

    ev = command("eval", "score a suite of questions under one or more configs")
    ev.add_argument("suite", help="seed, news, multihop, rgb, rgb_counterfactual, or a .jsonl question file")
    ev.add_argument("--corpus", type=Path, action="append",
                    help="articles a question file is about (repeat); without it, a question file is asked of "
                         "the collection as indexed")
    ev.add_argument("--split", choices=SPLITS, default="all",
                    help="which split to run (dev2: a former test split, seen while choosing)")
    ev.add_argument("--reason", help="why a test split is run (recorded in docs/eval/ledger.jsonl)")
    ev.add_argument("--config", action="append",
                    help="dense, bm25, hybrid, retrieval, naive, newsrag, oracle (repeat)")
    ev.add_argument("--limit", type=int, help="only the first N questions (of the split)")
    ev.add_argument("--report", type=Path, default=Path("reports"), help="report folder (default: reports/)")
    ev.add_argument("--strict", action="store_true", help="exit 1 when any question ended in an error")
    ev.add_argument("--judge-url", help="grade answers with an LLM: an OpenAI-compatible URL, or 'local'")
    ev.add_argument("--judge-model", help="model name at --judge-url")
    ev.add_argument("--judge-key", help="API key for --judge-url")
    ev.add_argument("--judge", type=int, default=0, help="also audit N of newsrag's citations with the judge")
    ev.add_argument("--ablate", help="turn these rules or rule families off (comma-separated; see "
                                     "rag/answering/policy.py)")
    ev.add_argument("--base", type=Path, help="with --ablate: the report folder of a run without it; only the "
                                              "questions on which an ablated rule fired are asked again")
    ev.add_argument("--policy", choices=["auto", "small", "strong", "off"], help="answer_policy for this run")

    fb = command("feedback", "the ratings and corrections given in the chat window")
    fb.add_argument("action", choices=["export"], help="export: write them as `newsrag eval` questions")
    fb.add_argument("out", type=Path, help="the question file to write (.jsonl)")

    cols = command("collections", "list the collections (articles, chunks, last indexed, embedding model)")
    cols.add_argument("--delete", metavar="NAME", help="delete collection NAME (its articles and vectors)")
    cols.add_argument("--json", action="store_true")
    service_commands(command, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.load({"home": getattr(args, "home", None), "chroma_url": getattr(args, "chroma_url", None),
                                  "collection": getattr(args, "collection", None), "k": getattr(args, "k", None),
                                  "ablate": getattr(args, "ablate", None),
                                  "answer_policy": getattr(args, "policy", None)})
        if settings.ablate or settings.answer_policy != "auto":
            from rag.answering.policy import policy_for

            policy_for(settings)  # an unknown rule or policy is an error here, not after the index is built
    except ValueError as exc:
        print(f"newsrag: {exc}", file=sys.stderr)
        return 2
    if args.command == "collections":
        return _collections(args, settings)
    if args.command == "feedback":
        return _feedback(args, settings)
    if args.command == "index":
        return _index(args, settings)
    if args.command == "chat":
        return _chat(args, settings)
    if args.command == "eval":
        return _eval(args, settings)
    if args.command in {"serve", "keys", "mcp"}:
        return {"serve": serve, "keys": keys, "mcp": mcp}[args.command](args, settings)
    return _ask(args, settings)


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from evals.ledger import UncommittedCodeError
    from evals.runner import Judge, run

    judge = None
    if args.judge_url or args.judge:
        judge = Judge(args.judge_url or "local", args.judge_model, args.judge_key, args.judge)
    try:
        path, errors = run(args.suite, args.config or ["retrieval", "newsrag"], settings, args.report, args.limit,
                           progress=sys.stderr.isatty(), split=args.split, corpus=args.corpus, judge=judge,
                           reason=args.reason, base=args.base)
    except (ValueError, UncommittedCodeError) as exc:
        print(f"newsrag eval: {exc}", file=sys.stderr)
        return 2
    print(re.split(r"^## By (?:intent|question type)", path.read_text("utf-8"), maxsplit=1, flags=re.M)[0])
    print(f"report: {path}")
    if errors:
        print(f"{errors} question(s) ended in an error (counted as wrong; see the report)", file=sys.stderr)
    return 1 if errors and args.strict else 0


def _index(args: argparse.Namespace, settings: Settings) -> int:
    from index.pipeline import index_paths
    from rag.parts import build_parts
    from rag.store.catalogue import DamagedIndexError

    paths = args.paths or [BUNDLED_ARTICLES]
    try:
        report = index_paths(paths, build_parts(settings), rebuild=args.rebuild, progress=sys.stderr.isatty())
    except DamagedIndexError as exc:
        print(f"newsrag: {exc}", file=sys.stderr)
        return 2
    for error in report.errors:
        print(f"skipped {error.path}: {error.error}", file=sys.stderr)
    for warning in report.warnings:
        print(f"warning {warning['path']}: {warning['warning']}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_json()))
    else:
        print(
            f"{report.articles} articles from {report.files} files ({report.duplicates} duplicates skipped, "
            f"{report.boilerplate_lines} boilerplate lines removed); {report.chunks_added} chunks added, "
            f"{report.chunks_removed} removed"
            + (f", {report.orphans_removed} orphan vectors removed" if report.orphans_removed else "")
            + f"; {len(report.errors)} errors; {report.seconds:.1f} s"
        )
        for dup in report.duplicate_articles:
            kind = "copy" if dup["exact"] else "near-copy"
            print(f"  {kind} skipped: {dup['title']!r} in {dup['source']}")
    return 0


def _collections(args: argparse.Namespace, settings: Settings) -> int:
    from index.remove import NotIndexedError, delete_collection
    from rag.parts import build_parts
    from rag.store.collections import for_collection, list_collections
    from ui.render import utc_time

    if args.delete is not None:  # `--delete ""` is a missing name, not a listing
        try:
            delete_collection(build_parts(for_collection(settings, args.delete)))
        except (ValueError, NotIndexedError) as exc:
            print(f"newsrag collections: {exc}", file=sys.stderr)
            return 2
        print(f"deleted collection {args.delete!r}")
        return 0
    found = list_collections(settings)
    if args.json:
        print(json.dumps([_jsonable(c) | {"folder": str(c.folder)} for c in found]))
        return 0
    print(f"{'collection':<20} {'articles':>8} {'chunks':>7}  {'last indexed':<25} embedding model")
    for c in found:
        when = utc_time(c.last_indexed, "-")
        print(f"{c.name:<20} {c.articles:>8} {c.chunks:>7}  {when:<25} {c.embed_model or '-'}"
              + (f"  (cannot be read: {c.error})" if c.error else ""))
    return 0


def _feedback(args: argparse.Namespace, settings: Settings) -> int:
    from evals.feedback import to_cases, write
    from ui.conversations import Conversations

    store = Conversations(settings.folder)
    export = to_cases(store.feedback())
    store.close()
    write(export, args.out)
    print(f"{len(export.cases)} question(s) written to {args.out}; replay them with "
          f"`newsrag eval {args.out} --collection {settings.collection} --config newsrag`")
    for why in export.skipped:
        print(f"left out {why}", file=sys.stderr)
    return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    import rag
    from rag.answering.prompt import format_date
    from rag.limits import InputTooLongError
    from rag.models.files import ModelUnavailableError
    from rag.models.llm import LLMError
    from rag.pipeline import Pipeline
    from rag.store.catalogue import DamagedIndexError
    from rag.store.corpus import EmptyIndexError

    pipeline = Pipeline(settings)
    live = sys.stdout.isatty() and not args.json  # stream tokens to a terminal; print the final text otherwise
    streamed = ""
    try:
        for event in pipeline.stream(args.question, k=settings.k):
            if isinstance(event, rag.Token) and live:
                streamed += event.text
                print(event.text, end="", flush=True)
            elif isinstance(event, rag.Answer):
                answer = event
    except (EmptyIndexError, DamagedIndexError, LLMError, ModelUnavailableError, InputTooLongError) as exc:
        print(f"newsrag: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(_jsonable(answer), ensure_ascii=False))
        return 0
    if live:
        # The final text has its markers checked and repaired; show it if it differs from the stream.
        print("" if answer.text == streamed.strip() else f"\n\n{answer.text}")
    else:
        print(answer.text)
    for c in answer.citations:
        p = c.passage
        mark = "" if c.supported else "  (not supported by this passage)"
        print(f"[{c.marker}] {p.title} ({format_date(p)}; {Path(p.source).name}){mark}\n    {p.text}")
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    import os

    from ui.app import serve
    from ui.auth import AuthError, login_for

    auth_file = args.auth_file or (Path(os.environ["NEWSRAG_AUTH_FILE"]) if os.environ.get("NEWSRAG_AUTH_FILE")
                                   else None)
    try:
        logins, warning = login_for(args.host, auth_file, args.no_auth)
    except AuthError as exc:
        print(f"newsrag chat: {exc}", file=sys.stderr)
        return 2
    if warning:
        print(f"newsrag chat: {warning}", file=sys.stderr)
    from rag.store.catalogue import DamagedIndexError

    try:
        serve(settings, host=args.host, port=args.port, samples=BUNDLED_ARTICLES, auth=logins)
    except DamagedIndexError as exc:
        print(f"newsrag chat: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
