"""The command line: serve, ask, clauses, eval. Thin click wrappers over qa/ and create_app."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from qa import Assistant, StateStore

from . import SHIPPED_CORPUS, build_assistant, create_app
from .settings import load_settings

# The markers of a heading path (二、 (一) 5 (1) ①), to indent the tree by depth.
PATH_PARTS = re.compile(
    r"第.+?(?:章|部分|篇)|[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]+\)|\d+|[①-⑳]"
)
corpus_option = click.option(
    "--corpus",
    type=click.Path(file_okay=False, path_type=Path),
    help="folder of plans (default: CORPUS_DIR, corpus/)",
)


def corpus_config(corpus: Path | None) -> dict:
    """Settings overrides from the --corpus flag."""
    return {"CORPUS_DIR": str(corpus.resolve())} if corpus else {}


def offline_assistant(corpus: Path | None) -> Assistant:
    """An assistant over the configured corpus, without the web app; warnings go to stderr."""
    assistant = build_assistant(load_settings(corpus_config(corpus)), StateStore(":memory:"))
    for warning in assistant.warnings:
        click.echo(f"warning: {warning}", err=True)
    return assistant


class WholeHelp(click.Group):
    """A command group whose --help lists each command's whole first sentence: click cuts it at 45 characters
    or so ("Answer a question in the terminal (exit 1 when the plans..."), which left half of each unsaid."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and what each does, wrapped to the terminal rather than cut."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=WholeHelp, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """方案问答助手: answers about implementation plans."""


@cli.command()
@click.option("--host", help="address to listen on (default: HOST, 127.0.0.1)")
@click.option("--port", type=int, help="port (default: PORT, 8000)")
@click.option("--threads", type=int, help="waitress worker threads (default: THREADS, 8)")
@corpus_option
def serve(host: str | None, port: int | None, threads: int | None, corpus: Path | None) -> None:
    """Serve the chat page and API with waitress (the default command)."""
    from .server import serve as serve_bounded

    config = corpus_config(corpus)
    config.update(
        {
            name: value
            for name, value in (("HOST", host), ("PORT", port), ("THREADS", threads))
            if value is not None
        }
    )
    try:
        app = create_app(config)
    except ValueError as exc:  # a bad setting: say which, without a traceback
        raise click.ClickException(str(exc)) from None
    host, port = app.config["HOST"], int(app.config["PORT"])
    qa = app.extensions["qa"]
    click.echo(
        f"方案问答助手: {len(qa.clauses)} clauses from {len(qa.documents)} plan(s) "
        f"in {app.config['CORPUS_DIR']}"
    )
    for line in app.extensions.get("startup_notes", []):
        click.echo(line)
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    click.echo(f"Serving on http://{shown}:{port}/  (Ctrl+C to stop)")
    click.echo(admin_note(app, f"http://{shown}:{port}"))
    sys.stdout.flush()
    serve_bounded(app, host, port, int(app.config["THREADS"]), float(app.config["REQUEST_TIMEOUT"]),
                  int(app.config["CONNECTION_LIMIT"]))


