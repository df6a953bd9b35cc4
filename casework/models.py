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


class SupportPlanQuerySet(models.QuerySet):
    def current(self):
        """Plans not reviewed yet: a client's current plan is the latest of them."""
        return self.filter(review__isnull=True)

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
    agreed_with = models.CharField(_("合意した相手"), max_length=10, choices=AgreedWith.choices, blank=True)
    agreed_on = models.DateField(_("合意した日"), null=True, blank=True, validators=[not_in_the_future])
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

    PERSONAL_TEXT = ["long_term_goal"]

    class Meta:
        verbose_name = verbose_name_plural = _("支援計画")
        ordering = ["-made_on", "-id"]

    def __str__(self) -> str:
        return f"{self.made_on:%Y/%m/%d} {_('支援計画')}"


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
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    PERSONAL_TEXT = ["comment"]

    class Meta:
        verbose_name = verbose_name_plural = _("見直し")

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


class ExternalParticipant(models.Model):
    """People of partner agencies at a meeting: a name and an organisation, never an account."""

    meeting = models.ForeignKey(CaseMeeting, on_delete=models.PROTECT, related_name="externals")
    name = models.CharField(_("氏名"), max_length=100)
    organisation = models.CharField(_("所属"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("外部の参加者")
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）" if self.organisation else self.name


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
