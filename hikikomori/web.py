"""Small helpers every app's views share."""

from django.core.exceptions import ValidationError
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
