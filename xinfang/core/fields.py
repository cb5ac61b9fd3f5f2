"""Model fields for personal data that is encrypted at rest."""

from __future__ import annotations

from typing import Any

from django.db import models

from .crypto import decrypt, encrypt


class EncryptedTextField(models.TextField):
    """Stored encrypted (Fernet), read back in clear. Not searchable: pair it with a blind
    index field for exact matches."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return decrypt(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return encrypt(value) if isinstance(value, str) else value
