#!/usr/bin/env bash
# Retake the user guide's screenshots (docs/guide/img/) by running every role's day walk.
source "$(dirname "$0")/_env.sh"
make_venv "[dev]"
echo "==> 重新截取用户指南截图 / retaking the user guide's screenshots"
XINFANG_GUIDE_SHOTS=1 DATABASE_URL= "$VENV/bin/pytest" -p no:cacheprovider -q tests/roles "$@"
echo "==> docs/guide/img/ 已更新 / updated"
