from __future__ import annotations

import re

from django.test import Client

from .factories import PASSWORD, World


def test_csp_and_no_external_assets(world: World) -> None:
    c = Client()
    c.login(username="supervisor", password=PASSWORD)
    anon = Client()
    for client, url in ((anon, "/login/"), (c, "/"), (c, "/reports/"), (anon, "/api/v1/docs")):
        r = client.get(url)
        assert r.status_code == 200, url
        assert "script-src 'self'" in r["Content-Security-Policy"], url
        html = r.content.decode()
        # Nothing loaded from another host (a CDN or any other): every asset is our own.
        # (Searching the page for "cdn" also matched random CSRF tokens.)
        external = re.findall(r"""(?:src|href)\s*=\s*["'](?:https?:)?//[^"']*""", html)
        assert not external and "<script>" not in html, (url, external)
