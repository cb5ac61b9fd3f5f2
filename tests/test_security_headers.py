from __future__ import annotations

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
        assert "cdn" not in html.lower() and "<script>" not in html, url
