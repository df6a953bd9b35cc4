"""開示請求: everything held about one person, as a workbook with a sheet per kind of record."""

from __future__ import annotations

import io

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Client, Consultation, FamilyMember
from cases.timeline import client_changes
from casework.models import Assessment, CaseMeeting, SharingConsent, SupportPlan
from hikikomori import history
from hikikomori.audit import target_label
from hikikomori.exports import write_printable_workbook
from hikikomori.models import AuditEvent
from outreach.models import Attendance, Reservation

from .services import same_person_ids

EVERYTHING = 100_000  # no practical limit on a person's change history


def _date(value) -> str:
    return f"{value:%Y/%m/%d}" if value else ""


def _when(value) -> str:
    return f"{timezone.localtime(value):%Y/%m/%d %H:%M}" if value else ""


def _records(client: Client):
    """The client's record and every record merged into it (the same person)."""
    return (
        Client.objects.filter(pk__in=same_person_ids(client))
        .select_related(
            "office",
            "municipality",
            "referral_route",
            "closure_reason",
            "merged_into",
            "primary_worker",
            "secondary_worker",
        )
        .order_by("pk")
    )


def _profile(records) -> list[list]:
    rows = [[_("項目"), _("内容")]]
    for record in records:
        rows += [
            [_("ケース番号"), record.case_number],
            [_("氏名"), record.name],
            [_("フリガナ"), record.kana],
            [_("性別"), record.get_sex_display()],
            [_("生年月日"), _date(record.birth_date)],
            [_("居住市町村"), str(record.municipality or "")],
            [_("担当拠点"), str(record.office)],
            [_("主担当"), record.primary_worker.display_name if record.primary_worker else ""],
            [_("副担当"), record.secondary_worker.display_name if record.secondary_worker else ""],
            [_("相談経路"), str(record.referral_route or "")],
            [_("ひきこもり期間"), record.get_withdrawal_period_display()],
            [_("状態"), record.get_status_display()],
            [_("終結日"), _date(record.closed_on)],
            [_("終結理由"), str(record.closure_reason or "")],
            [_("登録日"), _date(record.registered_on)],
            [_("備考"), record.notes],
        ]
        if record.merged_into_id:
            rows.append([_("統合先"), record.merged_into.case_number])
        if record.archived_at:
            rows.append([_("アーカイブ日時"), _when(record.archived_at)])
        rows.append(["", ""])
    return rows


def _family(ids) -> list[list]:
    rows = [[_("氏名"), _("続柄"), _("生年月日"), _("連絡先"), _("アーカイブ日時")]]
    for member in FamilyMember.objects.filter(client__in=ids).order_by("pk"):
        rows.append(
            [
                member.name,
                member.get_relationship_display(),
                _date(member.birth_date),
                member.contact,
                _when(member.archived_at),
            ]
        )
    return rows


def _consultations(consultations) -> list[list]:
    rows = [
        [
            _("相談日"),
            _("開始時刻"),
            _("所要時間（分）"),
            _("拠点"),
            _("相談方法"),
            _("相談者"),
            _("相談した家族"),
            _("関係機関名"),
            _("担当者"),
            _("内容"),
            _("つなぎ先"),
            _("次回予定"),
            _("記録番号"),
            _("アーカイブの理由"),
        ]
    ]
    for c in consultations:
        staff = [s.display_name for s in c.staff.all()] + ([c.staff_names] if c.staff_names else [])
        rows.append(
            [
                _date(c.date),
                f"{c.start_time:%H:%M}" if c.start_time else "",
                c.duration_minutes,
                str(c.office),
                c.get_method_display(),
                c.get_consulter_display(),
                c.family_member.name if c.family_member else "",
                c.agency,
                "、".join(staff),
                c.content,
                str(c.referral_destination or ""),
                _date(c.follow_up_on),
                c.record_number or "",
                c.archive_reason,
            ]
        )
    return rows


def _attendance(ids) -> list[list]:
    rows = [[_("開催日"), _("プログラム"), _("拠点"), _("参加者")]]
    attended = (
        Attendance.objects.filter(Q(client__in=ids) | Q(family_member__client__in=ids))
        .select_related("session__program", "session__office", "family_member")
        .order_by("session__date", "pk")
    )
    for a in attended:
        who = str(a.family_member) if a.family_member_id else _("本人")
        rows.append([_date(a.session.date), str(a.session.program), str(a.session.office), who])
    return rows


