import re

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import staff_for
from cases.models import Client, ReferralDestination, normalize_case_number
from cases.validators import CONTENT_MAX
from hikikomori.forms import JapaneseDateField, StaffChoiceField, StaffSingleChoiceField
from hikikomori.scoping import offices_for_recording, scope

from .models import (
    AgreedWith,
    Assessment,
    CaseMeeting,
    ConsentMethod,
    GoalBasis,
    Outcome,
    Progress,
    SharedItem,
    SharingBasis,
    SupportPlan,
)

TEXTAREA = forms.Textarea(attrs={"rows": 2, "maxlength": CONTENT_MAX})


class AssessmentForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    assessed_on = JapaneseDateField(label=_("実施日"))

    class Meta:
        model = Assessment
        fields = [*Assessment.RECORDED, *Assessment.PERSONAL_TEXT]
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

    class Meta:
        model = SupportPlan
        fields = ["made_on", "long_term_goal", "next_review_on"]
        widgets = {"long_term_goal": TEXTAREA}


class ConfirmForm(forms.Form):
    decided_on = JapaneseDateField(label=_("決定日"))


class PlanConsentForm(forms.Form):
    agreed_on = JapaneseDateField(label=_("同意日（同意なしのときは確認した日）"))
    agreed_with = forms.ChoiceField(
        label=_("同意した人"), choices=AgreedWith.choices, initial=AgreedWith.PERSON
    )
    method = forms.ChoiceField(label=_("同意の方法"), choices=ConsentMethod.choices, widget=forms.RadioSelect)
    consent_note = forms.CharField(
        label=_("同意についての記録（同意なしのときは理由）"),
        widget=TEXTAREA,
        required=False,
        max_length=CONTENT_MAX,
    )

    def clean(self):
        data = super().clean()
        if data.get("method") == ConsentMethod.NONE and not (data.get("consent_note") or "").strip():
            self.add_error("consent_note", _("同意が得られなかった理由を入力してください。"))
        return data


