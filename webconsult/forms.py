"""The public form (やさしい日本語, phone first) and the coordinator's two ways to handle a request."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import ClientLookupField, client_search_widget
from cases.models import AgeGroup, Consulter, Method
from cases.validators import CONTENT_MAX
from hikikomori.forms import JapaneseDateField
from hikikomori.models import Municipality

from .models import TROUBLE_MAX, ContactWish, RequestStatus, WebRequest

PHONE = re.compile(r"^[0-9０-９\-‐－() ]{10,20}$")
HONEYPOT = "website"


class PublicRequestForm(forms.ModelForm):
    agree = forms.BooleanField(
        label=_("「個人情報の取り扱い」を読んで、同意します"),
        error_messages={"required": _("送るには「個人情報の取り扱い」への同意が必要です。")},
    )
    slot = forms.ChoiceField(
        label=_("市町村相談会の予約（希望するときだけ）"),
        required=False,
        help_text=_("空いている時間だけが出ています。予約は、相談員が確かめてから決まります。"),
        error_messages={"invalid_choice": _("その時間はもう空いていません。別の時間を選んでください。")},
    )
    # Left empty by people (it is hidden from sight and from screen readers); bots fill it in.
    website = forms.CharField(label=_("ホームページ（空欄のまま）"), required=False, max_length=200)

    class Meta:
        model = WebRequest
        fields = ["writer", "age_band", "municipality", "trouble", "contact", "name", "phone", "email"]
        labels = {
            "writer": _("だれが書いていますか"),
            "age_band": _("相談したい人（ご本人）の年代"),
            "municipality": _("ご本人が住んでいる市町村"),
            "trouble": _("いま、困っていること"),
            "contact": _("センターからの連絡"),
            "name": _("お名前（ニックネームでもかまいません）"),
            "phone": _("電話番号"),
            "email": _("メールアドレス"),
        }
        help_texts = {
            "trouble": _("書ける範囲で大丈夫です（2000文字まで）。"),
            "name": _("書かなくても送れます。"),
        }
        widgets = {
            "writer": forms.RadioSelect,
            "contact": forms.RadioSelect,
            "trouble": forms.Textarea(attrs={"rows": 6, "maxlength": TROUBLE_MAX, "data-counter": "true"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "name": forms.TextInput(attrs={"autocomplete": "nickname"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.all()  # in the master data's order
        self.fields["municipality"].empty_label = _("わからない・答えたくない")
        self.fields["municipality"].required = False
        self.fields["writer"].choices = [
            ("本人", _("わたし（本人）")), ("家族", _("家族")), ("関係機関", _("支援機関・学校など")), ("その他", _("その他")),
        ]  # fmt: skip
        self.fields["contact"].choices = ContactWish.choices  # a choice to make, no empty one
        # The report's 年代, with 不明 in the sender's words
        self.fields["age_band"].choices = [("", "---------")] + [
            (value, _("わからない") if value == AgeGroup.UNKNOWN else label)
            for value, label in AgeGroup.choices
        ]
        self.fields["writer"].error_messages["required"] = _("だれが書いているか選んでください。")
        self.fields["age_band"].error_messages["required"] = _(
            "年代を選んでください（わからないときは「わからない」）。"
        )
        self.fields["trouble"].error_messages["required"] = _("困っていることを書いてください。")
        self.fields["contact"].error_messages["required"] = _("連絡の希望を選んでください。")
        self.fields[HONEYPOT].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.free = free_slots()
        self.fields["slot"].choices = [("", _("予約しない"))] + [
            (
                day_label(day),
                [(f"{day.pk}|{time}", _("%(time)s から（空きあり）") % {"time": time}) for time in times],
            )
            for day, times in self.free
        ]

    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT))

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(_("電話番号は数字とハイフンで書いてください（例：092-000-0000）。"))
        return phone

    def clean_slot(self):
        """(day, time) of a slot still free, or None."""
        value = self.cleaned_data.get("slot") or ""
        for day, times in self.free:
            for time in times:
                if value == f"{day.pk}|{time}":
                    return day, dt.time.fromisoformat(time)
        if value:
            raise forms.ValidationError(_("その時間はもう空いていません。別の時間を選んでください。"))
        return None

    def clean(self):
        data = super().clean()
        contact = data.get("contact")
        if contact == ContactWish.PHONE and not data.get("phone"):
            self.add_error("phone", _("電話での連絡を希望するときは、電話番号を書いてください。"))
        if contact == ContactWish.EMAIL and not data.get("email"):
            self.add_error("email", _("メールでの連絡を希望するときは、メールアドレスを書いてください。"))
        return data


def free_slots(days_ahead: int = 60) -> list:
    """Upcoming municipal consultation days with their free times (nothing else of them)."""
    from outreach.models import MunicipalDay

    today = timezone.localdate()
    days = (
        MunicipalDay.objects.filter(
            archived_at__isnull=True, date__gt=today, date__lte=today + dt.timedelta(days=days_ahead)
        )
        .select_related("municipality")
        .prefetch_related("reservations")
        .order_by("date", "pk")
    )
    return [(day, times) for day in days if (times := day.free_times(day.reservations.all()))]


def day_label(day) -> str:
    weekday = "月火水木金土日"[day.date.weekday()]
    return _("%(month)s月%(day)s日（%(weekday)s）%(place)sの相談会") % {
        "month": day.date.month, "day": day.date.day, "weekday": weekday, "place": day.municipality.name,
    }  # fmt: skip


class RecordForm(forms.Form):
    """記録する: the request as a consultation (and its 受付) about a client, a new one, or nobody."""

    date = JapaneseDateField(label=_("相談日"))
    method = forms.ChoiceField(label=_("相談方法"), choices=Method.choices)
    consulter = forms.ChoiceField(label=_("相談者"), choices=Consulter.choices)
    duration_minutes = forms.IntegerField(
        label=_("所要時間（分）"), required=False, min_value=0, max_value=600
    )
    content = forms.CharField(
        label=_("相談内容"), widget=forms.Textarea(attrs={"rows": 5}), max_length=CONTENT_MAX
    )
    new_client_name = forms.CharField(label=_("新しく登録する本人の氏名"), required=False, max_length=100)
    new_client_kana = forms.CharField(label=_("フリガナ"), required=False, max_length=100)
    not_duplicate = forms.BooleanField(label=_("上の候補とは別の人として登録する"), required=False)
    book = forms.BooleanField(label=_("希望の相談会を予約する"), required=False)

    def __init__(self, *args, user, request: WebRequest, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "date": timezone.localtime(request.received_at).date(),
                "method": Method.OTHER,
                "consulter": request.writer,
                "content": request.trouble,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["client"] = ClientLookupField(
            user=user,
            label=_("利用者"),
            help_text=_(
                "登録済みの人なら、氏名・フリガナ・ケース番号で検索。空欄は匿名（または下で新しく登録）。"
            ),
            widget=client_search_widget(),
        )
        if request.wished_day_id:
            self.fields["book"].label = _("希望の相談会を予約する（%(day)s %(time)s）") % {
                "day": day_label(request.wished_day), "time": f"{request.wished_time:%H:%M}",
            }  # fmt: skip
            self.fields["book"].initial = True
        else:
            del self.fields["book"]
        self.order_fields(
            ["date", "method", "consulter", "client", "new_client_name", "new_client_kana", "not_duplicate"]
        )

    def clean(self):
        data = super().clean()
        if data.get("client") and data.get("new_client_name"):
            self.add_error("new_client_name", _("登録済みの利用者を選んだときは、新しく登録できません。"))
        return data


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("対応"),
        choices=[(RequestStatus.NOT_NEEDED, _("対応不要")), (RequestStatus.SPAM, _("迷惑な送信"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("理由"), max_length=200)
