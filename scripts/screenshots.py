"""Screenshots of the demo for the README: `python scripts/screenshots.py URL OUTDIR`.

Needs a running demo (`make demo`) and Debian's chromium.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "Xinfang-demo-2026"


def main(base: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = b.new_page(
            viewport={"width": 1280, "height": 860},
            locale="zh-CN",
            extra_http_headers={"Accept-Language": "zh-CN,zh"},
        )

        def login(user: str) -> None:
            page.context.clear_cookies()
            page.goto(f"{base}/login/")
            page.fill("#id_username", user)
            page.fill("#id_password", PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url(f"{base}/")

        login("handler")
        page.screenshot(path=str(out / "queue.png"))
        page.click("table tbody tr a")
        page.wait_for_load_state()
        page.screenshot(path=str(out / "matter.png"), full_page=True)
        login("registrar")
        page.goto(f"{base}/matters/new/")
        page.screenshot(path=str(out / "register.png"))
        login("supervisor")
        page.goto(f"{base}/reports/")
        page.wait_for_selector("body[data-charts-ready='1']")
        page.screenshot(path=str(out / "dashboard.png"), full_page=True)
        b.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