class SharingConsentForm(forms.Form):
    agencies = forms.CharField(
        label=_("共有先（機関名または機関の種類、1行に1つ）"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        max_length=2000,
        help_text=_(
            "例: 保健所、○○市福祉課。会議の外部参加者の所属にこの言葉が含まれると、同意の対象になります。"
        ),
    )
    items = forms.MultipleChoiceField(
        label=_("共有する内容"), choices=SharedItem.choices, widget=forms.CheckboxSelectMultiple
    )
    given_by = forms.ChoiceField(label=_("同意した人"), choices=AgreedWith.choices, initial=AgreedWith.PERSON)
    valid_from = JapaneseDateField(label=_("同意日（から）"))
    valid_until = JapaneseDateField(
        label=_("期限（まで）"), required=False, help_text=_("期限がなければ空欄")
    )
    note = forms.CharField(label=_("備考"), widget=TEXTAREA, required=False, max_length=CONTENT_MAX)

    def clean(self):
        data = super().clean()
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            self.add_error("valid_until", _("期限は同意日より後にしてください。"))
        return data


class WithdrawForm(forms.Form):
    on = JapaneseDateField(label=_("撤回日"))


class NumberedFormSet(forms.BaseFormSet):
    """Rows of one kind: each field's label says which row it is (「短期目標（2）」), for screen readers.
    Any number of rows: 「行を追加」 copies `empty_form` (its labels say 「（__num__）」)."""

    absolute_max = 100  # a hostile TOTAL_FORMS builds no more than this

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        for field in form.fields.values():
            field.label = f"{field.label}（{i + 1}）"
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        for field in form.fields.values():
            field.label = f"{field.label}（__num__）"
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


class GoalByGoalForm(forms.Form):
    """A date, then one choice and a comment per short-term goal, then an overall comment: the
    form of an evaluation (評価) and of a monitoring (モニタリング)."""

    name = ""  # the per-goal field: 「name_<goal id>」
    choice_label = ""
    choices: list = []
    missing = ""

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        comment = self.fields.pop("comment")
        for goal in self.goals:
            self.fields[f"{self.name}_{goal.pk}"] = forms.ChoiceField(
                label=f"{self.choice_label}：{goal.text}",
                choices=self.choices,
                widget=forms.RadioSelect,
                error_messages={"required": self.missing},
            )
            self.fields[f"comment_{goal.pk}"] = forms.CharField(
                label=_("コメント：%(goal)s") % {"goal": goal.text}, required=False, max_length=500
            )
        self.fields["comment"] = comment  # the overall comment after the goals

    def by_goal(self) -> dict[int, tuple[str, str]]:
        """{goal id: (choice, comment)} for the service."""
        data = self.cleaned_data
        return {g.pk: (data[f"{self.name}_{g.pk}"], data.get(f"comment_{g.pk}", "")) for g in self.goals}


class ReviewForm(GoalByGoalForm):
    reviewed_on = JapaneseDateField(label=_("見直し日"))
    comment = forms.CharField(label=_("全体の所見"), widget=TEXTAREA, required=False, max_length=CONTENT_MAX)
    name, choice_label, choices, missing = "outcome", _("結果"), Outcome.choices, _("結果を選んでください。")


class MonitoringForm(GoalByGoalForm):
    monitored_on = JapaneseDateField(label=_("実施日"))
    comment = forms.CharField(label=_("全体の様子"), widget=TEXTAREA, required=False, max_length=CONTENT_MAX)
    name, choice_label, choices, missing = (
        "progress",
        _("様子"),
        Progress.choices,
        _("様子を選んでください。"),
    )


class CaseNumbersField(forms.CharField):
    """Clients typed by ケース番号 (「、」 or spaces between them), found among the clients the user
    may see: a keyboard-first choice that stays fast with tens of thousands of clients."""

    def __init__(self, *args, clients=None, **kwargs):
        self.clients = clients
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        numbers = [normalize_case_number(n) for n in re.split(r"[、,，\s]+", text or "") if n.strip()]
        if not numbers:
            return []
        found = {c.case_number: c for c in self.clients.filter(case_number__in=numbers)}
        missing = [n for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(
                _("ケース番号 %(numbers)s の利用者が見つかりません（担当拠点の利用者だけを選べます）。")
                % {"numbers": "、".join(missing)}
            )
        return list(dict.fromkeys(found[n] for n in numbers))


class MeetingForm(forms.ModelForm):
    date = JapaneseDateField(label=_("開催日"))
    staff = StaffChoiceField(label=_("参加した職員"), queryset=None, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = CaseMeeting
        fields = ["date", "office", "kind", "municipality", "staff", "summary"]
        widgets = {"summary": TEXTAREA}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices_for_recording(user)
        self.fields["staff"].queryset = staff_for(user)
        self.fields["clients"] = CaseNumbersField(
            label=_("検討した利用者（ケース番号）"),
            help_text=_("複数のときは「、」で区切ります。例: C-0001、C-0002"),
            clients=scope(Client.objects.current(), user),
        )
        self.fields["decides_plans_of"] = CaseNumbersField(
            label=_("この会議で支援計画（案）を決定した利用者（ケース番号）"),
            help_text=_("検討した利用者のうち、案を決定した人。決定しなかったときは空欄。"),
            required=False,
            clients=scope(Client.objects.current(), user),
        )

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class ExternalForm(forms.Form):
    name = forms.CharField(label=_("外部の参加者の氏名"), max_length=100, required=False)
    organisation = forms.CharField(label=_("所属"), max_length=100, required=False)
    sharing_basis = forms.ChoiceField(
        label=_("利用者の情報を共有する根拠"),
        choices=[("", _("情報共有の同意を確認する")), *SharingBasis.choices[1:]],
        required=False,
    )

    def clean(self):
        data = super().clean()
        if not data.get("name"):
            if data.get("organisation"):
                self.add_error("name", _("氏名を入力してください。"))
            return {}
        return data


class DecisionForm(forms.Form):
    content = forms.CharField(label=_("決定事項"), max_length=500, required=False)
    owner = StaffSingleChoiceField(label=_("担当"), queryset=None, required=False)
    due_on = JapaneseDateField(label=_("期限"), required=False, help_text="")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_for(user)

    def clean(self):
        data = super().clean()
        if not data.get("content"):
            return {}
        for name, message in (
            ("owner", _("担当を選んでください。")),
            ("due_on", _("期限を入力してください。")),
        ):
            if not data.get(name):
                self.add_error(name, message)
        return data


ExternalFormSet = forms.formset_factory(ExternalForm, formset=NumberedFormSet, extra=3)
DecisionFormSet = forms.formset_factory(DecisionForm, formset=NumberedFormSet, extra=3)
