"""The organisation core: offices, regions, municipalities and staff."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constraints import ChecksInPython


class Role(models.TextChoices):
    """Roles are auth groups of these names, created by migration."""

    COORDINATOR = "coordinator", _("ひきこもり支援コーディネーター")
    SUPERVISOR = "supervisor", _("センター担当者・管理職")
    ADMIN = "admin", _("システム管理者")


class Region(models.Model):
    """A residence region (居住地域) as the center counts them, e.g. 筑豊地域."""

    name = models.CharField(_("地域名"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("居住地域")
        verbose_name_plural = _("居住地域")

    def __str__(self) -> str:
        return self.name


class HealthArea(models.Model):
    """A public-health-centre area (保健所圏域); network meetings are held per area."""

    name = models.CharField(_("圏域名"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("保健所圏域")
        verbose_name_plural = _("保健所圏域")

    def __str__(self) -> str:
        return self.name


class OfficeQuerySet(models.QuerySet):
    def open_on(self, day):
        return self.filter(Q(opened_on__isnull=True) | Q(opened_on__lte=day)).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=day)
        )


class Office(ChecksInPython):
    """The center (センター) or a satellite office (サテライトオフィス)."""

    class Kind(models.TextChoices):
        CENTER = "center", _("センター")
        SATELLITE = "satellite", _("サテライトオフィス")

    name = models.CharField(_("拠点名"), max_length=100, unique=True)
    short_name = models.CharField(_("略称"), max_length=20, blank=True)
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices)
    location = models.CharField(_("所在市町村"), max_length=50, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    operator = models.CharField(_("委託先"), max_length=100, blank=True)
    case_number_prefix = models.CharField(
        _("ケース番号の接頭辞"),
        max_length=10,
        blank=True,
        validators=[
            RegexValidator(
                r"\d$", inverse_match=True, message=_("接頭辞は数字以外で終えてください（例: K-）。")
            )
        ],
        help_text=_(
            "この拠点で登録する利用者のケース番号の先頭（例: K-）。続く番号（0001から）は自動で振られます。"
        ),
    )
    opened_on = models.DateField(_("開設日"), null=True, blank=True)
    closed_on = models.DateField(_("閉鎖日"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("拠点")
        verbose_name_plural = _("拠点")
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="office_closed_after_opened",
                violation_error_message=_("閉鎖日は開設日以降にしてください。"),
            )
        ]

    def is_open_on(self, day) -> bool:
        """OfficeQuerySet.open_on, for one office already read."""
        return (self.opened_on is None or self.opened_on <= day) and (
            self.closed_on is None or self.closed_on > day
        )

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        today = timezone.localdate()
        return (self.opened_on is None or self.opened_on <= today) and (
            self.closed_on is None or self.closed_on > today
        )


class Municipality(models.Model):
    """A municipality (市町村) with the center's region and the office serving it."""

    name = models.CharField(_("市町村名"), max_length=50, unique=True)
    code = models.CharField(_("地方公共団体コード"), max_length=6, unique=True, null=True, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("居住地域"), on_delete=models.PROTECT, related_name="+")
    official_region = models.CharField(_("県の地域区分"), max_length=50, blank=True)
    health_area = models.ForeignKey(
        HealthArea,
        verbose_name=_("保健所圏域"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
    )
    jurisdiction = models.ForeignKey(
        Office,
        verbose_name=_("管轄拠点"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
    )
    sort_order = models.PositiveIntegerField(_("表示順"), default=0)
    consultation_day_times = models.JSONField(
        _("市町村相談会の時間枠（既定）"),
        default=list,
        blank=True,
        help_text=_("例: 10:00, 11:00, 13:30。空欄は 10:00, 11:00, 13:30。相談会ごとに変えられます。"),
    )

    class Meta:
        ordering = ["sort_order", "code", "name"]
        verbose_name = _("市町村")
        verbose_name_plural = _("市町村")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A staff account; belongs to one or more offices (兼任)."""

    must_change_password = models.BooleanField(
        _("次回ログイン時にパスワード変更"),
        default=False,
        help_text=_("管理者が設定したパスワードは、本人が最初のログインで変更します。"),
    )
    two_factor_required = models.BooleanField(
        _("2段階認証が必要"),
        default=False,
        help_text=_(
            "役割によらず認証アプリでの確認を求めます（認証アプリのリセット後は自動で設定されます）。"
        ),
    )
    offices = models.ManyToManyField(
        Office,
        verbose_name=_("所属拠点"),
        through="Membership",
        related_name="staff",
        blank=True,
    )

    class Meta:
        verbose_name = _("職員")
        verbose_name_plural = _("職員")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        full = f"{self.last_name} {self.first_name}".strip()
        return full or self.username

    def has_role(self, role: str) -> bool:
        if not self.is_active:
            return False
        cache = getattr(self, "_role_cache", None)
        if cache is None:
            cache = set(self.groups.values_list("name", flat=True))
            self._role_cache = cache
        return role in cache

    @property
    def is_supervisor(self) -> bool:
        return self.has_role(Role.SUPERVISOR)

    @property
    def is_system_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    @property
    def requires_two_factor(self) -> bool:
        return self.two_factor_required or self.has_role(Role.SUPERVISOR) or self.has_role(Role.ADMIN)

    @property
    def roles_requiring_two_factor(self) -> str:
        """The user's roles that require the second factor, by their Japanese names."""
        return "、".join(str(role.label) for role in (Role.SUPERVISOR, Role.ADMIN) if self.has_role(role))

    @property
    def primary_office(self) -> Office | None:
        membership = (
            self.memberships.select_related("office").order_by("-is_primary", "office__sort_order").first()
        )
        return membership.office if membership else None


class Membership(models.Model):
    """A staff member's membership of an office."""

    user = models.ForeignKey(
        User, verbose_name=_("職員"), on_delete=models.CASCADE, related_name="memberships"
    )
    office = models.ForeignKey(
        Office, verbose_name=_("拠点"), on_delete=models.PROTECT, related_name="memberships"
    )
    is_primary = models.BooleanField(_("主たる所属"), default=False)

    class Meta:
        verbose_name = _("所属")
        verbose_name_plural = _("所属")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "office"],
                name="membership_unique_user_office",
                violation_error_message=_("この拠点にはすでに所属しています。"),
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(is_primary=True),
                name="membership_one_primary_per_user",
                violation_error_message=_("主たる所属は1人に1つだけです。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.office}"


class AuditEvent(models.Model):
    """Append-only audit trail: who did what, when. Never holds passwords or consultation text."""

    class Action(models.TextChoices):
        VIEW = "view", _("閲覧")
        CREATE = "create", _("登録")
        UPDATE = "update", _("変更")
        ARCHIVE = "archive", _("アーカイブ")
        RESTORE = "restore", _("アーカイブから戻す")
        EXPORT = "export", _("出力")
        IMPORT = "import", _("一括登録")
        MERGE = "merge", _("統合")
        TRANSFER = "transfer", _("担当拠点の変更")
        LOGIN = "login", _("ログイン")
        LOGIN_FAILED = "login_failed", _("ログイン失敗")
        LOGOUT = "logout", _("ログアウト")
        DENIED = "denied", _("アクセス拒否")
        FINALIZE = "finalize", _("確定")
        IMPORT_PREVIEW = "import_preview", _("一括登録の確認")
        PASSWORD_OK = "password_ok", _("パスワード認証")
        TWO_FACTOR_ENROL = "two_factor_enrol", _("認証アプリの登録")
        TWO_FACTOR_REENROL = "two_factor_reenrol", _("認証アプリの再登録")
        TWO_FACTOR_RESET = "two_factor_reset", _("認証アプリのリセット")
        PASSWORD_CHANGE = "password_change", _("パスワード変更")
        ACCOUNT_CHANGE = "account_change", _("アカウントの変更")
        ANONYMISE = "anonymise", _("匿名化")
        RETENTION_LIST = "retention_list", _("保存期間満了の一覧作成")
        PRINT = "print", _("印刷")

    at = models.DateTimeField(_("日時"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User, verbose_name=_("職員"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    target = models.CharField(_("対象"), max_length=100, blank=True)
    target_id = models.CharField(_("対象ID"), max_length=50, blank=True)
    detail = models.JSONField(_("詳細"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IPアドレス"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("監査ログ")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        who = self.user or _("システム")
        return f"{timezone.localtime(self.at):%Y/%m/%d %H:%M} {who} {self.get_action_display()} {self.target}"


class Submission(models.Model):
    """A form's submission, claimed once (hikikomori.submissions): a copy sent again is sent
    where the first went. A user's rows older than a day go at their next login."""

    token = models.CharField(max_length=32, primary_key=True)
    # None: sent without logging in (the public Web相談 form)
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, related_name="+")
    path = models.CharField(max_length=200)
    redirected_to = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = _("送信済みフォーム")
        indexes = [models.Index(fields=["user", "at"], name="submission_user_at")]

    def __str__(self) -> str:
        return f"{self.path} {self.token}"


class AccessRequest(ChecksInPython):
    """A grant of access to case data (a coordinator or supervisor role, an office) asked for in
    管理. It takes effect only when a supervisor other than the one who asked approves it
    (hikikomori.access): no single person both grants case access and knows the credentials."""

    user = models.ForeignKey(
        User, verbose_name=_("職員"), on_delete=models.CASCADE, related_name="access_requests"
    )
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices, blank=True)
    office = models.ForeignKey(
        Office, verbose_name=_("拠点"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_primary = models.BooleanField(_("主たる所属"), default=False)
    requested_by = models.ForeignKey(
        User, verbose_name=_("依頼した人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("依頼日時"), default=timezone.now)
    decided_by = models.ForeignKey(
        User, verbose_name=_("判断した人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("判断日時"), null=True, blank=True)
    approved = models.BooleanField(_("承認"), null=True)

    class Meta:
        verbose_name = verbose_name_plural = _("権限付与の依頼")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(role="") & models.Q(office__isnull=False))
                | (~models.Q(role="") & models.Q(office__isnull=True)),
                name="access_request_role_or_office",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.what}"

    @property
    def what(self) -> str:
        if self.role:
            return str(_("役割「%(role)s」") % {"role": Role(self.role).label})
        return str(_("所属「%(office)s」") % {"office": self.office})
