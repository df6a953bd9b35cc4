from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import access, slots, twofactor
from .audit import target_label
from .forms import JapaneseDateField
from .models import AuditEvent, HealthArea, Membership, Municipality, Office, Region, Role, User


def _is_system_admin(request) -> bool:
    return request.user.is_active and request.user.has_role(Role.ADMIN)


# 管理 is for system admins only: supervisors and coordinators work in the app's screens.
admin.site.has_permission = _is_system_admin


class RoleAdmin(admin.ModelAdmin):
    """Full management for system admins; records are archived or closed, never deleted. Dates
    are typed as in the app's forms (2024/4/1, 令和6年4月1日, R6.4.1)."""

    formfield_overrides = {models.DateField: {"form_class": JapaneseDateField}}

    def has_module_permission(self, request):
        return _is_system_admin(request)

    def get_changelist_form(self, request, **kwargs):
        """A list's editable cells are named for screen readers: 「表示順（福岡県…）」."""
        base = super().get_changelist_form(request, **kwargs)

        class Labelled(base):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                _label_fields(self, str(self.instance))

        return Labelled

    def has_view_permission(self, request, obj=None):
        return _is_system_admin(request)

    def has_add_permission(self, request):
        return _is_system_admin(request)

    def has_change_permission(self, request, obj=None):
        return _is_system_admin(request)

    def has_delete_permission(self, request, obj=None):
        return False


