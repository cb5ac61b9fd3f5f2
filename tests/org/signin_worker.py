"""One sign-in worker for the shared-throttle tests: an OS process with its own memory,
as each ``gunicorn -w 4`` worker is. It reads ``USERNAME PASSWORD`` lines on stdin, posts
each to ``/login/`` through the whole middleware stack (Django's test client, in this
process) and prints ``ok``, ``failed`` or ``locked``.

The database and the throttle store come from the environment, as a worker's do.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

# The test process stores passwords with the fast hasher (tests/conftest.py).
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def main() -> None:
    for line in sys.stdin:
        username, password = line.split()
        r = Client().post("/login/", {"username": username, "password": password})
        body = r.content.decode()
        if r.status_code == 302:
            said = "ok"
        elif "登录失败次数过多" in body:
            said = "locked"
        else:
            said = "failed"
        print(said, flush=True)


if __name__ == "__main__":
    main()
