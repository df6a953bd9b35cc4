"""引継ぎ: a supervisor hands a set of clients to another worker in one step."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hikikomori.models import Role
from hikikomori.scoping import require_role, scope
from hikikomori.web import add_form_errors

from .. import services
from ..filters import ClientFilter
from ..forms import HandOverForm
from ..models import Client, ClientStatus

LIMIT = 500  # clients on one page: a worker's whole caseload fits


@require_role(Role.SUPERVISOR)
def hand_over(request):
    base = scope(Client.objects.current(), request.user).exclude(status=ClientStatus.CLOSED)
    filterset = ClientFilter(request.GET or None, queryset=base, user=request.user)
    filtered = request.GET.get("worker") or request.GET.get("unassigned") or request.GET.get("office")
    clients = (
        list(filterset.qs.select_related("office", "primary_worker").order_by("case_number")[:LIMIT])
        if filtered and filterset.is_valid()
        else []
    )
    form = HandOverForm(request.POST or None, user=request.user, choices=[(c.pk, c.pk) for c in clients])
    status = 200
    if request.method == "POST":
        if form.is_valid():
            chosen = [c for c in clients if c.pk in set(form.cleaned_data["clients"])]
            try:
                changed = services.clients_hand_over(
                    by=request.user,
                    clients=chosen,
                    to=form.cleaned_data["to"],
                    memo=form.cleaned_data["memo"],
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(count)s人の主担当を %(name)s さんに引き継ぎました。")
                    % {"count": changed, "name": form.cleaned_data["to"].display_name},
                )
                return redirect(request.get_full_path())
        status = 400
    context = {"filter": filterset, "clients": clients, "form": form, "limit": LIMIT}
    return render(request, "cases/hand_over.html", context, status=status)
