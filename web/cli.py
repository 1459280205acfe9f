"""The command line: serve, ask, clauses, eval. Thin wrappers over qa/ and create_app."""
from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from pathlib import Path

import yaml

# The markers of a heading path (二、 (一) 5 (1) ①), to indent the tree by depth.
PATH_PARTS = re.compile(r"第.+?(?:章|部分|篇)|[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]+\)|\d+|[①-⑳]")


def _corpus_config(args: argparse.Namespace) -> dict:
    """Settings overrides from the common flags."""
    config = {}
    if getattr(args, "corpus", None):
        config["CORPUS_DIR"] = str(Path(args.corpus).resolve())
    return config


def _assistant(args: argparse.Namespace):
    """An assistant over the configured corpus, without the web app (for the offline commands)."""
    from qa import Assistant, StateStore
    from web.settings import load_settings

    from app import SHIPPED_CORPUS

    settings = load_settings(_corpus_config(args))
    assistant = Assistant.from_folder(settings["CORPUS_DIR"], store=StateStore(":memory:"), knowledge=SHIPPED_CORPUS)
    for warning in assistant.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return assistant


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the assistant with waitress (the production WSGI server)."""
    import waitress

    from app import create_app

    config = _corpus_config(args)
    for flag, name in (("host", "HOST"), ("port", "PORT"), ("threads", "THREADS")):
        if getattr(args, flag, None) is not None:
            config[name] = getattr(args, flag)
    app = create_app(config)
    host, port = app.config["HOST"], int(app.config["PORT"])
    qa = app.extensions["qa"]
    print(f"方案问答助手: {len(qa.clauses)} clauses from {len({c.source for c in qa.clauses})} plan(s) "
          f"in {app.config['CORPUS_DIR']}", flush=True)
    for line in app.extensions.get("startup_notes", []):
        print(line, flush=True)
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    print(f"Serving on http://{shown}:{port}/  (Ctrl+C to stop)", flush=True)
    waitress.serve(app, host=host, port=port, threads=int(app.config["THREADS"]), ident="qa")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer a question in the terminal."""
    assistant = _assistant(args)
    answer = assistant.ask(args.question, "cli")
    if args.json:
        print(json.dumps({"answer": answer.answer, "found": answer.found, "intent": answer.intent,
                          "units": list(answer.units),
                          "citations": [c.to_dict() for c in answer.citations]}, ensure_ascii=False, indent=2))
    else:
        print(answer.answer)
        if answer.citations and answer.intent == "unit_tasks":
            print(f"（共引用 {len(answer.citations)} 条）")
    return 0 if answer.found else 1


def cmd_clauses(args: argparse.Namespace) -> int:
    """Print every clause: one JSON array, or a readable tree with units."""
    assistant = _assistant(args)
    if args.json:
        fields = ("id", "doc", "path", "title", "text", "lead", "cooperate", "deadline", "kind", "source", "lines")
        print(json.dumps([{k: c.to_dict()[k] for k in fields} for c in assistant.clauses],
                         ensure_ascii=False, indent=1))
        return 0
    doc = None
    for clause in assistant.clauses:
        if clause.doc != doc:
            doc = clause.doc
            print(f"《{doc}》 ({clause.source})")
        indent = "  " * len(PATH_PARTS.findall(clause.path))
        head = f"{clause.path} {clause.title}".strip() if clause.kind != "paragraph" or clause.path else clause.title
        print(f"  {indent}{head}  [{clause.id}]")
        if clause.kind == "paragraph":
            print(f"  {indent}  {clause.text[:60]}{'…' if len(clause.text) > 60 else ''}")
        if clause.lead or clause.cooperate:
            print(f"  {indent}  牵头: {'、'.join(clause.lead) or '—'}  配合: {'、'.join(clause.cooperate) or '—'}"
                  + (f"  时限: {clause.deadline}" if clause.deadline else ""))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Score question sets: per-type pass rates and latency."""
    from qa.evaluate import evaluate

    assistant = _assistant(args)
    worst = 1.0
    for path in args.sets:
        items = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        report = evaluate(assistant, items, Path(path).stem)
        print(f"== {path}")
        print("\n".join(report.lines(args.verbose)))
        worst = min(worst, report.rate)
    return 0 if worst >= args.min else 1


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser."""
    parser = argparse.ArgumentParser(prog="python app.py", description="方案问答助手: answers about implementation plans.")
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="serve the chat page and API (the default)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--threads", type=int)
    serve.add_argument("--corpus", help="folder of plans (default: CORPUS_DIR, corpus/)")
    ask = sub.add_parser("ask", help="answer a question in the terminal")
    ask.add_argument("question")
    ask.add_argument("--corpus")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    clauses = sub.add_parser("clauses", help="print the clauses of the corpus")
    clauses.add_argument("--json", action="store_true", help="one JSON array of clauses")
    clauses.add_argument("--corpus")
    ev = sub.add_parser("eval", help="score question sets (YAML) in-process")
    ev.add_argument("sets", nargs="+")
    ev.add_argument("--corpus")
    ev.add_argument("--min", type=float, default=0.0, help="exit 1 when a set's pass rate is below this")
    ev.add_argument("-v", "--verbose", action="store_true", help="list the failures")
    return parser


def main(argv: list[str]) -> int:
    """Run the command line."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["serve", *argv]  # serving is the default: `python app.py --port 9000` means `serve --port 9000`
    args = build_parser().parse_args(argv)
    try:
        return {"serve": cmd_serve, "ask": cmd_ask, "clauses": cmd_clauses, "eval": cmd_eval}[args.command](args)
    except BrokenPipeError:  # output piped into head: not an error
        sys.stderr.close()
        return 0
