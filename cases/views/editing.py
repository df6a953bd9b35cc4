"""Saving an edit that someone else may have saved first (version check)."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hikikomori.web import add_form_errors

from .. import services


def save_edit(form, save: Callable[[], object], what: str) -> int | None:
    """Run `save`. None when saved; else the HTTP status to show the form again with, its
    message on the form and the user's input kept: 409 when someone saved the record first."""
    try:
        save()
    except services.ConflictError:
        form.add_error(
            None,
            _(
                "%(what)sは、開いた後に他の職員が更新しました。入力内容は残っています。最新の内容を確認してから保存し直してください。"
            )
            % {"what": what},
        )
        return 409
    except ValidationError as exc:
        add_form_errors(form, exc)
        return 200
    return None
