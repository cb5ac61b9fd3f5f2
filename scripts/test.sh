#!/usr/bin/env bash
# One command: install the dev tools, lint, type-check, and run the whole suite on SQLite
# and, when a server answers, on PostgreSQL (XINFANG_PG_URL, default the local `test` db).
source "$(dirname "$0")/_env.sh"
need_apt "fonts-wqy-microhei:/usr/share/fonts/truetype/wqy/wqy-microhei.ttc" \
         "fonts-arphic-uming:/usr/share/fonts/truetype/arphic/uming.ttc" \
         "chromium:/usr/bin/chromium" \
         "libreoffice-writer-nogui:/usr/bin/soffice" \
         "gettext:/usr/bin/msgfmt"
make_venv "[dev]"
V="$VENV/bin"
echo "==> ruff";  "$V/ruff" check .
"$V/ruff" format --check .
echo "==> mypy";  "$V/mypy" xinfang
echo "==> import layers (.importlinter)"; "$V/lint-imports" --no-cache
echo "==> every module imports on its own"; "$V/python" scripts/import_check.py
echo "==> migrations are up to date"; DATABASE_URL= "$V/xinfang" makemigrations --check --dry-run
PG_URL=${XINFANG_PG_URL:-postgres://postgres@127.0.0.1:5432/test}
echo "==> pytest on SQLite"
DATABASE_URL= "$V/pytest" -p no:cacheprovider -rs "$@"
if "$V/python" - "$PG_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
except Exception as e:
    print(f"    PostgreSQL unreachable: {e}")
    sys.exit(1)
PY
then
  echo "==> pytest on PostgreSQL ($PG_URL)"
  DATABASE_URL="$PG_URL" "$V/pytest" -p no:cacheprovider -rs "$@"
else
  if [ "${XINFANG_REQUIRE_PG:-0}" = 1 ]; then
    echo "!! PostgreSQL is required here but not reachable at $PG_URL"; exit 1
  fi
  echo "!! 未测试 PostgreSQL / PostgreSQL was NOT tested (no server at $PG_URL)."
fi
echo "==> 全部通过 / all checks passed"
