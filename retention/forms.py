from django import forms
from django.utils.translation import gettext_lazy as _

from cases.validators import notes_length


class ApprovalForm(forms.Form):
    """Select listed records and approve their anonymisation, with a reason."""

    candidates = forms.TypedMultipleChoiceField(
        label=_("匿名化する記録"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("匿名化する記録を選んでください。"),
            "invalid_choice": _("選んだ記録は一覧にありません。一覧を読み込み直してください。"),
        },
    )
    reason = forms.CharField(
        label=_("承認の理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[notes_length],
        error_messages={"required": _("承認の理由を入力してください。")},
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].choices = choices