def _reservations(ids) -> list[list]:
    rows = [[_("実施日"), _("市町村"), _("時間"), _("予約者"), _("取消日時")]]
    booked = (
        Reservation.objects.filter(Q(client__in=ids) | Q(family_member__client__in=ids))
        .select_related("day__municipality", "family_member")
        .order_by("day__date", "time")
    )
    for r in booked:
        who = str(r.family_member) if r.family_member_id else _("本人")
        rows.append(
            [_date(r.day.date), str(r.day.municipality), f"{r.time:%H:%M}", who, _when(r.cancelled_at)]
        )
    return rows


def _assessments(ids) -> list[list]:
    fields = [*Assessment.RECORDED, *Assessment.PERSONAL_TEXT]
    labels = [str(Assessment._meta.get_field(name).verbose_name) for name in fields]
    rows = [labels]
    for a in (
        Assessment.objects.filter(client__in=ids).select_related("assessed_by").order_by("assessed_on", "pk")
    ):
        values = []
        for name in fields:
            value = getattr(a, name)
            if name in ("method", "outing", "withdrawal_period"):
                value = getattr(a, f"get_{name}_display")()
            elif name == "person_met":
                value = _("はい") if value else _("いいえ")
            elif name == "assessed_on":
                value = _date(value)
            values.append(value if isinstance(value, str | int) else str(value))
        rows.append(values)
    return rows


def _plans(ids) -> list[list]:
    rows = [
        [
            _("作成日"),
            _("作成者"),
            _("長期目標"),
            _("決定・同意"),
            _("次回見直し日"),
            _("区分"),
            _("内容"),
            _("結果・担当"),
            _("コメント・頻度"),
            _("見直し日"),
        ]
    ]
    plans = (
        SupportPlan.objects.filter(client__in=ids)
        .select_related("made_by", "review__reviewed_by")
        .prefetch_related(
            "goals__outcome",
            "supports__staff",
            "supports__agency",
            "monitorings__goals__goal",
            "monitorings__monitored_by",
        )
        .order_by("made_on", "pk")
    )
    for plan in plans:
        review = getattr(plan, "review", None)
        head = [
            _date(plan.made_on),
            str(plan.made_by),
            plan.long_term_goal,
            _decision_and_consent(plan),
            _date(plan.next_review_on),
        ]
        reviewed = _date(review.reviewed_on) if review else ""
        for goal in plan.goals.all():
            outcome = getattr(goal, "outcome", None)
            rows.append(
                [
                    *head,
                    _("短期目標（%(basis)s）") % {"basis": goal.basis},
                    goal.text,
                    outcome.outcome if outcome else "",
                    outcome.comment if outcome else "",
                    reviewed,
                ]
            )
        for support in plan.supports.all():
            who = "、".join(str(x) for x in (support.staff, support.agency) if x)
            rows.append([*head, _("予定する支援"), support.content, who, support.frequency, ""])
        for monitoring in plan.monitorings.all():
            progress = "\n".join(
                f"{g.goal.text}: {g.progress} {g.comment}".strip() for g in monitoring.goals.all()
            )
            rows.append(
                [
                    *head,
                    _("モニタリング"),
                    progress,
                    str(monitoring.monitored_by),
                    monitoring.comment,
                    _date(monitoring.monitored_on),
                ]
            )
        if review:
            rows.append(
                [
                    *head,
                    _("評価（%(kind)s）") % {"kind": review.kind},
                    review.comment,
                    str(review.reviewed_by),
                    "",
                    reviewed,
                ]
            )
    return rows


def _decision_and_consent(plan) -> str:
    return "\n".join([plan.state, plan.decision_text, plan.consent_text])


def _consents(ids) -> list[list]:
    rows = [
        [
            _("同意日"),
            _("共有先"),
            _("共有する内容"),
            _("同意した人"),
            _("期限"),
            _("撤回日"),
            _("記録した職員"),
            _("備考"),
        ]
    ]
    for c in (
        SharingConsent.objects.filter(client__in=ids)
        .select_related("recorded_by")
        .order_by("valid_from", "pk")
    ):
        rows.append(
            [_date(c.valid_from), c.agencies, c.items_display(), c.given_by, _date(c.valid_until),
             _date(c.withdrawn_on), str(c.recorded_by), c.note]
        )  # fmt: skip
    return rows


