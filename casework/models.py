"""Case work beyond the contact log: assessments (アセスメント) and support plans (支援計画) with
their reviews (見直し). The records follow the client: they are seen by the offices that hold the
client (scoped through `client__office`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Client, ReferralDestination, WithdrawalPeriod
from cases.validators import content_length, not_in_the_future
from hikikomori.fiscal import normalize_text

CLIENT_OFFICE = "client__office"  # the office field scoping goes through


class Outing(models.TextChoices):
    """外出の状況: the categories of the Cabinet Office survey."""

    HOBBY_ONLY = "趣味の用事のときだけ外出する", _("趣味の用事のときだけ外出する")
    NEIGHBOURHOOD = "近所のコンビニなどには出かける", _("近所のコンビニなどには出かける")
    ROOM_NOT_HOUSE = "自室からは出るが家からは出ない", _("自室からは出るが家からは出ない")
    ROOM_ONLY = "自室からほとんど出ない", _("自室からほとんど出ない")
    UNKNOWN = "不明", _("不明")


class AssessmentMethod(models.TextChoices):
    INTERVIEW = "面談", _("面談")
    HOME_VISIT = "訪問", _("訪問")
    FROM_FAMILY = "家族からの聴取", _("家族からの聴取")


def text(label):
    return models.TextField(label, blank=True, validators=[content_length])


class Assessment(models.Model):
    client = models.ForeignKey(
        Client, verbose_name=_("利用者"), on_delete=models.PROTECT, related_name="assessments"
    )
    assessed_on = models.DateField(_("実施日"), validators=[not_in_the_future])
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("実施者"), on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("方法"), max_length=20, choices=AssessmentMethod.choices)
    person_met = models.BooleanField(
        _("本人に会えている"),
        default=False,
        help_text=_("会えていなければ「家族のみの相談」として扱います。"),
    )
    outing = models.CharField(_("外出の状況"), max_length=30, choices=Outing.choices, default=Outing.UNKNOWN)
    withdrawal_period = models.CharField(
        _("ひきこもり期間"), max_length=20, choices=WithdrawalPeriod.choices, default=WithdrawalPeriod.UNKNOWN
    )
    trigger = text(_("きっかけ"))
    daily_rhythm = text(_("生活リズム"))
    health = text(_("健康・受診状況"))
    education_work = text(_("就学・就労歴"))
    finances = text(_("経済状況"))
    support_history = text(_("関係機関・支援歴"))
    person_wishes = text(_("本人の意向"))
    family_wishes = text(_("家族の意向"))
    diagnosis = text(_("診断（任意）"))
    disability = text(_("障害・手帳（任意）"))
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    # What is recorded, in the order of the form and of the files; the free text about the person
    # is removed when the case is anonymised (retention).
    RECORDED = ["assessed_on", "assessed_by", "method", "person_met", "outing", "withdrawal_period"]
    PERSONAL_TEXT = [
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

    class Meta:
        verbose_name = verbose_name_plural = _("アセスメント")
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.assessed_on:%Y/%m/%d} {self.get_method_display()}"


class AgreedWith(models.TextChoices):
    PERSON = "本人", _("本人")
    FAMILY = "家族", _("家族")
    BOTH = "本人と家族", _("本人と家族")


class DecidedVia(models.TextChoices):
    """How a 案 became the plan in force: at a ケース会議 (支援調整会議) or by a supervisor's 確認.
    Plans recorded before decisions were kept count as decided on the day they were made."""

    MEETING = "ケース会議", _("ケース会議")
    CONFIRMATION = "上長確認", _("上長確認")
    EARLIER = "以前の記録", _("以前の記録")


class ConsentMethod(models.TextChoices):
    SIGNATURE = "署名", _("署名")
    ORAL = "口頭", _("口頭")
    THROUGH_FAMILY = "家族を通じて", _("家族を通じて")
    NONE = "同意なし", _("同意なし")


class SupportPlanQuerySet(models.QuerySet):
    def drafts(self):
        """案: not decided yet, not withdrawn."""
        return self.filter(decided_on__isnull=True, withdrawn_on__isnull=True)

    def decided(self):
        return self.filter(decided_on__isnull=False)

    def current(self):
        """Decided plans not evaluated yet: a client's 今の支援計画 is the latest of them. A 案 never is."""
        return self.filter(decided_on__isnull=False, review__isnull=True)

    def without_consent(self):
        """Decided plans in force whose 同意 (or its refusal) is not recorded yet."""
        return self.current().filter(agreed_on__isnull=True).exclude(consent_method=ConsentMethod.NONE)

    def review_due(self, today):
        return self.current().filter(next_review_on__lte=today, client__archived_at__isnull=True)


