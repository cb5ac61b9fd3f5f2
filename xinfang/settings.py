"""Django settings for Xinfang.

Everything a deployment changes comes from the environment:

- ``DATABASE_URL``: ``sqlite:////abs/path.sqlite3`` or ``postgres://user@host:port/db``.
  Default: SQLite in ``$XINFANG_DATA_DIR/xinfang.sqlite3``.
- ``XINFANG_DATA_DIR``: where the SQLite file, uploads and rendered notices live
  (outside the web root). Default: ``var/`` beside the source tree.
- ``XINFANG_SECRET_KEY``, ``XINFANG_DEBUG``, ``XINFANG_ALLOWED_HOSTS``.
- ``XINFANG_WITNESS_DIR``: the audit witness (default ``$XINFANG_DATA_DIR/witness``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("XINFANG_DATA_DIR", BASE_DIR.parent / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
(DATA_DIR / "static").mkdir(exist_ok=True)

DEBUG = os.environ.get("XINFANG_DEBUG", "1") == "1"
# The development key is published with the source: anything keyed by it (sessions, the
# field-encryption and blind-index keys derived from it) is readable by anyone.
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-xinfang-0000"
SECRET_KEY = os.environ.get("XINFANG_SECRET_KEY", DEV_SECRET_KEY)
# Production (XINFANG_DEBUG=0) refuses to start without its own keys (core.checks says
# which). XINFANG_ALLOW_DEV_KEYS=1 lets benchmarks run production settings on throwaway
# data; ``check --deploy`` still fails with it.
if not DEBUG and os.environ.get("XINFANG_ALLOW_DEV_KEYS") != "1":
    _missing = [
        name
        for name in (
            "XINFANG_SECRET_KEY",
            "XINFANG_FIELD_KEYS",
            "XINFANG_INDEX_KEY",
            "XINFANG_AUDIT_KEY",
        )
        if not os.environ.get(name, "").strip()
    ]
    if _missing or SECRET_KEY == DEV_SECRET_KEY:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "生产环境（XINFANG_DEBUG=0）必须设置自己的密钥，缺少："
            + "、".join(_missing or ["XINFANG_SECRET_KEY"])
            + "。请参阅 docs/security.md 生成密钥。"
        )
ALLOWED_HOSTS = os.environ.get("XINFANG_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves Swagger UI from its own static files, not a CDN
    "xinfang.core",
    "xinfang.org",
    "xinfang.deadlines",
    "xinfang.cases",
    "xinfang.notices",
    "xinfang.api",
    "xinfang.web",
    "xinfang.portal",
    "xinfang.reception",
    "xinfang.supervision",
    "xinfang.reports",
    "xinfang.audit",
    "xinfang.routing",
    "xinfang.search",
    "xinfang.ops",
]
# The demo county and the benchmark seeder (``xinfang demo``, ``xinfang bench``) are tools for
# development and measurement, not part of a production deployment: installed when DEBUG is
# on or ``XINFANG_TOOLS=1`` (the benchmarks run production settings with it).
if DEBUG or os.environ.get("XINFANG_TOOLS") == "1":
    INSTALLED_APPS += ["xinfang.demo", "xinfang.bench"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xinfang.core.middleware.SecurityHeaders",
    "xinfang.org.account.IdleTimeout",
    "xinfang.org.account.RequirePasswordChange",
    "xinfang.org.twofactor.RequireTwoFactor",
]

ROOT_URLCONF = "xinfang.urls"
WSGI_APPLICATION = "xinfang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'xinfang.sqlite3'}"
    # Connections are kept between requests (each worker thread its own): opening one per
    # request costs a connect, the pragmas and, on SQLite, a cold page cache every time.
    age = int(os.environ.get("XINFANG_DB_CONN_MAX_AGE", "300"))
    db: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=age))
    db["CONN_HEALTH_CHECKS"] = True
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE transactions take the write lock when the transaction starts, so two
        # concurrent writers queue instead of failing half-way (SQLite has no row locks).
        # Temporary sort tables stay in memory. (A bigger page cache per connection bought
        # little over the kernel's page cache and cost each worker thread its size.)
        if os.environ.get("XINFANG_SQLITE_WRITER_LOCK", "1") == "1":
            db["ENGINE"] = "xinfang.core.sqlite"
        db["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=30000;"
                "PRAGMA temp_store=MEMORY;"
            ),
        }
        # Tests use a real file so that concurrent connections lock as in production.
        # One file per test process, so parallel runs do not share it.
        db["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
    else:
        # No JIT: a page's query that crosses jit_above_cost spends its compile time
        # first (a sizeable share of a county's dashboard query), and pages run short
        # queries that it cannot pay back.
        db["OPTIONS"] = {**db.get("OPTIONS", {}), "options": "-c jit=off"}
        # Separate names let several test runs share one server without colliding.
        db["TEST"] = {"NAME": os.environ.get("XINFANG_PG_TEST_NAME") or None}
    return db


DATABASES = {"default": _database()}

# --- Files holding personal data, the audit witness (docs/security.md) ------------------
# The data directory, the SQLite files and uploads are the service account's alone (0700 /
# 0600): a backup or a copy of the database must not be readable by every local user.
# SQLite gives its -wal and -shm files the database file's mode. A directory shared with
# others (sticky, like /tmp) is left as it is.
_st = DATA_DIR.stat()
if _st.st_uid == os.getuid() and not _st.st_mode & 0o1000:
    DATA_DIR.chmod(0o700)
if DATABASES["default"]["ENGINE"] in ("django.db.backends.sqlite3", "xinfang.core.sqlite"):
    _db_file = str(DATABASES["default"]["NAME"])
    if _db_file and not _db_file.startswith(("file:", ":memory:")):
        try:
            os.close(os.open(_db_file, os.O_CREAT | os.O_RDONLY, 0o600))
            os.chmod(_db_file, 0o600)
        except OSError:
            pass  # another account's file: left to its owner
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# The witness of the audit chains (ops.witness): outside the database, appended to only;
# may be another file system (write-once, or ``chattr +a``).
XINFANG_WITNESS_DIR = Path(os.environ.get("XINFANG_WITNESS_DIR") or DATA_DIR / "witness")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("XINFANG_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"  # never served directly; downloads go through views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

if not DEBUG:
    SECURE_SSL_REDIRECT = os.environ.get("XINFANG_SSL_REDIRECT", "1") == "1"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("XINFANG_LOG_LEVEL", "WARNING")},
}

# --- Procedure settings (procedure.md items marked "setting") -------------------------
XINFANG: dict[str, Any] = {
    # CC Art. 203 / CPL Art. 85: a period ending on a non-working day ends on the next one.
    "ROLL_FORWARD": os.environ.get("XINFANG_ROLL_FORWARD", "1") == "1",
    # XFGZ Arts. 29-30 give no day count for suggestions and reports: default 60 days.
    "SUGGESTION_DAYS": 60,
    "REPORT_DAYS": 60,
    # Whether waiting for the petitioner's material pauses the handling clock.
    "PAUSE_FOR_MATERIAL": True,
    # A paused clock has no end date: the unit looks at the pause again within these days
    # (resumes, or pauses anew with the reason), so no paused matter is forgotten.
    "PAUSE_REVIEW_DAYS": 30,
    # Days a reception day's bookings are kept after the day (PIPL Art. 19).
    "RECEPTION_KEEP_DAYS": 90,
    # XFGZ Art. 23 para 3 sets no time for the office to decide an objection; deciding it is
    # a routing decision, so the office gets the routing period of Art. 22 (calendar days).
    "OBJECTION_DECISION_DAYS": 15,
    # XFGZ Art. 23 para 3 lets every receiving organ object; only a unit designated after a
    # dispute may not (WF Art. 22). Whether the unit chosen after the office agreed to an
    # objection counts as designated is a local choice (docs/adr/0005).
    "DESIGNATE_AFTER_AGREED_OBJECTION": False,
    # XFGZ Art. 34 extends a running handling period; an expired one cannot be extended.
    "EXTEND_AFTER_EXPIRY": False,
    # The local hotline regulation cited beside the 信访工作条例 (core.law): the steps it
    # governs here are answering a consultation on the spot, emergency transfer, routing by
    # the dispatch catalogue, return visits and the ranking of units. The default is
    # Beijing's; a deployment names its own city's or province's, or none ({}).
    "HOTLINE_REGULATION": json.loads(os.environ["XINFANG_HOTLINE_REGULATION"])
    if os.environ.get("XINFANG_HOTLINE_REGULATION")
    else {
        "name": "北京市接诉即办工作条例",
        "short": "BJ",
        "articles": {
            "on_the_spot": "第二条",
            "emergency": "第十一条",
            "routing": "第十一条",
            "return_visit": "第二十三条",
            "ranking": "第三十二条",
        },
    },
    # A matter received more than this many days before it is registered needs the reason
    # it is registered late (补录), recorded on its register event.
    "BACKDATE_DAYS": 30,
    # Days before a deadline that the sweep warns, per deadline kind (default for others).
    "WARNING_DAYS": {"default": 3, "objection": 2},
    # PIPL Arts. 19, 47: years after conclusion that personal data of a matter is kept,
    # per category; afterwards it is anonymised (statistics stay).
    "RETENTION_YEARS": {"suggestion": 3, "claim": 10, "report": 10},
    # Staff sessions end after this many idle minutes (SESSION_COOKIE_AGE is the cap).
    "SESSION_IDLE_MINUTES": int(os.environ.get("XINFANG_SESSION_IDLE_MINUTES", "30")),
    # Citizen portal rate limits: only the keys a deployment changes; each key, what it
    # counts and its default are in xinfang/portal/access.py.
    "PORTAL_LIMITS": {},
    "NOTIFIER": "xinfang.notices.notify.ConsoleNotifier",
    # 回头看: check concluded matters this many days after conclusion.
    "FOLLOWUP_DAYS": [30, 90],
    # The three rates (BJ Art. 32): weight of 基本满意 and the minimum sample to be ranked.
    "RATES": {"BASIC_WEIGHT": 0.9, "MIN_SAMPLE": 10},
    # Name printed on notices when the organ has no own seal text.
    "DEPLOYMENT_NAME": os.environ.get("XINFANG_DEPLOYMENT_NAME", "信访事项办理系统"),
    # Font used in PDF notices (TrueType/TTC with CJK glyphs); searched in this order.
    "CJK_FONTS": [
        os.environ.get("XINFANG_CJK_FONT", ""),
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        "/usr/share/fonts/truetype/arphic/uming.ttc",
    ],
    # Official documents' faces (GB/T 9704-2012 §5.2; ``core.fonts``): TrueType files only.
    "SONG_FONTS": [
        os.environ.get("XINFANG_SONG_FONT", ""),
        "/usr/share/fonts/truetype/arphic/uming.ttc",  # Debian fonts-arphic-uming
    ],
    "FANGSONG_FONTS": [os.environ.get("XINFANG_FANGSONG_FONT", "")],
    # "official": 红头 and the GB/T 9704 page; "plain": title, number and text only.
    "NOTICE_LAYOUT": os.environ.get("XINFANG_NOTICE_LAYOUT", "official"),
}

# --- Sign-in, throttles, passwords and API tokens (docs/security.md) -------------------
# Failed sign-ins, TOTP codes and the portal's attempts are counted in a store that every
# worker process shares: the database, or Redis when XINFANG_REDIS_URL is set
# (redis://127.0.0.1:6379/0; install with `pip install 'xinfang[redis]'`).
REDIS_URL = os.environ.get("XINFANG_REDIS_URL", "").strip()
if REDIS_URL:
    import importlib.util

    if importlib.util.find_spec("redis") is None:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "设置了 XINFANG_REDIS_URL，但未安装 redis：pip install 'xinfang[redis]'"
        )
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "throttle": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "xinfang",
        },
    }
XINFANG.update(
    {
        "THROTTLE_CACHE": "throttle" if REDIS_URL else "",
        # The header in which the reverse proxy reports the client's address, and how many
        # trusted proxies append to it (the address is that many entries from the right).
        # Unset: no limit per address (the connection address is the proxy's, shared by
        # everyone); REMOTE_ADDR: clients connect directly, without a proxy.
        "TRUSTED_PROXY_HEADER": os.environ.get("XINFANG_TRUSTED_PROXY_HEADER", "").strip(),
        "TRUSTED_PROXY_HOPS": int(os.environ.get("XINFANG_TRUSTED_PROXY_HOPS", "1")),
        # Staff sign-in: an account locks after FAILURES wrong passwords within SECONDS; a
        # client address (only from the trusted header) after ADDRESS_FAILURES.
        "LOGIN_THROTTLE": {"FAILURES": 5, "SECONDS": 15 * 60, "ADDRESS_FAILURES": 20},
        # API tokens expire after this many days (`xinfang token --days` may choose fewer).
        "API_TOKEN_DAYS": int(os.environ.get("XINFANG_API_TOKEN_DAYS", "90")),
    }
)
AUTH_PASSWORD_VALIDATORS += [
    # not like the user name, the name or the e-mail address; never containing the user name
    {"NAME": "xinfang.org.passwords.SimilarityValidator"},
    {"NAME": "xinfang.org.passwords.NotUsernameValidator"},
    # neither the current password nor any of the 5 before it
    {"NAME": "xinfang.org.passwords.NotReusedValidator"},
]
