"""Small helpers every app's views share."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str) -> str:
    """Where to return after a form: `next` from the request if it is a path on this site."""
    target = request.POST.get("next") or request.GET.get("next")
    if (
        target
        and len(target) <= 2000
        and target.startswith("/")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    ):
        return target
    return default


def form_error_text(form) -> str:
    """A form's errors as one line, for a message after a redirect."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def add_form_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, on its fields where it names them."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def form_page(request, form, save, *, done: str, success_url: str, template: str, context: dict):
    """A form's page: on a valid POST run `save(cleaned_data)` (a service), then say `done` and go
    to `success_url`; a service's refusal shows on the form. A refused form answers 400 and keeps
    everything the user typed."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                save(form.cleaned_data)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, done)
                return redirect(success_url)
    return render(request, template, {"form": form, **context}, status=status)


def run_and_tell(request, action, *, done: str) -> bool:
    """A button's POST: run `action` (a service) and say how it went, in Japanese, on the page the
    user is sent back to. False when a service refused it."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, done)
    return True
