"""Errors that reach users: always a Chinese message first, English second."""

from __future__ import annotations


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

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.zh, "message_en": self.en, "field": self.field}


class Forbidden(UserError):
    status = 403


class NotFound(UserError):
    status = 404


class Conflict(UserError):
    status = 409