def _meetings(ids) -> list[list]:
    rows = [[_("開催日"), _("種類"), _("拠点"), _("参加者"), _("検討の内容"), _("決定事項")]]
    meetings = (
        CaseMeeting.objects.filter(clients__in=ids)
        .distinct()
        .select_related("office")
        .prefetch_related("staff", "externals", "decisions__owner")
        .order_by("date", "pk")
    )
    for m in meetings:
        people = [s.display_name for s in m.staff.all()] + [
            f"{e}（{e.sharing_basis}）" if e.sharing_basis else str(e) for e in m.externals.all()
        ]
        decisions = [f"{d.content}（{d.owner.display_name}、{_date(d.due_on)}）" for d in m.decisions.all()]
        rows.append(
            [
                _date(m.date),
                m.get_kind_display(),
                str(m.office),
                "、".join(people),
                m.summary,
                "\n".join(decisions),
            ]
        )
    return rows


def _changes(records, consultations) -> list[list]:
    rows = [[_("日時"), _("職員"), _("操作"), _("対象"), _("変更の内容"), _("理由")]]
    found = []
    for record in records:
        found += client_changes(record, limit=EVERYTHING, shorten=None)
    found += history.entries(
        Consultation.history.filter(id__in=[c.pk for c in consultations]),
        limit=EVERYTHING,
        subject=lambda row: _("相談（%(date)s）") % {"date": _date(row.date)},
        shorten=None,
    )
    for entry in sorted(found, key=lambda e: e.at):
        text = "\n".join(f"{c.label}: {c.old} → {c.new}" for c in entry.changes)
        rows.append(
            [_when(entry.at), str(entry.by or _("システム")), entry.action, entry.subject, text, entry.reason]
        )
    return rows


def _access(ids, consultation_ids) -> list[list]:
    assessment_ids = Assessment.objects.filter(client__in=ids).values_list("pk", flat=True)
    plan_ids = SupportPlan.objects.filter(client__in=ids).values_list("pk", flat=True)
    meeting_ids = CaseMeeting.objects.filter(clients__in=ids).values_list("pk", flat=True)
    consent_ids = SharingConsent.objects.filter(client__in=ids).values_list("pk", flat=True)
    rows = [[_("日時"), _("職員"), _("操作"), _("対象")]]
    events = (
        AuditEvent.objects.filter(
            Q(target="client", target_id__in=[str(pk) for pk in ids])
            | Q(target="consultation", target_id__in=[str(pk) for pk in consultation_ids])
            | Q(target="assessment", target_id__in=[str(pk) for pk in assessment_ids])
            | Q(target="support_plan", target_id__in=[str(pk) for pk in plan_ids])
            | Q(target="case_meeting", target_id__in=[str(pk) for pk in meeting_ids])
            | Q(target="sharing_consent", target_id__in=[str(pk) for pk in consent_ids])
        )
        .select_related("user")
        .order_by("at", "pk")
    )
    for event in events:
        rows.append(
            [
                _when(event.at),
                str(event.user or _("システム")),
                event.get_action_display(),
                target_label(event.target),
            ]
        )
    return rows


def disclosure_workbook(client: Client, *, by) -> bytes:
    records = list(_records(client))
    ids = [r.pk for r in records]
    consultations = list(
        Consultation.objects.filter(client__in=ids)
        .select_related("office", "family_member", "referral_destination")
        .prefetch_related("staff")
        .order_by("date", "start_time", "pk")
    )
    consultation_ids = [c.pk for c in consultations]
    cover = [
        [_("項目"), _("内容")],
        [_("開示対象"), client.case_number],
        [_("作成日時"), _when(timezone.now())],
        [_("作成者"), str(by)],
        [
            _("内容"),
            _(
                "利用者の情報、家族、相談記録、プログラム参加、市町村相談会の予約、アセスメント、"
                "支援計画（決定・同意・モニタリング・評価）、ケース会議、情報共有の同意、変更の記録、閲覧・操作の記録"
            ),
        ],
    ]
    sheets = [
        (_("開示の概要"), cover),
        (_("利用者"), _profile(records)),
        (_("家族"), _family(ids)),
        (_("相談記録"), _consultations(consultations)),
        (_("プログラム参加"), _attendance(ids)),
        (_("市町村相談会の予約"), _reservations(ids)),
        (_("アセスメント"), _assessments(ids)),
        (_("支援計画"), _plans(ids)),
        (_("ケース会議"), _meetings(ids)),
        (_("情報共有の同意"), _consents(ids)),
        (_("変更の記録"), _changes(records, consultations)),
        (_("閲覧・操作の記録"), _access(ids, consultation_ids)),
    ]
    buffer = io.BytesIO()
    write_printable_workbook(
        sheets,
        buffer,
        header=_("開示請求 %(case)s") % {"case": client.case_number},
        printed_on=timezone.localdate(),
    )
    return buffer.getvalue()
