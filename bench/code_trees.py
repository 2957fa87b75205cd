"""The code trees a side-by-side bench compares: `--code DIR` (repeatable) and `--baseline REF`.

Used by bench/understanding.py and bench/ws_varied.py, so "before" and "after" are measured in one
run, on the same machine load. `--baseline REF` extracts that git ref of this repository with
`git archive REF | tar -x` into a temporary folder (removed at the end), next to a link named
`shared` to the project's ../shared, so a tree finds ../shared as the project does. Every tree
keeps its own build cache (`<tree>/.cache`): no tree loads another's built brain; the cache is
built first, so every measured process loads its brain from it, as a restarted server does.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class CodeTree:
    label: str
    path: Path

    def env(self, **extra: str) -> dict:
        """The environment for a process running this tree's code: its `assistant` package first on
        the path (ahead of the editable install) and its own build cache."""
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(self.path)] + [p for p in [env.get("PYTHONPATH")] if p])
        env["COURSE_ASSISTANT_CACHE_DIR"] = str(self.path / ".cache")
        env.update(extra)
        return env

    def prime_cache(self) -> None:
        """Build this tree's brain cache once, so every measured process loads the brain the same
        way (from the cache, as a restarted server does), whichever tree it runs."""
        code = "from assistant.engine import Assistant; Assistant.load()"
        done = subprocess.run([sys.executable, "-c", code], cwd=self.path, env=self.env(),
                              capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"{self.label}: loading the assistant failed:\n{done.stderr[-2000:]}")

    def has_setting(self, name: str) -> bool:
        """Whether this tree's assistant/settings.py knows the setting (an unknown
        COURSE_ASSISTANT_* variable stops the server)."""
        code = f"from assistant.settings import BY_NAME; raise SystemExit(0 if {name!r} in BY_NAME else 1)"
        return subprocess.run([sys.executable, "-c", code], cwd=self.path, env=self.env(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--code", action="append", metavar="DIR",
                        help="a code tree to measure (repeatable; default: the project root)")
    parser.add_argument("--baseline", metavar="REF",
                        help="also measure this git ref of the repository (e.g. main), as the 'before' "
                             "the other trees are compared with")


def _git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def _describe(path: Path) -> str:
    try:
        return _git("describe", "--always", "--dirty", cwd=path)
    except (subprocess.CalledProcessError, OSError):
        return "not a git tree"


@contextmanager
def code_trees(args: argparse.Namespace):
    """The trees to measure, the reference (the baseline when given, else the first --code) first;
    a baseline's temporary copy is removed on exit."""
    trees, temporary = [], None
    try:
        if args.baseline:
            try:
                commit = _git("rev-parse", "--verify", f"{args.baseline}^{{commit}}")
            except subprocess.CalledProcessError:
                raise SystemExit(f"--baseline {args.baseline}: not a commit of the repository at {ROOT}")
            temporary = Path(tempfile.mkdtemp(prefix="bench-baseline-"))
            tree = temporary / "project"
            tree.mkdir()
            archive = subprocess.Popen(["git", "archive", commit], cwd=ROOT, stdout=subprocess.PIPE)
            subprocess.run(["tar", "-x", "-C", str(tree)], stdin=archive.stdout, check=True)
            archive.stdout.close()
            if archive.wait() != 0:
                raise SystemExit(f"git archive {commit} failed")
            if (ROOT.parent / "shared").exists():
                (temporary / "shared").symlink_to(ROOT.parent / "shared")
            trees.append(CodeTree(f"{args.baseline}@{commit[:7]}", tree))
        for directory in args.code or [str(ROOT)]:
            path = Path(directory).resolve()
            if not (path / "assistant" / "engine.py").is_file():
                raise SystemExit(f"--code {directory}: no assistant/engine.py there")
            name = "this tree" if path == ROOT else path.name
            trees.append(CodeTree(f"{name} ({_describe(path)})", path))
        for tree in trees:
            tree.prime_cache()
        yield trees
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
