"""The command line: ask, chat, check, eval, serve, review, and catalog import."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from assistant.errors import KnowledgeError
from assistant.knowledge import DEFAULT_KNOWLEDGE_DIR

PROG = "course-assistant"


def _bold(text: str, tty: bool) -> str:
    parts = text.split("**")
    if len(parts) % 2 == 0:      # unbalanced markers: leave the text as it is
        return text
    return "".join(("\033[1m" + p + "\033[0m" if tty else p) if i % 2 else p for i, p in enumerate(parts))


def format_reply(reply: dict, tty: bool = False) -> str:
    """A reply as readable text: the answer, course cards, a comparison table, sources, suggestions."""
    lines = [_bold(reply["text"], tty), ""]
    comparison = reply.get("comparison")
    if comparison:
        titles = [c["title"] for c in comparison["courses"]]
        width = max(len(r["label"]) for r in comparison["rows"]) + 2
        lines.append(" " * width + " | ".join(t[:32] for t in titles))
        for row in comparison["rows"]:
            lines.append(row["label"].ljust(width) + " | ".join(str(v)[:32] for v in row["values"]))
        lines.append("")
    else:
        for number, course in enumerate(reply.get("courses", []), start=1):
            facts = [course["provider"]]
            if course.get("organization"):
                facts.append(course["organization"])
            facts.append(course["level"])
            if course.get("rating") is not None:
                out_of_five = course["rating"] * 5 / (course.get("rating_scale") or 5)
                facts.append(f"rated {out_of_five:g}/5")   # one scale, as the reply text says it
            if course.get("free"):
                facts.append("free")
            lines.append(f"{number:>2}. {_bold('**' + course['title'] + '**', tty)}")
            lines.append("    " + " · ".join(facts))
            if course.get("why"):
                lines.append(f"    why: {course['why']}")
            if course.get("url"):
                lines.append(f"    {course['url']}")
        if reply.get("courses"):
            lines.append("")
    if reply.get("sources"):
        # A FAQ entry and the roadmap section it cites can share an anchor: name each once.
        cited = {s.get("section", s["id"]): s["title"] for s in reply["sources"]}
        lines.append("Sources: " + "; ".join(f"{title} (#{anchor})" for anchor, title in cited.items()))
    if reply.get("suggestions"):
        lines.append("Try: " + " | ".join(reply["suggestions"]))
    return "\n".join(lines).rstrip() + "\n"


def _load(args):
    from assistant.engine import Assistant
    return Assistant.load(args.knowledge)


def cmd_ask(args) -> int:
    bot = _load(args)
    session_id = None
    reply = None
    for question in args.question:
        session_id, reply = bot.respond(session_id, question)
        if not args.json:
            if len(args.question) > 1:
                print(f"> {question}")
            print(format_reply(reply, sys.stdout.isatty()))
    if args.json:
        print(json.dumps(reply, ensure_ascii=False, indent=2))
    return 0


def cmd_chat(args) -> int:
    bot = _load(args)
    session_id, greeting = bot.welcome(None)
    print(format_reply(greeting, sys.stdout.isatty()))
    while True:
        try:
            line = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if line.lower() in ("quit", "exit", ":q"):
            return 0
        if not line:
            continue
        session_id, reply = bot.respond(session_id, line)
        print(format_reply(reply, sys.stdout.isatty()))


def cmd_check(args) -> int:
    from assistant.brain import Brain
    from assistant.knowledge import load_knowledge
    started = time.perf_counter()
    knowledge = load_knowledge(args.knowledge)
    loaded = time.perf_counter()
    brain = Brain(knowledge)
    indexed = time.perf_counter()
    counts = knowledge.counts()
    counts["load_seconds"] = round(loaded - started, 3)
    counts["index_seconds"] = round(indexed - loaded, 3)
    if args.cache is not None:
        from assistant.brain_cache import save_brain
        # Built now, so that the next server start only loads it (see docs/SERVING.md).
        counts["cache_file"] = str(save_brain(brain, args.knowledge, args.cache or None))
    if args.json:
        print(json.dumps(counts, ensure_ascii=False, indent=2))
    else:
        print(f"Knowledge in {args.knowledge or DEFAULT_KNOWLEDGE_DIR} is valid.")
        for key, value in counts.items():
            if isinstance(value, dict):
                value = ", ".join(f"{k} {v}" for k, v in value.items())
            print(f"  {key.replace('_', ' ')}: {value}")
    return 0


def cmd_eval(args) -> int:
    if args.real is not None:
        return _eval_real(args)
    from assistant.evaluation import format_report, run_evaluation
    report = run_evaluation(args.knowledge, Path(args.data), Path(args.negatives) if args.negatives else None)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


def _eval_real(args) -> int:
    from assistant.real_questions import (DEFAULT_REAL_QUESTIONS, format_real, load_expectations,
                                          load_real_questions, run_real)
    path = Path(args.real) if args.real else DEFAULT_REAL_QUESTIONS
    questions = load_real_questions(path)
    if questions is None:
        print(f"{PROG}: skipped: no real questions at {path} (they live outside the project, in "
              "../shared/data/real-questions/dev.yaml)")
        return 0
    report = run_real(_load(args), questions, load_expectations())
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else format_real(report))
    return 0


PRODUCTION_COMMAND = ["-m", "gunicorn", "-c", "python:assistant.gunicorn_conf", "assistant.web_app:create_app()"]


def cmd_serve(args) -> int:
    if args.production:
        return serve_production(args)
    from assistant.web_app import serve
    argv = []
    for flag in ("host", "port", "config"):
        if getattr(args, flag, None) is not None:
            argv += [f"--{flag}", str(getattr(args, flag))]
    return serve(argv) or 0


def serve_production(args) -> int:
    """Replace this process with gunicorn and the packaged configuration (docs/SERVING.md); the
    flags become the settings they name."""
    import os
    env = dict(os.environ)
    for flag in ("host", "port"):
        if getattr(args, flag, None) is not None:
            env[f"COURSE_ASSISTANT_{flag.upper()}"] = str(getattr(args, flag))
    if args.config:
        env["COURSE_ASSISTANT_CONFIG"] = os.path.abspath(args.config)
    os.execve(sys.executable, [sys.executable, *PRODUCTION_COMMAND], env)
    return 1                                # not reached


def cmd_catalog_import(args) -> int:
    from assistant.catalog_import import import_files
    knowledge = Path(args.knowledge or DEFAULT_KNOWLEDGE_DIR)
    output = Path(args.output) if args.output else knowledge / "catalog" / "courses.jsonl"
    missing = [p for p in args.files if not Path(p).is_file()]
    if missing:
        print(f"{PROG}: no such listing file: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        summary = import_files([Path(p) for p in args.files], output=output, topics_path=knowledge / "topics.yaml")
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        # The importer names the file and what is wrong; nothing was written.
        print(f"{PROG}: catalog import failed: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


def cmd_review(args) -> int:
    """The grouped unanswered questions of the period, largest group first: an editor's to-do list."""
    from assistant.inbox import KIND_LABELS, build_inbox, parse_period
    from assistant.log_store import StoreError, log_location, open_store
    from assistant.settings import SettingsError, load_settings
    try:
        seconds = parse_period(args.since)
    except ValueError as error:
        print(f"{PROG} review: --since: {error}", file=sys.stderr)
        return 2
    try:
        settings = load_settings(args.config)
        location = log_location(settings)
        if location.startswith("sqlite:///") and not Path(location[len("sqlite:///"):]).is_file():
            print(f"{PROG} review: no conversation log at {location[len('sqlite:///'):]} (is data_dir, or "
                  "database_url, the server's?)", file=sys.stderr)
            return 2
        store = open_store(location)
        store.migrate()
        inbox = build_inbox(store, seconds)
    except (SettingsError, StoreError) as error:
        print(f"{PROG} review: {error}", file=sys.stderr)
        return 2
    except Exception as error:          # the database is down or unreadable: say which
        label = getattr(locals().get("store"), "label", "the conversation log")
        print(f"{PROG} review: cannot read {label}: {error}", file=sys.stderr)
        return 2
    groups = inbox["tables"]["unanswered"]
    if args.json:
        print(json.dumps({"since": args.since, "conversations": inbox["conversations"], "messages": inbox["turns"],
                          "groups": groups}, ensure_ascii=False, indent=2))
        return 0
    unanswered = sum(g["count"] for g in groups)
    print(f"Last {args.since}: {inbox['conversations']} conversations, {inbox['turns']} messages, "
          f"{unanswered} unanswered in {len(groups)} groups.")
    for number, group in enumerate(groups[:args.limit], start=1):
        kind = KIND_LABELS.get(group["kind"], group["kind"]).lower()
        print(f"\n{number:>3}. {group['count']}x  {group['example']}  [{kind}]")
        if group["other_examples"]:
            print("      also: " + "; ".join(group["other_examples"]))
        print("      reply: " + " ".join(group["example_reply"].split())[:160])
    if len(groups) > args.limit:
        print(f"\n... and {len(groups) - args.limit} smaller groups (--limit N, or --json for all).")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="A course-finding chat assistant.")
    parser.add_argument("--knowledge", help=f"knowledge folder (default: {DEFAULT_KNOWLEDGE_DIR})")
    commands = parser.add_subparsers(dest="command", required=True)

    ask = commands.add_parser("ask", help="answer one question (several play a conversation)")
    ask.add_argument("question", nargs="+")
    ask.add_argument("--json", action="store_true", help="print the contract's reply object")
    ask.set_defaults(run=cmd_ask)

    chat = commands.add_parser("chat", help="a conversation in the terminal")
    chat.set_defaults(run=cmd_chat)

    check = commands.add_parser("check", help="validate the knowledge and print counts")
    check.add_argument("--json", action="store_true")
    check.add_argument("--cache", nargs="?", const="", metavar="DIR",
                       help="also write the start-up cache of the built indexes and models "
                            "(default folder: the user's cache folder, as the server's cache_dir setting)")
    check.set_defaults(run=cmd_check)

    evaluate = commands.add_parser("eval", help="evaluate understanding on a labelled set")
    evaluate.add_argument("--data", default=str(Path(__file__).resolve().parent.parent / "tests" / "data" / "eval.yaml"))
    evaluate.add_argument("--negatives", default=None,
                          help="CLINC150 dev JSON (default: ../shared/data/negatives/clinc150_dev.json when present)")
    evaluate.add_argument("--json", action="store_true")
    evaluate.add_argument("--real", nargs="?", const="", default=None, metavar="FILE",
                          help="play the real learner questions instead (default file: "
                               "../shared/data/real-questions/dev.yaml); skips when absent")
    evaluate.set_defaults(run=cmd_eval)

    serve = commands.add_parser("serve", help="run the web server (same as python run.py)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--config")
    serve.add_argument("--production", action="store_true",
                       help="gunicorn with the packaged configuration: every core with redis_url (docs/SERVING.md)")
    serve.set_defaults(run=cmd_serve)

    review = commands.add_parser("review", help="the questions the assistant could not answer, grouped "
                                                 "(from the conversation log the server's settings name)")
    review.add_argument("--since", default="7d", help="period: 24h, 7d, 2w (default 7d)")
    review.add_argument("--json", action="store_true", help="every group as JSON")
    review.add_argument("--limit", type=int, default=30, help="groups to print (default 30)")
    review.add_argument("--config", help="TOML file of settings (default $COURSE_ASSISTANT_CONFIG)")
    review.set_defaults(run=cmd_review)

    catalog = commands.add_parser("catalog", help="catalog tools")
    catalog_commands = catalog.add_subparsers(dest="catalog_command", required=True)
    importer = catalog_commands.add_parser("import", help="import course listings (CSV) into the catalog")
    importer.add_argument("files", nargs="+")
    importer.add_argument("--output", help="catalog file to write (default: <knowledge>/catalog/courses.jsonl)")
    importer.set_defaults(run=cmd_catalog_import)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KnowledgeError as exc:
        print(f"{PROG}: knowledge error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
