"""Form fields shared by every app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .fiscal import DateParseError, parse_japanese_date


class JapaneseDateInput(forms.TextInput):
    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if hasattr(value, "strftime"):
            return f"{value.year}/{value.month}/{value.day}"
        return super().format_value(value)


class JapaneseDateField(forms.DateField):
    """Accepts 2024-04-01, 2024/4/1, 令和6年4月1日 and R6.4.1; the forms a date may take are said in a
    hint under the field (a placeholder would look like a value already filled in)."""

    widget = JapaneseDateInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", _("例: 2024/4/1、令和6年4月1日、R6.4.1"))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_japanese_date(value)
        except DateParseError as exc:
            raise forms.ValidationError(
                _("日付を正しく入力してください（%(reason)s）。"), code="invalid", params={"reason": exc}
            ) from exc


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class StaffSingleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class SearchForm(forms.Form):
    """Free text typed into a search box, parsed like any other form input (no NUL bytes, a
    sensible length)."""

    q = forms.CharField(label=_("検索"), required=False, max_length=100)


def search_text(request, *names: str) -> str:
    """The first of the GET parameters `names` that is filled in, parsed by SearchForm; a value
    no form would accept answers 400 with a Japanese message."""
    from django.core.exceptions import BadRequest

    value = next((request.GET[name] for name in names if request.GET.get(name)), "")
    form = SearchForm({"q": value})
    if not form.is_valid():
        raise BadRequest(" ".join(form.errors["q"]))
    return form.cleaned_data["q"]


class AccessDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("承認")), ("refuse", _("却下"))])
