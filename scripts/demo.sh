#!/usr/bin/env bash
# One command: install Xinfang, build the demo county on SQLite, serve it on 127.0.0.1:8000.
source "$(dirname "$0")/_env.sh"
need_apt "fonts-wqy-microhei:/usr/share/fonts/truetype/wqy/wqy-microhei.ttc" \
  || echo "   (PDF 告知书需要中文字体 / PDF notices need a CJK font; DOCX works without)"
make_venv ""
X="$VENV/bin/xinfang"
"$X" migrate --noinput -v0
"$X" demo --matters "${XINFANG_DEMO_MATTERS:-3000}"
echo
echo "==> Xinfang 已启动 / running at http://${XINFANG_ADDR:-127.0.0.1:8000}   (Ctrl-C 停止 / to stop)"
exec "$X" runserver "${XINFANG_ADDR:-127.0.0.1:8000}" --noreload
