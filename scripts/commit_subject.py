"""Refuse a commit whose subject line is empty or longer than 72 characters.

    .venv/bin/python scripts/commit_subject.py .git/COMMIT_EDITMSG

Run by git's commit-msg hook (see .pre-commit-config.yaml) with the path of the message
file. The subject is the first line that is neither blank nor a comment; the body after
it may be as long as it needs: figures and detail belong there. Everything below git's
scissors line (``git commit -v``) is ignored, as git ignores it.

A subject is counted in characters, not bytes or screen columns: 交办 is two. A short
subject keeps ``git log --oneline``, shortlog and the forges' one-line views readable,
where a longer one is cut off or wrapped.
"""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

LIMIT = 72
SCISSORS = "------------------------ >8 ------------------------"
# prefixes git writes for commits meant to be squashed into another (`git commit --fixup`)
AUTOSQUASH = ("fixup! ", "squash! ", "amend! ")


def subject(message: str, comment: str = "#") -> str:
    """The subject line of a commit message as git will keep it: the first line that is
    neither blank nor a comment, without trailing whitespace, NFC-normalised so that a
    character typed as base + combining mark counts once. Empty if there is none."""
    for line in message.splitlines():
        if line.startswith(comment):
            if line[len(comment) :].strip() == SCISSORS:
                break
            continue
        if line.strip():
            return unicodedata.normalize("NFC", line.rstrip())
    return ""


def problem(message: str, comment: str = "#") -> str | None:
    """Why this message's subject is refused, or None if it is accepted."""
    line = subject(message, comment)
    if not line:
        return "the commit subject is empty: write what the commit changes on the first line."
    measured = line
    for prefix in AUTOSQUASH:
        while measured.startswith(prefix):
            measured = measured[len(prefix) :]
    if len(measured) <= LIMIT:
        return None
    return (
        f"the commit subject is {len(measured)} characters; the limit is {LIMIT}.\n"
        f"  {measured[:LIMIT]}\n"
        f"  beyond {LIMIT}: {measured[LIMIT:]}\n"
        "Say what changed in the subject; put figures and detail in the body, after a blank "
        "line."
    )


def comment_char() -> str:
    """git's comment character (``core.commentChar``), '#' unless set to another one."""
    try:
        out = subprocess.run(
            ["git", "config", "--get", "core.commentChar"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        return "#"
    return out if out and out != "auto" else "#"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: commit_subject.py COMMIT_MESSAGE_FILE", file=sys.stderr)
        return 2
    message = Path(argv[0]).read_text(encoding="utf-8", errors="replace")
    why = problem(message, comment_char())
    if why is None:
        return 0
    print(why, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
