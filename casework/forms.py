from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import staff_for
from cases.models import ReferralDestination
from cases.validators import CONTENT_MAX
from hikikomori.forms import JapaneseDateField, StaffSingleChoiceField

from .models import Assessment, GoalBasis, Outcome, SupportPlan

TEXTAREA = forms.Textarea(attrs={"rows": 2, "maxlength": CONTENT_MAX})


class AssessmentForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    assessed_on = JapaneseDateField(label=_("実施日"))

    class Meta:
        model = Assessment
        fields = [
            "assessed_on",
            "assessed_by",
            "method",
            "person_met",
            "outing",
            "withdrawal_period",
            "trigger",
            "daily_rhythm",
            "health",
            "education_work",
            "finances",
            "support_history",
            "person_wishes",
            "family_wishes",
            "diagnosis",
            "disability",
        ]
        widgets = {name: TEXTAREA for name in Assessment.PERSONAL_TEXT}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessed_by"] = StaffSingleChoiceField(label=_("実施者"), queryset=staff_for(user))
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["assessed_by"].initial = self.instance.assessed_by_id
        else:
            self.fields["assessed_by"].initial = user.pk

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class PlanForm(forms.ModelForm):
    made_on = JapaneseDateField(label=_("作成日"))
    next_review_on = JapaneseDateField(label=_("次回見直し日"))
    agreed_on = JapaneseDateField(label=_("合意した日"), required=False)

    class Meta:
        model = SupportPlan
        fields = ["made_on", "long_term_goal", "agreed_with", "agreed_on", "next_review_on"]
        widgets = {"long_term_goal": TEXTAREA}


class NumberedFormSet(forms.BaseFormSet):
    """Rows of one kind: each field's label says which row it is (「短期目標（2）」), for screen readers."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        for field in form.fields.values():
            field.label = f"{field.label}（{i + 1}）"
        return form


class GoalForm(forms.Form):
    text = forms.CharField(label=_("短期目標"), max_length=500, required=False)
    basis = forms.ChoiceField(label=_("もとにした意向"), choices=GoalBasis.choices, initial=GoalBasis.BOTH)

    def clean(self):
        data = super().clean()
        return data if data.get("text") else {}


class SupportForm(forms.Form):
    content = forms.CharField(label=_("支援の内容"), max_length=500, required=False)
    staff = StaffSingleChoiceField(label=_("担当（職員）"), queryset=None, required=False)
    agency = forms.ModelChoiceField(
        label=_("担当（つなぎ先）"),
        queryset=ReferralDestination.objects.filter(is_active=True),
        required=False,
    )
    frequency = forms.CharField(label=_("頻度"), max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_for(user)

    def clean(self):
        data = super().clean()
        if not data.get("content"):
            if data.get("staff") or data.get("agency") or data.get("frequency"):
                self.add_error("content", _("支援の内容を入力してください。"))
            return {}
        return data


GoalFormSet = forms.formset_factory(GoalForm, formset=NumberedFormSet, extra=3)
SupportFormSet = forms.formset_factory(SupportForm, formset=NumberedFormSet, extra=3)


class ReviewForm(forms.Form):
    reviewed_on = JapaneseDateField(label=_("見直し日"))
    comment = forms.CharField(label=_("全体の所見"), widget=TEXTAREA, required=False, max_length=CONTENT_MAX)

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        for goal in self.goals:
            self.fields[f"outcome_{goal.pk}"] = forms.ChoiceField(
                label=_("結果：%(goal)s") % {"goal": goal.text},
                choices=Outcome.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("結果を選んでください。")},
            )
            self.fields[f"comment_{goal.pk}"] = forms.CharField(
                label=_("コメント：%(goal)s") % {"goal": goal.text}, required=False, max_length=500
            )

    def outcomes(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {g.pk: (data[f"outcome_{g.pk}"], data.get(f"comment_{g.pk}", "")) for g in self.goals}
