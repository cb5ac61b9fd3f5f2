"""Error pages speak the user's language, one language at a time, and are ordinary
accessible pages (a main landmark, a heading, a way back) — never Django's English
defaults or a stack trace."""

from __future__ import annotations

from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import server_error


def test_not_found_in_chinese_with_a_way_back(db) -> None:  # type: ignore[no-untyped-def]
    r = Client().get("/portal/no-such-page/")
    html = r.content.decode()
    assert r.status_code == 404
    assert "页面不存在" in html and "<main" in html and 'href="/portal/"' in html
    assert "Not Found" not in html and "requested resource" not in html


def test_not_found_in_english_when_chosen(db) -> None:  # type: ignore[no-untyped-def]
    c = Client(headers={"accept-language": "en"})
    c.cookies["django_language"] = "en"
    html = c.get("/portal/no-such-page/").content.decode()
    assert 'lang="en"' in html
    assert "页面不存在" not in html and "not found" in html.lower()


def test_server_error_says_nothing_was_saved(db) -> None:  # type: ignore[no-untyped-def]
    with translation.override("zh-hans"):
        r = server_error(RequestFactory().get("/"))
    html = r.content.decode()
    assert r.status_code == 500 and "没有保存" in html and "Traceback" not in html


def test_csrf_failure_explains_and_loses_nothing_silently(db) -> None:  # type: ignore[no-untyped-def]
    c = Client(enforce_csrf_checks=True)
    r = c.post("/portal/submit/", {"step": "preview"})
    assert r.status_code == 403
    html = r.content.decode()
    assert "页面已过期" in html and "重新提交" in html and "CSRF" not in html
