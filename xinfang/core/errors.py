"""Errors that reach users: always a Chinese message first, English second."""

from __future__ import annotations

import re


class UserError(Exception):
    """A refusal a user can act on. ``code`` is stable for API clients and tests."""

    status = 400

    def __init__(self, code: str, zh: str, en: str, *, field: str | None = None) -> None:
        super().__init__(f"{zh} / {en}")
        self.code = code
        self.zh = zh
        self.en = en
        self.field = field

    @property
    def message(self) -> str:
        return f"{self.zh}（{self.en}）"

    def said(self) -> str:
        """The refusal in the reader's language (the active translation), and only in it."""
        from django.utils.translation import get_language

        return self.en if (get_language() or "zh-hans").startswith("en") else self.zh

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.zh, "message_en": self.en, "field": self.field}


class Forbidden(UserError):
    status = 403


class NotFound(UserError):
    status = 404


class Conflict(UserError):
    status = 409


# Characters no field of a matter may hold: C0 controls other than tab and line breaks,
# DEL, and lone surrogates (JSON can carry "\ud800"; neither UTF-8 nor the databases can
# store it, and NUL is refused by PostgreSQL).
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_BAD_IN_LINE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def bad_text(value: str, *, multiline: bool = True) -> bool:
    """Whether ``value`` holds a character no text field may hold (``multiline``: tab and
    line breaks are allowed)."""
    return (_BAD_CHARS if multiline else _BAD_IN_LINE).search(value) is not None


def check_text(
    value: str,
    *,
    field: str,
    zh: str,
    en: str,
    max_length: int,
    multiline: bool = True,
) -> str:
    """``value`` unchanged, or a ``UserError`` on ``field`` (labelled ``zh``/``en``) if it
    is longer than ``max_length`` or holds a control character or a lone surrogate."""
    if len(value) > max_length:
        raise UserError(
            "too_long",
            f"{zh}最多{max_length}字",
            f"{en} is limited to {max_length} characters",
            field=field,
        )
    if bad_text(value, multiline=multiline):
        raise UserError(
            "bad_text",
            f"{zh}含有无法识别的控制字符，请删除后重试",
            f"{en} contains a control character or an invalid character",
            field=field,
        )
    return value
