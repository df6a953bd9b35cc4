from django import forms
from django.db.models import BLANK_CHOICE_DASH, CharField, OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Cast
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hikikomori.forms import JapaneseDateField, StaffChoiceField, StaffSingleChoiceField
from hikikomori.models import Membership, Municipality, Office, User
from hikikomori.scoping import (
    default_office,
    office_for_recording,
    offices_for_recording,
    scope,
    visible_offices,
    workers_visible_to,
)

from .intake import NextStep, Urgency
from .models import (
    Client,
    ClientStatus,
    ClosureReason,
    Consultation,
    Consulter,
    ExitRoute,
    FamilyMember,
    Method,
    ReferralDestination,
    ReferralRoute,
    Relationship,
    normalize_case_number,
)
from .validators import CONTENT_MAX, NOTES_MAX


def staff_for(user):
    """Who may be named as staff, each with the offices they belong to (read with them, for the
    check that they belong to the record's office)."""
    offices = (
        Membership.objects.filter(user=OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(ids=StringAgg(Cast("office_id", CharField()), delimiter=Value(",")))
        .values("ids")
    )
    return (
        User.objects.filter(is_active=True, memberships__office__in=visible_offices(user))
        .annotate(member_offices=Subquery(offices))
        .distinct()
    )


def family_choices(client: Client | None):
    """The family members a consultation about `client` may name (none without a client)."""
    if client is None:
        return FamilyMember.objects.none()
    return FamilyMember.objects.filter(client=client, archived_at__isnull=True).order_by("id")


def client_search_widget() -> forms.TextInput:
    """A text box whose suggestions (a <datalist>) come from the client search as you type."""
    return forms.TextInput(
        attrs={
            "list": "client-options",
            "autocomplete": "off",
            "hx-get": reverse_lazy("cases:client_suggest"),
            "hx-trigger": "input changed delay:250ms",
            "hx-target": "#client-options",
            "hx-swap": "innerHTML",
        }
    )


class OneChoiceSelect(forms.Select):
    """A list with a single choice is shown (the SPEC's label) but is not a stop when tabbing
    through the form; decided when the list is drawn, from the choices it draws."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        options = [option for _, group, _ in context["widget"]["optgroups"] for option in group]
        if len(options) == 1:
            context["widget"]["attrs"]["tabindex"] = "-1"
        return context


class RecordingOfficeField(forms.ModelChoiceField):
    """拠点 of a record: the offices a new record may be filed under (an existing one keeps its
    own), listed from the database and checked against the offices already read for the user."""

    def __init__(self, *, user, current: Office | None = None, **kwargs):
        self.user, self.current = user, current
        kwargs.setdefault("widget", OneChoiceSelect)
        super().__init__(queryset=offices_for_recording(user, current), empty_label=None, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        office = office_for_recording(self.user, value, self.current)
        if office is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return office


class ClientLookupField(forms.CharField):
    """利用者: a case number (as suggested: "C-0001 山田 太郎"); blank means anonymous."""

    def __init__(self, *, user, **kwargs):
        self.user = user
        super().__init__(required=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Client):
            return f"{value.case_number} {value.name}"
        if isinstance(value, int):
            client = Client.objects.filter(pk=value).first()
            return f"{client.case_number} {client.name}" if client else ""
        return value

    def clean(self, value):
        text = super().clean(value).strip()
        if not text:
            return None
        found = getattr(self, "_found", None)  # the form reads the chosen client before validating
        if found is not None and found[0] == text:
            return found[1]
        client = self._find(text)
        self._found = (text, client)
        return client

    def _find(self, text: str) -> Client:
        case_number = normalize_case_number(text.split()[0])
        client = scope(Client.objects.current(), self.user).filter(case_number=case_number).first()
        if client is None:
            matches = list(scope(Client.objects.current(), self.user).search(text)[:2])
            if len(matches) == 1:
                return matches[0]
            raise forms.ValidationError(
                _(
                    "該当する利用者が見つかりません。候補から選ぶか、ケース番号を入力してください（空欄は匿名）。"
                )
            )
        return client


class ConsultationForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    date = JapaneseDateField(label=_("相談日"))
    staff = StaffChoiceField(label=_("担当者"), queryset=User.objects.none())

    class Meta:
        model = Consultation
        fields = [
            "date",
            "office",
            "method",
            "consulter",
            "client",
            "family_member",
            "staff",
            "duration_minutes",
            "content",
            "agency",
            "start_time",
            "municipality",
            "referral_destination",
            "follow_up_on",
        ]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 5, "maxlength": CONTENT_MAX}),
            "start_time": forms.TimeInput(attrs={"placeholder": "14:00"}, format="%H:%M"),
            "duration_minutes": forms.NumberInput(attrs={"min": 0, "step": 5}),
        }

    follow_up_on = JapaneseDateField(label=_("次回予定"), required=False)

    def _get_validation_exclusions(self):
        """Relations chosen from a list the form itself read (with the user's scoping) exist: the
        model does not look each one up again."""
        exclude = super()._get_validation_exclusions()
        exclude.update(
            name
            for name, field in self.fields.items()
            if isinstance(field, forms.ModelChoiceField | ClientLookupField) and name in self.cleaned_data
        )
        return exclude

    def validate_constraints(self):
        """The model's constraints are checked once, by the service that saves (consultation_record,
        consultation_update), whose refusal comes back to this form: not twice per save."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["client"] = ClientLookupField(
            user=user,
            label=_("利用者"),
            help_text=_("氏名・フリガナ・ケース番号で検索。空欄は匿名。"),
            widget=client_search_widget(),
        )
        self.fields["office"] = RecordingOfficeField(
            user=user,
            current=self.instance.office if self.instance.pk else None,
            label=self.fields["office"].label,
        )
        self.fields["staff"].queryset = staff_for(user)
        # No preselected method or consulter: they define the statistics, so they are chosen.
        self.fields["method"].choices = BLANK_CHOICE_DASH + Method.choices
        self.fields["consulter"].choices = BLANK_CHOICE_DASH + Consulter.choices
        self.fields["municipality"].queryset = Municipality.objects.select_related("region")
        self.fields["referral_destination"].queryset = ReferralDestination.objects.filter(is_active=True)
        self.fields["date"].widget.attrs["data-autofocus"] = "true"
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            if self.instance.client_id:
                self.initial["client"] = self.instance.client
        self.limit_family_to(self.chosen_client())

    def chosen_client(self) -> Client | None:
        """The client the form is about: as typed (a bound form) or as opened (initial)."""
        if self.is_bound:
            try:
                return self.fields["client"].clean(self.data.get("client", ""))
            except forms.ValidationError:
                return None
        client = self.initial.get("client")
        return client if isinstance(client, Client) else None

    def limit_family_to(self, client: Client | None) -> None:
        """相談した家族: only the chosen client's family, named after the client; the list follows
        the client box (htmx) when another client is chosen."""
        field = self.fields["family_member"]
        field.queryset = family_choices(client)
        field.error_messages["invalid_choice"] = _("この利用者の家族を選んでください。")
        field.label = (
            _("相談した家族（%(client)sさんの家族）") % {"client": client.name}
            if client
            else _("相談した家族")
        )
        field.label_from_instance = lambda member: f"{member.name}（{member.relationship}）"
        field.widget.attrs.update({
            "hx-get": reverse_lazy("cases:family_options"),
            "hx-trigger": "change from:#id_client",
            "hx-include": "#id_client",
            "hx-target": "this",
            "hx-swap": "innerHTML",
        })  # fmt: skip

    def clean(self):
        data = super().clean()
        member, client = data.get("family_member"), data.get("client")
        if member is not None and (client is None or member.client_id != client.pk):
            self.add_error("family_member", _("この利用者の家族を選んでください。"))
        if member is not None and data.get("consulter") != Consulter.FAMILY:
            self.add_error("family_member", _("相談者が「家族」のときだけ選べます。"))
        if data.get("date") and data.get("office"):
            # The service's rules, here too, so that every error of the form shows in one round.
            from .services import check_consultation_rules

            try:
                check_consultation_rules(
                    date=data["date"], office=data["office"], staff=data.get("staff") or [],
                    duration_minutes=data.get("duration_minutes"),
                )  # fmt: skip
            except forms.ValidationError as exc:
                for field, errors in exc.error_dict.items():
                    if field not in self.errors:
                        self.add_error(field if field in self.fields else None, errors)
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class ClientForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    not_duplicate = forms.BooleanField(
        label=_("上の候補とは別の人として登録する"), required=False, widget=forms.CheckboxInput
    )
    birth_date = JapaneseDateField(label=_("生年月日"), required=False)
    registered_on = JapaneseDateField(label=_("登録日"))

    class Meta:
        model = Client
        fields = [
            "case_number",
            "name",
            "kana",
            "sex",
            "birth_date",
            "municipality",
            "office",
            "referral_route",
            "withdrawal_period",
            "registered_on",
            "primary_worker",
            "secondary_worker",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3, "maxlength": NOTES_MAX})}
        field_classes = {"primary_worker": StaffSingleChoiceField, "secondary_worker": StaffSingleChoiceField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices_for_recording(user)
        self.fields["referral_route"].queryset = ReferralRoute.objects.filter(is_active=True)
        self.fields["case_number"].widget.attrs["data-autofocus"] = "true"
        workers = workers_visible_to(user)
        for name in ("primary_worker", "secondary_worker"):
            self.fields[name].queryset = workers
        self.fields["primary_worker"].help_text = _("この利用者を主に担当する職員です。")
        if not self.instance.pk:
            from .services import next_case_number

            office = default_office(user)
            self.fields["registered_on"].initial = timezone.localdate()
            self.fields["office"].initial = office
            if workers.filter(pk=user.pk).exists():
                self.fields["primary_worker"].initial = user.pk
            suggestion = next_case_number(office) if office else ""
            if suggestion:
                self.fields["case_number"].initial = suggestion
                self.fields["case_number"].help_text = _("拠点の最新の番号に続く番号です（変更できます）。")
        else:
            self.fields["version"].initial = self.instance.version
            # The office changes only through a logged transfer.
            del self.fields["office"]

    def clean_case_number(self):
        return normalize_case_number(self.cleaned_data["case_number"])

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("not_duplicate", None)
        return data


class FamilyMemberForm(forms.ModelForm):
    birth_date = JapaneseDateField(label=_("生年月日"), required=False)

    class Meta:
        model = FamilyMember
        fields = ["name", "relationship", "birth_date", "contact"]


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状態"), choices=[(ClientStatus.CLOSED, _("終結")), (ClientStatus.SUSPENDED, _("中断"))]
    )
    closed_on = JapaneseDateField(label=_("終結日"), initial=timezone.localdate)
    reason = forms.ModelChoiceField(
        label=_("終結理由"), queryset=ClosureReason.objects.filter(is_active=True), required=False
    )
    exit_route = forms.ChoiceField(
        label=_("終結後の行き先"),
        choices=[("", "---------"), *ExitRoute.choices],
        required=False,
        help_text=_("終結のとき、わかれば選びます（統計「終結の状況」）。"),
    )
    exit_destination = forms.ModelChoiceField(
        label=_("終結後のつなぎ先"),
        queryset=ReferralDestination.objects.filter(is_active=True),
        required=False,
        help_text=_("行き先が「つなぎ先」のとき。"),
    )
    note = forms.CharField(label=_("メモ"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("再開の理由"), widget=forms.Textarea(attrs={"rows": 2}))


class TransferForm(forms.Form):
    office = forms.ModelChoiceField(label=_("新しい担当拠点"), queryset=Office.objects.all())
    reason = forms.CharField(label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AttachClientForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"] = ClientLookupField(user=user, label=_("利用者"), widget=client_search_widget())

    def clean_client(self):
        client = self.cleaned_data["client"]
        if client is None:
            raise forms.ValidationError(_("紐づける利用者を選んでください。"))
        return client


class MergeForm(forms.Form):
    """Two records of one person: which one stays (its ケース番号 and fields), and why."""

    survivor = forms.IntegerField(label=_("残す記録"), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("統合の理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, pair=(), **kwargs):
        super().__init__(*args, **kwargs)
        if pair:
            self.fields["survivor"] = forms.TypedChoiceField(
                label=_("残す記録"), coerce=int, widget=forms.RadioSelect,
                choices=[(c.pk, f"{c.case_number} {c.name}") for c in pair],
            )  # fmt: skip


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500})
    )


class HandOverForm(forms.Form):
    """引継ぎ: which of the listed clients, to whom, and why (required)."""

    clients = forms.TypedMultipleChoiceField(
        label=_("引き継ぐ利用者"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("引き継ぐ利用者を選んでください。"),
            "invalid_choice": _("選んだ利用者は一覧にありません。一覧を読み込み直してください。"),
        },
    )
    to = StaffSingleChoiceField(label=_("新しい主担当"), queryset=User.objects.none())
    memo = forms.CharField(
        label=_("引継ぎメモ"),
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTES_MAX}),
        error_messages={"required": _("引継ぎメモを入力してください。")},
    )

    def __init__(self, *args, user, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clients"].choices = choices
        self.fields["to"].queryset = workers_visible_to(user)


class FirstCallForm(forms.Form):
    """相談を記録, for a first call: register the person it is about and the caller as their family
    member without leaving the form, and the 受付 from the same entry (hikikomori's PRACTICE:
    受付 is the first step of every case)."""

    new_client_name = forms.CharField(label=_("登録する本人の氏名"), required=False, max_length=100)
    new_client_kana = forms.CharField(label=_("フリガナ"), required=False, max_length=100)
    not_duplicate = forms.BooleanField(label=_("上の候補とは別の人として登録する"), required=False)
    new_family_name = forms.CharField(label=_("登録する家族の氏名"), required=False, max_length=100)
    new_family_relationship = forms.ChoiceField(
        label=_("続柄"), required=False, choices=BLANK_CHOICE_DASH + Relationship.choices
    )
    is_intake = forms.BooleanField(
        label=_("初めての相談として受付を記録する"),
        required=False,
        help_text=_(
            "新しい利用者を登録すると、受付も記録します。匿名の初回の相談は、ここにチェックしてください。"
        ),
    )
    intake_urgency = forms.ChoiceField(label=_("緊急性"), choices=Urgency.choices, initial=Urgency.NONE)
    intake_next_step = forms.ChoiceField(
        label=_("次の対応"), choices=NextStep.choices, initial=NextStep.CONTINUE
    )
    intake_background = forms.CharField(
        label=_("相談に至った経緯"),
        required=False,
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    intake_referrer = forms.ModelChoiceField(
        label=_("紹介元"), required=False, queryset=ReferralRoute.objects.filter(is_active=True)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            return
        # a POST of the plain form (an older page, a test) keeps the defaults of the screening
        data = self.data.copy()
        data.setdefault("intake_urgency", Urgency.NONE)
        data.setdefault("intake_next_step", NextStep.CONTINUE)
        self.data = data

    def clean(self):
        data = super().clean()
        if data.get("new_client_kana") and not data.get("new_client_name"):
            self.add_error("new_client_name", _("登録する本人の氏名を入力してください。"))
        if data.get("new_family_name") and not data.get("new_family_relationship"):
            self.add_error("new_family_relationship", _("続柄を選んでください。"))
        if data.get("new_family_relationship") and not data.get("new_family_name"):
            self.add_error("new_family_name", _("登録する家族の氏名を入力してください。"))
        return data

    def check_with(self, consultation: ConsultationForm) -> None:
        """Rules across the two forms: one person, and a family member only for a family's call."""
        data, main = self.cleaned_data, consultation.cleaned_data
        if data.get("new_client_name") and main.get("client"):
            self.add_error(
                "new_client_name",
                _("利用者を選んだときは、新しい利用者は登録できません（どちらか一方にしてください）。"),
            )
        if data.get("new_family_name"):
            if main.get("consulter") != Consulter.FAMILY:
                self.add_error("new_family_name", _("相談者が「家族」のときだけ登録できます。"))
            if main.get("family_member"):
                self.add_error("new_family_name", _("登録済みの家族を選んだときは、新しく登録できません。"))
            if not (main.get("client") or data.get("new_client_name")):
                self.add_error(
                    "new_family_name", _("家族を登録するには、利用者を選ぶか新しく登録してください。")
                )

    @property
    def new_client(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("new_client_name"):
            return None
        return {"name": data["new_client_name"].strip(), "kana": data.get("new_client_kana", "").strip()}

    @property
    def new_family(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("new_family_name"):
            return None
        return {"name": data["new_family_name"].strip(), "relationship": data["new_family_relationship"]}

    @property
    def intake(self) -> dict | None:
        data = self.cleaned_data
        if not (data.get("is_intake") or data.get("new_client_name")):
            return None
        return {
            "urgency": data["intake_urgency"],
            "next_step": data["intake_next_step"],
            "background": data.get("intake_background", ""),
            "referrer": data.get("intake_referrer"),
        }

    @property
    def used(self) -> bool:
        return bool(self.new_client or self.new_family or self.intake)
