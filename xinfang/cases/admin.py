"""Admin for the catalogues. Matters are changed only through the workflow, never here.

Rows that hold a matter's or a citizen's personal data are read in the admin only through
``PersonalDataAdmin``, which writes each read to the access log as the staff pages do (PIPL
Art. 51; scope.md principle 4): ``log_admin_reads`` gives it to every registered admin of
such a model (a matter, a petitioner, a row pointing at a matter, or an admin whose inline
shows one), whichever app registered it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

from xinfang.audit.services import log_access

from .models import Matter, Petitioner, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent", "is_active", "order"]
    list_editable = ["is_active", "order"]
    search_fields = ["code", "name"]


def holds_personal_data(model: type[Model]) -> bool:
    """A matter, a petitioner, or a row that points at a matter."""
    if model in (Matter, Petitioner):
        return True
    return any(
        f.many_to_one and f.related_model is Matter
        for f in model._meta.get_fields()
        if f.is_relation
    )


def _matter_of(obj: Any) -> Matter | None:
    if isinstance(obj, Matter):
        return obj
    return getattr(obj, "matter", None) if getattr(obj, "matter_id", None) else None


class PersonalDataAdmin(admin.ModelAdmin):
    """Writes every list and every object page shown to the access log (channel
    ``admin``), with the object's matter where it has one."""

    def _log(self, request: HttpRequest, detail: str, matter: Matter | None = None) -> None:

        log_access(
            user=request.user,
            what="admin",
            matter=matter,
            detail=f"{self.model._meta.label_lower} {detail}",
            request=request,
            channel="admin",
        )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            self._log(request, f"列表 {request.GET.urlencode()}"[:150])
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            self._log(request, f"#{object_id}", _matter_of(obj))
        return response


def log_admin_reads(site: admin.AdminSite) -> list[type[Model]]:
    """Give ``PersonalDataAdmin`` to every registered admin that shows personal data (its
    model's or an inline's). Run once every admin is registered (``audit``'s ready()).
    Returns the models it covered."""
    covered = []
    for model, model_admin in list(site._registry.items()):
        shown = [model, *(i.model for i in model_admin.inlines)]
        if isinstance(model_admin, PersonalDataAdmin) or not any(
            holds_personal_data(m) for m in shown
        ):
            continue
        cls = type(model_admin)
        logged = type(cls.__name__, (PersonalDataAdmin, cls), {"__module__": cls.__module__})
        site.unregister(model)
        site.register(model, logged)
        covered.append(model)
    return covered