class SupportPlan(models.Model):
    client = models.ForeignKey(
        Client, verbose_name=_("利用者"), on_delete=models.PROTECT, related_name="plans"
    )
    made_on = models.DateField(_("作成日"), validators=[not_in_the_future])
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("作成者"), on_delete=models.PROTECT, related_name="+"
    )
    long_term_goal = text(_("長期目標"))
    next_review_on = models.DateField(_("次回見直し日"))
    # 決定: at a case meeting, by a supervisor's 確認 (or recorded before decisions were kept)
    decided_on = models.DateField(_("決定日"), null=True, blank=True)
    decided_via = models.CharField(_("決定の方法"), max_length=10, choices=DecidedVia.choices, blank=True)
    decided_at = models.ForeignKey(
        "CaseMeeting",
        verbose_name=_("決定したケース会議"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decided_plans",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("確認した職員"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # 同意: who agreed, when and how; or 同意なし with the reason
    agreed_with = models.CharField(_("同意した人"), max_length=10, choices=AgreedWith.choices, blank=True)
    agreed_on = models.DateField(_("同意日"), null=True, blank=True, validators=[not_in_the_future])
    consent_method = models.CharField(
        _("同意の方法"), max_length=10, choices=ConsentMethod.choices, blank=True, db_default=""
    )
    consent_note = text(_("同意についての記録"))
    withdrawn_on = models.DateField(_("取り下げた日"), null=True, blank=True)
    follows = models.OneToOneField(
        "self",
        verbose_name=_("前の計画"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_plan",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = SupportPlanQuerySet.as_manager()

    PERSONAL_TEXT = ["long_term_goal", "consent_note"]

    class Meta:
        verbose_name = verbose_name_plural = _("支援計画")
        ordering = ["-made_on", "-id"]

    def __str__(self) -> str:
        return f"{self.made_on:%Y/%m/%d} {_('支援計画')}"

    @property
    def state(self) -> str:
        """案 / 決定 / 評価済み / 取り下げ: what the plan is now, in the words of the screens."""
        if self.withdrawn_on:
            return str(_("取り下げ"))
        if self.decided_on is None:
            return str(_("案"))
        return str(_("評価済み")) if hasattr(self, "review") else str(_("決定"))

    @property
    def decision_text(self) -> str:
        """決定 as pages, prints and files say it: 「2026/05/24 ケース会議」, 「… 上長確認（確認 福岡 一郎）」."""
        if self.withdrawn_on:
            return f"{_('取り下げ')} {self.withdrawn_on:%Y/%m/%d}"
        if self.decided_on is None:
            return str(_("未決定（案）"))
        text = f"{self.decided_on:%Y/%m/%d} {self.decided_via}"
        return f"{text}（{_('確認')} {self.confirmed_by.display_name}）" if self.confirmed_by_id else text

    @property
    def consent_text(self) -> str:
        """同意 as pages, prints and files say it: 「署名：本人 2026/05/29」, 「同意なし（2026/05/29）理由」."""
        if self.consent_method == ConsentMethod.NONE:
            return f"{_('同意なし')}（{self.agreed_on:%Y/%m/%d}）{self.consent_note}"
        if self.agreed_on is None:
            return str(_("未記録")) if self.decided_on else "—"
        how = f"{self.consent_method}：" if self.consent_method else ""
        return f"{how}{self.agreed_with} {self.agreed_on:%Y/%m/%d} {self.consent_note}".strip()

    @property
    def is_draft(self) -> bool:
        return self.decided_on is None and self.withdrawn_on is None

    @property
    def has_consent_record(self) -> bool:
        return self.agreed_on is not None or self.consent_method == ConsentMethod.NONE


class GoalBasis(models.TextChoices):
    PERSON = "本人の意向", _("本人の意向")
    FAMILY = "家族の意向", _("家族の意向")
    BOTH = "両方", _("両方")


class PlanGoal(models.Model):
    """短期目標, tied to whose wish it answers (本人と家族の意向は異なる)."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="goals")
    text = models.CharField(_("短期目標"), max_length=500)
    basis = models.CharField(_("もとにした意向"), max_length=10, choices=GoalBasis.choices)

    history = HistoricalRecords()
    PERSONAL_TEXT = ["text"]

    class Meta:
        verbose_name = verbose_name_plural = _("短期目標")
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return self.text


class PlannedSupport(models.Model):
    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="supports")
    content = models.CharField(_("支援の内容"), max_length=500)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("担当（職員）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agency = models.ForeignKey(
        ReferralDestination,
        verbose_name=_("担当（つなぎ先）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    frequency = models.CharField(_("頻度"), max_length=100, blank=True)

    history = HistoricalRecords()
    PERSONAL_TEXT = ["content"]

    class Meta:
        verbose_name = verbose_name_plural = _("予定する支援")
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return self.content


class PlanReview(models.Model):
    """見直し: how each goal went; the plan is then carried on by the next one."""

    plan = models.OneToOneField(
        SupportPlan, verbose_name=_("支援計画"), on_delete=models.PROTECT, related_name="review"
    )
    reviewed_on = models.DateField(_("見直し日"), validators=[not_in_the_future])
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("見直した職員"), on_delete=models.PROTECT, related_name="+"
    )
    comment = text(_("全体の所見"))
    kind = models.CharField(
        _("評価の時期"),
        max_length=10,
        choices=[("見直し", _("見直し")), ("終結", _("終結"))],
        default="見直し",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    PERSONAL_TEXT = ["comment"]

    class Meta:
        verbose_name = verbose_name_plural = _("評価")

    def __str__(self) -> str:
        return f"{self.reviewed_on:%Y/%m/%d} {_('見直し')}"


class Outcome(models.TextChoices):
    ACHIEVED = "達成", _("達成")
    PARTLY = "一部達成", _("一部達成")
    NOT_YET = "未達成", _("未達成")
    STOPPED = "中止", _("中止")


class GoalReview(models.Model):
    review = models.ForeignKey(PlanReview, on_delete=models.PROTECT, related_name="goals")
    goal = models.OneToOneField(
        PlanGoal, verbose_name=_("短期目標"), on_delete=models.PROTECT, related_name="outcome"
    )
    outcome = models.CharField(_("結果"), max_length=10, choices=Outcome.choices)
    comment = models.CharField(_("コメント"), max_length=500, blank=True)

    history = HistoricalRecords()
    PERSONAL_TEXT = ["comment"]

    class Meta:
        verbose_name = verbose_name_plural = _("目標ごとの見直し")
        ordering = ["review", "goal"]

    def __str__(self) -> str:
        return f"{self.goal}: {self.outcome}"


class Progress(models.TextChoices):
    """モニタリング: how a goal is going between reviews."""

    ON_TRACK = "順調", _("順調")
    NO_CHANGE = "変化なし", _("変化なし")
    DIFFICULT = "難しさがある", _("難しさがある")
    NOT_STARTED = "未着手", _("未着手")


class Monitoring(models.Model):
    """モニタリング: a dated check of a plan in force, goal by goal."""

    plan = models.ForeignKey(
        SupportPlan, verbose_name=_("支援計画"), on_delete=models.PROTECT, related_name="monitorings"
    )
    monitored_on = models.DateField(_("実施日"), validators=[not_in_the_future])
    monitored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("実施者"), on_delete=models.PROTECT, related_name="+"
    )
    comment = text(_("全体の様子"))
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    PERSONAL_TEXT = ["comment"]

    class Meta:
        verbose_name = verbose_name_plural = _("モニタリング")
        ordering = ["monitored_on", "id"]

    def __str__(self) -> str:
        return f"{self.monitored_on:%Y/%m/%d} {_('モニタリング')}"


class GoalProgress(models.Model):
    monitoring = models.ForeignKey(Monitoring, on_delete=models.PROTECT, related_name="goals")
    goal = models.ForeignKey(
        PlanGoal, verbose_name=_("短期目標"), on_delete=models.PROTECT, related_name="progress"
    )
    progress = models.CharField(_("様子"), max_length=10, choices=Progress.choices)
    comment = models.CharField(_("コメント"), max_length=500, blank=True)

    history = HistoricalRecords()
    PERSONAL_TEXT = ["comment"]

    class Meta:
        verbose_name = verbose_name_plural = _("目標ごとの様子")
        ordering = ["monitoring", "goal"]
        constraints = [
            models.UniqueConstraint(
                fields=["monitoring", "goal"],
                name="goal_progress_once_per_monitoring",
                violation_error_message=_("同じ短期目標を2回記録しています。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.progress}"


class SharedItem(models.TextChoices):
    CONSULTATIONS = "相談内容", _("相談内容")
    ASSESSMENT = "アセスメント", _("アセスメント")
    PLAN = "支援計画", _("支援計画")


class SharingConsentQuerySet(models.QuerySet):
    def in_force(self, on):
        return self.filter(valid_from__lte=on).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=on),
            models.Q(withdrawn_on__isnull=True) | models.Q(withdrawn_on__gt=on),
        )


def _agency_key(name: str) -> str:
    """An agency's name as compared: NFKC, no spaces, any case (「保健所」 in 「春日 保健所」)."""
    return normalize_text(name).casefold()


class SharingConsent(models.Model):
    """情報共有の同意: the person (or the family) agrees that named agencies, or kinds of agency,
    may receive what is listed, from a date, maybe until a date; it can be withdrawn."""

    client = models.ForeignKey(
        Client, verbose_name=_("利用者"), on_delete=models.PROTECT, related_name="sharing_consents"
    )
    agencies = models.TextField(
        _("共有先"),
        max_length=2000,
        help_text=_(
            "機関名または機関の種類を1行に1つ（例: 保健所、○○市福祉課）。所属にこの言葉を含む参加者が対象です。"
        ),
    )
    items = models.JSONField(_("共有する内容"), default=list)
    given_by = models.CharField(_("同意した人"), max_length=10, choices=AgreedWith.choices)
    valid_from = models.DateField(_("同意日（から）"), validators=[not_in_the_future])
    valid_until = models.DateField(_("期限（まで）"), null=True, blank=True)
    withdrawn_on = models.DateField(_("撤回日"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("記録した職員"), on_delete=models.PROTECT, related_name="+"
    )
    note = text(_("備考"))
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = SharingConsentQuerySet.as_manager()
    PERSONAL_TEXT = ["note"]

    class Meta:
        verbose_name = verbose_name_plural = _("情報共有の同意")
        ordering = ["-valid_from", "-id"]

    def __str__(self) -> str:
        return f"{self.valid_from:%Y/%m/%d} {'、'.join(self.agency_list)}"

    @property
    def agency_list(self) -> list[str]:
        return [line.strip() for line in self.agencies.splitlines() if line.strip()]

    def items_display(self) -> str:
        return "、".join(str(SharedItem(i).label) for i in self.items if i in SharedItem.values)

    def in_force_on(self, on) -> bool:
        return (
            self.valid_from <= on
            and (self.valid_until is None or on <= self.valid_until)
            and (self.withdrawn_on is None or on < self.withdrawn_on)
        )

    def covers(self, organisation: str, on) -> bool:
        """Whether a participant of `organisation` may receive the client's information on `on`:
        one of the named agencies (or kinds, e.g. 保健所) is part of the organisation's name."""
        name = _agency_key(organisation)
        return (
            bool(name)
            and bool(self.items)
            and self.in_force_on(on)
            and any(_agency_key(agency) in name for agency in self.agency_list)
        )


class MeetingKind(models.TextChoices):
    IN_HOUSE = "所内", _("所内")
    MUNICIPAL = "市町村主催", _("市町村主催")
    AGENCIES = "関係機関", _("関係機関")


class CaseMeeting(models.Model):
    """ケース会議・ケース検討会: one meeting may discuss several clients (支援者は一人で抱えない)."""

    date = models.DateField(_("開催日"), validators=[not_in_the_future])
    office = models.ForeignKey(
        "hikikomori.Office", verbose_name=_("拠点"), on_delete=models.PROTECT, related_name="case_meetings"
    )
    kind = models.CharField(_("種類"), max_length=10, choices=MeetingKind.choices)
    municipality = models.ForeignKey(
        "hikikomori.Municipality",
        verbose_name=_("市町村"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    municipal_day = models.OneToOneField(
        "outreach.MunicipalDay",
        verbose_name=_("市町村相談会"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_meeting",
    )
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("参加した職員"), related_name="+")
    clients = models.ManyToManyField(Client, verbose_name=_("検討した利用者"), related_name="case_meetings")
    summary = text(_("検討の内容"))
    version = models.PositiveIntegerField(default=1, editable=False)
    # Empty only for a meeting imported from the command line.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[staff, clients])
    PERSONAL_TEXT = ["summary"]

    class Meta:
        verbose_name = verbose_name_plural = _("ケース会議")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date:%Y/%m/%d} {self.get_kind_display()}"


class SharingBasis(models.TextChoices):
    CONSENT = "本人の同意", _("本人の同意（情報共有の同意）")
    SUPPORT_MEETING = "支援会議", _("支援会議（法定の守秘義務）")
    OTHER_LAW = "その他の法令", _("その他の法令に基づく")
    NOT_SHARED = "共有しない", _("共有しない（利用者の情報は伝えない）")


class ExternalParticipant(models.Model):
    """People of partner agencies at a meeting: a name and an organisation, never an account."""

    meeting = models.ForeignKey(CaseMeeting, on_delete=models.PROTECT, related_name="externals")
    name = models.CharField(_("氏名"), max_length=100)
    organisation = models.CharField(_("所属"), max_length=100, blank=True)
    # On what basis the participant receives the clients' information; 共有しない: present, but not
    # told about the clients. Empty for meetings recorded before the basis was kept.
    sharing_basis = models.CharField(
        _("情報共有の根拠"), max_length=20, choices=SharingBasis.choices, blank=True, db_default=""
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("外部の参加者")
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）" if self.organisation else self.name

    @property
    def receives_information(self) -> bool:
        return self.sharing_basis != SharingBasis.NOT_SHARED


class MeetingDecisionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_on__isnull=True)


class MeetingDecision(models.Model):
    """A decision with an owner and a due date: it stays on the owner's ホーム until done."""

    meeting = models.ForeignKey(CaseMeeting, on_delete=models.PROTECT, related_name="decisions")
    content = models.CharField(_("決定事項"), max_length=500)
    client = models.ForeignKey(
        Client, verbose_name=_("利用者"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("担当"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("期限"))
    done_on = models.DateField(_("対応日"), null=True, blank=True)

    history = HistoricalRecords()
    objects = MeetingDecisionQuerySet.as_manager()
    PERSONAL_TEXT = ["content"]

    class Meta:
        verbose_name = verbose_name_plural = _("決定事項")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.content
