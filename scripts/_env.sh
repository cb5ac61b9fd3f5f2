# Shared by the set-up scripts: the virtualenv and the system packages Xinfang uses.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-python3}
VENV=${XINFANG_VENV:-.venv}

need_apt() {  # install Debian packages when missing and we may (root + apt-get)
  local missing=()
  for spec in "$@"; do
    local pkg=${spec%%:*} probe=${spec#*:}
    [ -e "$probe" ] || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> 安装系统软件包 / installing system packages: ${missing[*]}"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
      apt-get update -qq >/dev/null 2>&1 || true
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
  else
    echo "!! 缺少系统软件包 / missing system packages: ${missing[*]} (sudo apt-get install ${missing[*]})"
    return 1
  fi
}

make_venv() {  # $1: pip extras ("" or "[dev]")
  if [ ! -x "$VENV/bin/python" ]; then
    echo "==> 创建虚拟环境 / creating virtualenv $VENV ($($PY --version))"
    "$PY" -m venv "$VENV"
  fi
  echo "==> 安装依赖 / installing Xinfang$1"
  "$VENV/bin/python" -m pip install -q --upgrade pip 2>&1 | grep -v -i "warning" || true
  "$VENV/bin/python" -m pip install -q -e ".$1" 2>&1 | grep -v -i "warning\|location" || true
  "$VENV/bin/python" -c "import xinfang, django; print('    Django', django.get_version())"
}
