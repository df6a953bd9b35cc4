from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hikikomori.fiscal import fiscal_year_range, recent_fiscal_years
from hikikomori.forms import JapaneseDateField
from hikikomori.models import Office

from .queries import Scope


class ReportForm(forms.Form):
    """年次報告: the fiscal year, an optional cut-off date and an optional office."""

    fy = forms.TypedChoiceField(label=_("年度"), coerce=int)
    as_of = JapaneseDateField(label=_("集計基準日（空欄は3月31日まで）"), required=False)
    office = forms.ModelChoiceField(
        label=_("拠点"), queryset=Office.objects.all(), required=False, empty_label=_("全拠点")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fy"].choices = recent_fiscal_years(timezone.localdate())

    def clean(self):
        data = super().clean()
        fy, as_of = data.get("fy"), data.get("as_of")
        if fy and as_of and as_of < fiscal_year_range(fy)[0]:
            self.add_error(
                "as_of",
                _("集計基準日は年度の開始日（%(start)s）以降にしてください。")
                % {"start": fiscal_year_range(fy)[0]},
            )
        return data

    def scope(self) -> Scope:
        data = self.cleaned_data
        return Scope(fiscal_year=data["fy"], as_of=data.get("as_of"), office=data.get("office"))


class FinalizeForm(ReportForm):
    """確定: the report's scope, and why when the year was finalized before."""

    reason = forms.CharField(
        label=_("確定し直す理由"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("すでに確定した年度を確定し直すときに入力します。前の版も残ります。"),
    )
