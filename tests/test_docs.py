"""Docs that cannot go stale: every command shown with ``$ `` in README.md and docs/*.md is run,
and its output compared with the one shown. Every shown line must match an output line, in
order; a page may leave lines out (a status line, say), and ``...`` inside a shown line stands
for any text. Timings and speed ratios, which differ from run to run, are compared as
placeholders.

A shown command runs in a scratch folder through bash with the project's ``dltheory`` first on
PATH; a ``# comment`` after it is not part of it. Code blocks that show commands without ``$ ``
are not executed: write ``$ `` only for what must hold.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_TIME = re.compile(r"\b\d+(?:\.\d+)?(?:e[-+]?\d+)? ?(?:ms|s)\b")
_RATIO = re.compile(r"\bx\d+(?:\.\d+)?(?:e[-+]?\d+)?\b")
_BIN = str(Path(sys.executable).parent)


def _blocks(page: Path) -> list[tuple[str, str, list[str]]]:
    """Commands with their outputs, each output ending at the next command or the block's end."""
    found, in_block = [], False
    for number, line in enumerate(page.read_text().splitlines(), 1):
        if line.startswith("```"):
            in_block = not in_block
            current = None
            continue
        if not in_block:
            continue
        if line.startswith("$ "):
            current = (f"{page.name}:{number}", re.sub(r"\s+#.*$", "", line[2:]).strip(), [])
            found.append(current)
        elif current is not None:
            current[2].append(line)
    return found


COMMANDS = [c for page in PAGES for c in _blocks(page)]


def normalise(text: str) -> list[str]:
    lines = [_RATIO.sub("x<ratio>", _TIME.sub("<time>", line.rstrip())) for line in text.strip("\n").splitlines()]
    return [line for line in lines if line.strip()]


@pytest.mark.slow
@pytest.mark.parametrize("where, command, expected", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_shown_command_gives_the_shown_output(where, command, expected, tmp_path):
    env = {**os.environ, "PATH": _BIN + os.pathsep + os.environ["PATH"]}
    run = subprocess.run(["bash", "-c", "{ " + command + "\n} 2>&1"], capture_output=True, text=True, cwd=tmp_path,
                         env=env, timeout=600)
    got, want = normalise(run.stdout), normalise("\n".join(expected))
    assert want, f"{where}: $ {command} shows no output"
    missing = _unmatched(want, got)
    assert missing is None, f"{where}: $ {command}\nshown line not in the output (in order): {missing!r}\noutput:\n" + \
        "\n".join(got)


def _unmatched(want: list[str], got: list[str]) -> str | None:
    """The first shown line with no matching output line after the previous match, or None."""
    position = 0
    for line in want:
        pattern = re.compile(".*".join(re.escape(part) for part in line.strip().split("...")))
        while position < len(got) and not pattern.fullmatch(got[position].strip()):
            position += 1
        if position == len(got):
            return line
        position += 1
    return None


def test_the_pages_show_commands():
    assert len(COMMANDS) >= 20 and all(cmd.split()[0] in ("dltheory", "OPENBLAS_NUM_THREADS=1") or "dltheory" in cmd
                                       for _, cmd, _ in COMMANDS)


def test_the_guides_excerpts_are_the_code():
    """Each ``# file: PATH`` excerpt of docs/guide.md appears verbatim in PATH."""
    text = (ROOT / "docs" / "guide.md").read_text()
    excerpts = re.findall(r"```python\n# file: (\S+)\n(.*?)```", text, flags=re.S)
    assert len(excerpts) >= 3
    for path, body in excerpts:
        assert body in (ROOT / path).read_text(), f"docs/guide.md excerpt of {path} is stale"
