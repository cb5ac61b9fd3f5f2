"""scripts/commit_subject.py: the commit-msg rule (a subject of 1 to 72 characters)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "commit_subject.py"
_spec = importlib.util.spec_from_file_location("commit_subject", SCRIPT)
assert _spec is not None and _spec.loader is not None
rule = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rule)


def test_a_subject_of_72_characters_is_accepted():
    assert rule.problem("x" * 72) is None
    assert rule.problem("x" * 72 + "\n") is None


def test_a_subject_of_73_characters_is_refused_with_its_length_and_the_limit():
    why = rule.problem("x" * 73 + "\n")
    assert why is not None
    assert "73 characters" in why and "limit is 72" in why
    assert "body" in why


def test_trailing_whitespace_is_not_counted():
    assert rule.problem("x" * 72 + "   \t\n") is None


def test_comment_lines_and_leading_blank_lines_are_ignored():
    message = "\n\n# " + "c" * 200 + "\n#\n" + "x" * 72 + "\n"
    assert rule.subject(message) == "x" * 72
    assert rule.problem(message) is None
    assert rule.problem("# " + "c" * 200 + "\n" + "x" * 73) is not None


def test_another_comment_character_is_honoured():
    message = "; " + "c" * 200 + "\nShort subject\n"
    assert rule.problem(message, comment=";") is None
    assert rule.subject(message, comment=";") == "Short subject"


def test_the_body_after_the_subject_is_not_measured():
    message = "Short subject\n\n" + "figures " * 60 + "\n" + "y" * 500 + "\n"
    assert rule.problem(message) is None


def test_nothing_below_the_scissors_line_counts():
    scissors = "# ------------------------ >8 ------------------------"
    message = f"\n{scissors}\n# Do not modify or remove the line above.\ndiff --git a/x b/x\n"
    assert rule.subject(message) == ""
    assert rule.problem(message) is not None
    assert rule.problem(f"Short subject\n{scissors}\n" + "z" * 100) is None


def test_cjk_characters_count_as_one_character_each():
    assert rule.problem("交" * 72) is None  # 216 bytes of UTF-8, 144 screen columns
    why = rule.problem("办" * 73)
    assert why is not None and "73 characters" in why
    assert rule.problem("督办: " + "信访事项" * 17) is None  # 72, mixed
    assert rule.problem("督办: " + "信访事项" * 17 + "。") is not None


def test_a_combining_mark_counts_with_its_letter():
    assert rule.problem("e\u0301" * 72) is None  # é as e + combining acute, NFC-folded


@pytest.mark.parametrize("message", ["", "\n\n", "   \n", "# only a comment\n#\n"])
def test_an_empty_subject_is_refused(message):
    why = rule.problem(message)
    assert why is not None and "empty" in why


def test_fixup_prefixes_are_not_counted():
    assert rule.problem("fixup! " + "x" * 72) is None
    assert rule.problem("squash! " + "x" * 73) is not None


def run(tmp_path: Path, message: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "COMMIT_EDITMSG"
    path.write_text(message, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(path)], capture_output=True, text=True, check=False
    )


def test_the_hook_exits_0_for_a_good_subject_and_1_with_the_reason_for_a_long_one(tmp_path):
    ok = run(tmp_path, "Docs: one current table of figures\n\nBody with 294.2 /s.\n")
    assert ok.returncode == 0, ok.stderr
    assert ok.stderr == ""
    long = run(tmp_path, "信访" * 40 + "\n")
    assert long.returncode == 1
    assert "80 characters" in long.stderr and "limit is 72" in long.stderr


def test_the_hook_refuses_an_empty_message_and_a_missing_argument(tmp_path):
    empty = run(tmp_path, "# Please enter the commit message for your changes.\n")
    assert empty.returncode == 1 and "empty" in empty.stderr
    usage = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True)
    assert usage.returncode == 2 and "usage" in usage.stderr
