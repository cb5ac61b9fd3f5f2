"""What every role's day walk shares: a browser per role, signing in as a person does
(keyboard, the second factor where the role must have one), and screenshots.

Screenshots go to test-artifacts/screenshots/roles/; with ``XINFANG_GUIDE_SHOTS=1`` (set by
``scripts/guide_shots.sh``) they are also written to docs/guide/img/, where the user guide
shows them, so the guide's pictures are retaken from the same walk the tests assert.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyotp

from ..browser import SHOTS
from ..factories import PASSWORD, TOTP_SECRET

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide" / "img"
DESK = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def new_page(browser: Any, *, phone: bool = False) -> Any:
    """A fresh context (no shared cookies) in Chinese, at desk or phone size."""
    ctx = browser.new_context(
        viewport=PHONE if phone else DESK,
        locale="zh-CN",
        is_mobile=phone,
        has_touch=phone,
    )
    return ctx.new_page()


def sign_in(page: Any, base: str, username: str) -> None:
    """Type the user name and password; give the authenticator's code when asked."""
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_load_state()
    if "/login/code/" in page.url:
        page.fill("input[name=code]", pyotp.TOTP(TOTP_SECRET).now())
        page.press("input[name=code]", "Enter")
        page.wait_for_load_state()
    assert "/login/" not in page.url, f"{username} could not sign in"


def shot(page: Any, name: str, *, full: bool = True) -> None:
    """Save a screenshot as ``name``.png (for the guide too when asked)."""
    out = SHOTS / "roles"
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / f"{name}.png"), full_page=full)
    if os.environ.get("XINFANG_GUIDE_SHOTS") == "1":
        GUIDE.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(GUIDE / f"{name}.png"), full_page=full)


def menu(page: Any) -> list[str]:
    """The main menu's entries as the user sees them."""
    return [t.strip() for t in page.locator("header nav a").all_inner_texts()]
