"""The ``xinfang`` console command: Django's manage.py with Xinfang's settings.

``xinfang runserver``, ``xinfang migrate``, ``xinfang demo``, ``xinfang token USER``,
``xinfang deadline START DAYS`` … every Django and Xinfang management command.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["xinfang", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
