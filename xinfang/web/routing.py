"""The suggestion panel beside the registration form (HTML fragment, GET only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from xinfang.cases import access
from xinfang.cases.models import Topic
from xinfang.org.models import Unit
from xinfang.routing.services import suggest


def _int(v: str | None) -> int:
    return int(v) if v and v.isdigit() else 0


@require_GET
@login_required
def suggest_fragment(request: HttpRequest) -> HttpResponse:
    """Suggestions for the topic × area × category chosen so far on the registration form.
    Shown, never applied: "use this" registers and opens the forward form filled in."""
    if not access.may(request.user, "route"):
        return HttpResponse(status=403)
    g = request.GET
    found = suggest(
        topic=Topic.objects.filter(pk=_int(g.get("topic"))).first(),
        area=Unit.objects.filter(pk=_int(g.get("area"))).first(),
        category=(g.get("category") or "")[:12],
        hotline_type=(g.get("hotline_type") or "")[:12],
    )
    return render(request, "routing/_suggestions.html", {"suggestions": found, "mode": "register"})