class OfficeForm(forms.ModelForm):
    """An office always has its ケース番号の接頭辞: its staff's new clients are numbered from it."""

    class Meta:
        model = Office
        fields = [
            "name", "short_name", "kind", "case_number_prefix", "location", "address", "operator",
            "opened_on", "closed_on", "sort_order",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_number_prefix"].required = True
        self.fields["case_number_prefix"].error_messages["required"] = _(
            "ケース番号の接頭辞を入力してください（例: K-）。この拠点の新しい利用者の番号になります。"
        )


@admin.register(Office)
class OfficeAdmin(RoleAdmin):
    form = OfficeForm
    list_display = [
        "name", "kind", "case_number_prefix", "location", "operator", "opened_on", "closed_on", "sort_order",
    ]  # fmt: skip
    list_editable = ["sort_order"]


@admin.register(Region)
class RegionAdmin(RoleAdmin):
    list_display = ["name", "sort_order"]
    list_editable = ["sort_order"]


@admin.register(HealthArea)
class HealthAreaAdmin(RoleAdmin):
    list_display = ["name", "sort_order"]
    list_editable = ["sort_order"]


@admin.register(Municipality)
class MunicipalityAdmin(RoleAdmin):
    list_display = ["name", "code", "region", "official_region", "health_area", "jurisdiction"]
    list_filter = ["region", "health_area", "jurisdiction"]
    search_fields = ["name", "code"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "consultation_day_times":  # typed on one line: 10:00, 11:00, 13:30
            return slots.TimesField(label=db_field.verbose_name, help_text=db_field.help_text, required=False)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def _label_fields(form, row: str) -> None:
    """Name each field of a table row (the admin shows its label only as a column header)."""
    for field in form.fields.values():
        widget = getattr(field.widget, "widget", field.widget)  # inside the admin's related-field wrapper
        widget.attrs["aria-label"] = f"{field.label}（{row}）"


class MembershipFormSet(BaseInlineFormSet):
    """A person's offices: exactly one of them is the primary office (the default of every form)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        _label_fields(form, _("%(n)s行目") % {"n": index + 1} if index is not None else _("新しい行"))

    def clean(self):
        super().clean()
        kept = [
            f
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("office")
        ]
        primaries = [f for f in kept if f.cleaned_data.get("is_primary")]
        if kept and len(primaries) != 1:
            raise ValidationError(
                _("主たる所属を1つだけ選んでください（いま%(n)s件）。") % {"n": len(primaries)}
            )


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 1

    def has_view_permission(self, request, obj=None):
        return _is_system_admin(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class StaffCreationForm(forms.ModelForm):
    """A new account without a password: an admin never chooses one. Its owner sets it through
    the one-time link a supervisor receives when approving case access (hikikomori.access), or,
    for an account without case access, one the admin issues (action below)."""

    class Meta:
        model = User
        fields = ["username", "last_name", "first_name", "email", "groups"]
        labels = {"groups": _("役割")}
        help_texts = {
            "groups": _("相談記録を見られる役割は、センター担当者・管理職の承認後に有効になります。")
        }

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


def role_label(group) -> str:
    """A role (auth group) by its Japanese name."""
    return str(Role(group.name).label) if group.name in Role.values else group.name


class RoleFilter(admin.SimpleListFilter):
    title = _("役割")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return list(Role.choices)

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(groups__name=value) if value in Role.values else queryset


@admin.register(User)
class UserAdmin(RoleAdmin, DjangoUserAdmin):
    """Staff accounts. Rights come from roles (groups) only: no superuser flag, no per-user
    permissions. An admin cannot change their own roles or deactivate themselves; every change
    of rights is audited with the acting admin (hikikomori.signals)."""

    inlines = [MembershipInline]
    add_form = StaffCreationForm
    add_form_template = "admin/change_form.html"  # not Django's "details after saving" page: all is here
    # a new staff member's name, roles and offices (the inline below) are set on the first screen
    add_fieldsets = [
        (None, {"fields": ["username"]}),
        (_("氏名・連絡先"), {"fields": ["last_name", "first_name", "email"]}),
        (_("役割"), {"fields": ["groups"]}),
    ]
    fieldsets = [
        (None, {"fields": ["username"]}),
        (_("氏名・連絡先"), {"fields": ["last_name", "first_name", "email"]}),
        (_("役割"), {"fields": ["is_active", "groups"]}),
        (
            _("ログイン"),
            {"fields": ["must_change_password", "two_factor_required", "last_login", "date_joined"]},
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]
    formfield_overrides = {
        **RoleAdmin.formfield_overrides,
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }
    actions = ["reset_two_factor", "issue_setup_link"]
    list_display = ["account_name", "last_name", "first_name", "is_active", "role_names", "office_names"]
    list_display_links = ["account_name"]
    list_filter = ["is_active", RoleFilter, "offices"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups" and field is not None:
            field.label_from_instance = role_label
        return field

    def _is_own(self, request, obj) -> bool:
        return obj is not None and obj.pk == request.user.pk

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self._is_own(request, obj):
            fields += ["is_active", "role_names"]  # another admin changes one's own rights
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._is_own(request, obj):
            return fieldsets
        # one's own roles are shown by their Japanese names, not as the groups' codes
        return [
            (title, {**opts, "fields": ["role_names" if f == "groups" else f for f in opts["fields"]]})
            for title, opts in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and not obj.is_active and "is_active" in form.changed_data:
            carried = obj.primary_clients.filter(
                merged_into__isnull=True, anonymised_at__isnull=True
            ).exclude(status="終結")
            count = carried.count()
            if count:
                self.message_user(
                    request,
                    _(
                        "%(user)s さんは %(count)s人の利用者の主担当です。引継ぎが済むまで「担当者なし」と表示されます"
                        "（利用者 → 引継ぎ）。"
                    )
                    % {"user": obj.display_name, "count": count},
                    messages.WARNING,
                )

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied(_("管理からはパスワードを設定できません。"))

    def save_related(self, request, form, formsets, change):
        """Roles that open case data are asked for, not given: a supervisor approves them."""
        user = form.instance
        before = set(user.groups.values_list("name", flat=True)) if change else set()
        chosen = list(form.cleaned_data.get("groups", []))
        asked = [g.name for g in chosen if g.name in access.CASE_ROLES and g.name not in before]
        if "groups" in form.cleaned_data:
            form.cleaned_data["groups"] = [g for g in chosen if g.name not in asked]
        super().save_related(request, form, formsets, change)
        for role in asked:
            access.access_request(by=request.user, user=user, role=role)
        if asked or getattr(self, "_asked_offices", False):
            self.message_user(
                request,
                _(
                    "役割・所属の追加は、センター担当者・管理職が承認すると有効になります（ホームに表示されます）。"
                ),
                messages.WARNING,
            )

    def save_formset(self, request, form, formset, change):
        """A new office membership is asked for, like a role; removals and the primary flag of
        existing memberships take effect at once (taking access away needs no approval)."""
        self._asked_offices = False
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for removed in formset.deleted_objects:
            removed.delete()
        for membership in instances:
            if membership.pk is None:
                access.access_request(
                    by=request.user,
                    user=form.instance,
                    office=membership.office,
                    is_primary=membership.is_primary,
                )
                self._asked_offices = True
            else:
                membership.save()

    @admin.action(description=_("パスワード設定用リンクの発行（業務データを見られない職員のみ）"))
    def issue_setup_link(self, request, queryset):
        for user in queryset:
            if access.has_case_access(user) or user.access_requests.filter(decided_at__isnull=True).exists():
                self.message_user(
                    request,
                    _(
                        "%(user)s は相談記録を見られる（または依頼中の）職員です。リンクはセンター担当者・管理職が発行します。"
                    )
                    % {"user": user},
                    messages.ERROR,
                )
                continue
            user.set_unusable_password()
            user.save(update_fields=["password"])
            link = request.build_absolute_uri(access.setup_link(user))
            self.message_user(
                request,
                _("%(user)s のパスワード設定用リンク（1回限り）: %(link)s") % {"user": user, "link": link},
                messages.SUCCESS,
            )

    @admin.action(description=_("認証アプリのリセット（次回ログイン時に再登録）"))
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            twofactor.reset(user, by=request.user, request=request)
        self.message_user(
            request,
            _("%(count)d 人の認証アプリをリセットしました。") % {"count": len(queryset)},
            messages.SUCCESS,
        )

    @admin.display(description=_("ユーザー名"), ordering="username")
    def account_name(self, obj):
        return format_html('<span translate="no">{}</span>', obj.username)

    @admin.display(description=_("役割"))
    def role_names(self, obj):
        return "、".join(role_label(g) for g in obj.groups.all())

    @admin.display(description=_("所属拠点"))
    def office_names(self, obj):
        return "、".join(o.name for o in obj.offices.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups", "offices")


class TargetFilter(admin.SimpleListFilter):
    """対象 of the audit log; events without a target (a login, a logout) are 「（なし）」."""

    title = _("対象")
    parameter_name = "target"

    def lookups(self, request, model_admin):
        targets = AuditEvent.objects.order_by("target").values_list("target", flat=True).distinct()
        return [(t or "-", target_label(t)) for t in targets]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(target="" if value == "-" else value)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log: visible to system admins, never editable."""

    list_display = ["at", "user", "action", "target_name", "target_id", "ip_address"]
    list_filter = ["action", TargetFilter, ("at", admin.DateFieldListFilter), "user"]
    search_fields = ["target", "target_id", "user__username"]
    date_hierarchy = "at"

    @admin.display(description=_("対象"), ordering="target")
    def target_name(self, obj):
        return target_label(obj.target)

    def has_module_permission(self, request):
        return _is_system_admin(request)

    def has_view_permission(self, request, obj=None):
        return _is_system_admin(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