@cli.command()
@click.argument("question")
@corpus_option
@click.option("--json", "as_json", is_flag=True, help="print the answer as the API's JSON")
@click.option("--plan", default=None, metavar="方案", help="只在这个方案中查找（方案的 id、简称或地名，如“锡盟”）")
def ask(question: str, corpus: Path | None, as_json: bool, plan: str | None) -> None:
    """Answer a question in the terminal (exit 1 when the plans hold no answer, 2 for an unknown --plan)."""
    assistant = offline_assistant(corpus)
    try:
        answer = assistant.ask(question, "cli", plan=plan)
    except ValueError as exc:  # a --plan no loaded plan answers to
        click.echo(f"错误：{exc}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "answer": answer.answer,
                    "found": answer.found,
                    "intent": str(answer.intent),
                    "units": list(answer.units),
                    "plans": list(answer.plans),
                    "citations": [c.to_dict() for c in answer.citations],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        click.echo(answer.answer)
        if answer.citations and answer.intent == "unit_tasks":
            click.echo(f"（共引用 {len(answer.citations)} 条）")
    sys.exit(0 if answer.found else 1)


@cli.command()
@corpus_option
@click.option("--json", "as_json", is_flag=True, help="one JSON array of clauses")
def clauses(corpus: Path | None, as_json: bool) -> None:
    """Print every clause with its lead and cooperating units."""
    assistant = offline_assistant(corpus)
    if as_json:
        fields = (
            "id",
            "doc",
            "path",
            "title",
            "text",
            "lead",
            "cooperate",
            "deadline",
            "kind",
            "source",
            "lines",
        )
        click.echo(
            json.dumps(
                [{k: c.to_dict()[k] for k in fields} for c in assistant.clauses], ensure_ascii=False, indent=1
            )
        )
        return
    doc = None
    for clause in assistant.clauses:
        if clause.doc != doc:
            doc = clause.doc
            click.echo(f"《{doc}》 ({clause.source})")
        indent = "  " * len(PATH_PARTS.findall(clause.path))
        head = (
            f"{clause.path} {clause.title}".strip()
            if clause.kind != "paragraph" or clause.path
            else clause.title
        )
        click.echo(f"  {indent}{head}  [{clause.id}]")
        if clause.kind == "paragraph":
            click.echo(f"  {indent}  {clause.text[:60]}{'…' if len(clause.text) > 60 else ''}")
        if clause.lead or clause.cooperate:
            click.echo(
                f"  {indent}  牵头: {'、'.join(clause.lead) or '—'}  配合: {'、'.join(clause.cooperate) or '—'}"
                + (f"  时限: {clause.deadline}" if clause.deadline else "")
            )


GOLD_TABLE = "clauses.yaml"  # the responsibility table the contract keeps beside its question sets


@cli.command("eval")
@click.argument("sets", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@corpus_option
@click.option("--min", "minimum", type=float, default=0.0, help="exit 1 when a set's pass rate is below this")
@click.option("-v", "--verbose", is_flag=True, help="list the failures")
def evaluate_sets(sets: tuple[Path, ...], corpus: Path | None, minimum: float, verbose: bool) -> None:
    """Score question sets (YAML) in-process: per-type pass rates and latency."""
    import yaml

    from qa.evaluate import evaluate

    assistant = offline_assistant(corpus)
    worst = 1.0
    for path in sets:
        # the gold table beside a set (the contract's clauses.yaml): a unit's tasks asked without their keys
        table = path.parent / GOLD_TABLE
        gold = yaml.safe_load(table.read_text(encoding="utf-8")) if table.is_file() else None
        report = evaluate(
            assistant, yaml.safe_load(path.read_text(encoding="utf-8")), path.stem, gold if isinstance(gold, dict) else None
        )
        click.echo(f"== {path}")
        click.echo("\n".join(report.lines(verbose)))
        worst = min(worst, report.rate)
    sys.exit(0 if worst >= minimum else 1)


@cli.command()
@corpus_option
@click.option("--summary", "summary_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="print one block for a whole folder instead: documents, task items, items with units, "
                   "annotations not read, role words and unit endings never seen")
def check(corpus: Path | None, summary_dir: Path | None) -> None:
    """Check each plan after adding it: documents, convention, tasks, and what looks wrong (exit 1 when anything
    does)."""
    from qa.reading.check import check_corpus, file_conventions
    from qa.reading.corpus import load_corpus
    from qa.reading.sources import read_corpus
    from qa.reading.summary import summarize

    folder = summary_dir or Path(load_settings(corpus_config(corpus))["CORPUS_DIR"])
    loaded = load_corpus(folder, SHIPPED_CORPUS)
    for warning in loaded.warnings:
        if warning not in loaded.stale_corrections:
            click.echo(f"warning: {warning}", err=True)
    if summary_dir:
        click.echo("\n".join(summarize(loaded.clauses).lines()))
        return
    sources, _ = read_corpus(folder)
    conventions = {s.name: file_conventions(s) for s in sources}
    reports = check_corpus(loaded.clauses, conventions, loaded.stale_corrections,
                           frozenset(loaded.units.canonical_names), {s.name: s.how for s in sources})
    for source in dict.fromkeys(r.source for r in reports):
        mine = [r for r in reports if r.source == source]
        if len(mine) > 1:
            click.echo(f"== {source}：{len(mine)} 份文件")
        for report in mine:
            click.echo("\n".join(report.lines()))
    problems = sum(len(r.problems) for r in reports)
    if not reports:
        click.echo(f"没有读到方案：请把 .txt、.docx、.pdf、.ofd、.doc 或 .wps 格式的方案放进 {folder}，再运行 python app.py check。")
    skipped = [w for w in loaded.warnings if w.startswith("skipped")]  # a file not read at all (a bomb, a .doc …)
    click.echo(f"{len(reports)} 份方案，{problems} 个问题" + (f"，{len(skipped)} 个文件未读入" if skipped else ""))
    sys.exit(1 if problems or skipped or not reports else 0)


@cli.command("set-password")
@click.option("--stdin", "from_stdin", is_flag=True, help="read the password from standard input (one line)")
def set_password(from_stdin: bool) -> None:
    """Set the admin password (/admin): a salted hash is kept in the instance folder, never the password."""
    from .admin.auth import set_password as store_password
    from .settings import instance_dir

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New admin password", hide_input=True, confirmation_prompt=True)
    try:
        path = store_password(instance_dir(load_settings()), password)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Admin password set (a salted hash in {path}). Sessions of the old password are logged out.")


def admin_note(app, address: str) -> str:
    """Where the admin pages are, and how to set their password while none is set (no one can log in then)."""
    from .admin.auth import stored_hash
    from .settings import instance_dir

    line = f"管理后台：{address}/admin/"
    if not stored_hash(instance_dir(app.config)):
        line += "（尚未设置管理密码，无法登录：另开一个终端，在本目录运行 python app.py set-password 设置）"
    return line


def detect_convention(text: str) -> str:
    """The plan-wide duty convention, from qa/reading/duties.py once it reads one ('' before)."""
    from qa.reading import duties

    detect = getattr(duties, "detect_convention", None)
    return detect(text) if detect else ""


def main(argv: list[str]) -> int:
    """Run the command line; serving is the default.

    `python app.py --port 9000` means `python app.py serve --port 9000`.
    """
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["serve", *argv]
    try:
        return cli.main(argv, prog_name="python app.py", standalone_mode=False) or 0
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        return 1
    except BrokenPipeError:  # output piped into head: not an error
        sys.stderr.close()
        return 0
