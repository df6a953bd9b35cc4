"""The plan's life as case workers run it: a plan is 案 until a ケース会議 or a supervisor's 確認
decides it; only then is it 今の支援計画; the person's 同意 (or 同意なし with a reason), モニタリング
of each goal, 評価 at 見直し and at 終結 (終結 asks for it). Consent to share information is
checked for every outside participant of a meeting. Every new screen is scoped to the client's
offices."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Client, ClosureReason
from casework import consent, services
from casework.models import Monitoring, SharingConsent, SupportPlan
from tests.conftest import logged_in, make_user
from tests.records import make_client

TODAY = timezone.localdate()
D = "%Y/%m/%d"


@pytest.fixture
def client_(center):
    return make_client(center, "C-0001", municipality="春日市")


def _draft(client, by, days_ago=20, goals=("朝10時に起きる", "家族と夕食をとる")):
    return services.plan_make(
        by=by,
        client=client,
        made_on=TODAY - dt.timedelta(days=days_ago),
        next_review_on=TODAY + dt.timedelta(days=60),
        long_term_goal="自分のペースで社会とつながる",
        goals=[{"text": text, "basis": "両方"} for text in goals],
    )


def _meeting_post(**extra):
    data = {
        "date": TODAY.strftime(D),
        "kind": "関係機関",
        "summary": "案を検討した",
        "externals-TOTAL_FORMS": "1",
        "externals-INITIAL_FORMS": "0",
        "decisions-TOTAL_FORMS": "0",
        "decisions-INITIAL_FORMS": "0",
    }
    return data | extra


def test_a_plan_not_decided_is_never_the_current_plan(client_, coordinator):
    plan = _draft(client_, coordinator, days_ago=200)  # its review date long past
    assert services.current_plan(client_) is None
    assert not SupportPlan.objects.current().exists() and not SupportPlan.objects.review_due(TODAY).exists()
    http = logged_in(coordinator)
    page = http.get(reverse("cases:client_detail", args=[client_.pk])).content.decode()
    assert "今の支援計画はありません。" in page and 'id="plan-draft"' in page
    record = http.get(reverse("casework:case_record", args=[client_.pk])).content.decode()
    assert "（今の支援計画）" not in record and "案" in record
    assert "支援計画の見直し" not in http.get(reverse("home")).content.decode()
    # a 案 cannot be monitored nor evaluated
    monitor = http.post(
        reverse("casework:plan_monitor", args=[plan.pk]),
        {"monitored_on": TODAY.strftime(D), **{f"progress_{g.pk}": "順調" for g in plan.goals.all()}},
    )
    assert monitor.status_code == 400 and "決定した支援計画について記録します" in monitor.content.decode()
    assert not Monitoring.objects.exists()


def test_a_case_meeting_decides_the_plan_and_the_two_name_each_other(client_, coordinator):
    plan = _draft(client_, coordinator)
    http = logged_in(coordinator)
    form = http.get(reverse("casework:meeting_create") + f"?client={client_.pk}&decide=1").content.decode()
    assert 'name="decides_plans_of" value="C-0001"' in form
    response = http.post(
        reverse("casework:meeting_create"),
        _meeting_post(
            office=client_.office_id,
            clients="C-0001",
            decides_plans_of="Ｃ－０００１",
            staff=[coordinator.pk],
        ),
    )
    assert response.status_code == 302, response.content.decode()
    plan.refresh_from_db()
    assert plan.decided_on == TODAY and plan.decided_via == "ケース会議" and plan.decided_at is not None
    assert services.current_plan(client_) == plan
    detail = http.get(reverse("casework:plan_detail", args=[plan.pk])).content.decode()
    assert reverse("casework:meeting_detail", args=[plan.decided_at_id]) in detail
    meeting = http.get(reverse("casework:meeting_detail", args=[plan.decided_at_id])).content.decode()
    assert reverse("casework:plan_detail", args=[plan.pk]) in meeting
    # a meeting cannot decide a plan that is no 案 any more, nor one of a client it did not discuss
    again = http.post(
        reverse("casework:meeting_create"),
        _meeting_post(
            office=client_.office_id, clients="C-0001", decides_plans_of="C-0001", staff=[coordinator.pk]
        ),
    )
    assert (
        again.status_code == 400 and "決定する支援計画（案）がありません（C-0001）" in again.content.decode()
    )


def test_a_supervisor_confirms_a_plan_someone_else_made(client_, coordinator, supervisor):
    plan = _draft(client_, coordinator)
    url = reverse("casework:plan_confirm", args=[plan.pk])
    # a coordinator cannot confirm
    logged_in(coordinator).post(url, {"decided_on": TODAY.strftime(D)})
    assert SupportPlan.objects.get().is_draft
    # the supervisor sees it waiting on ホーム, confirms it, then sees it waiting for 同意
    http = logged_in(supervisor)
    home = http.get(reverse("home")).content.decode()
    assert "確認待ちの支援計画（案）" in home and reverse("casework:plan_detail", args=[plan.pk]) in home
    assert http.post(url, {"decided_on": TODAY.strftime(D)}).status_code == 302
    plan.refresh_from_db()
    assert plan.decided_via == "上長確認" and plan.confirmed_by == supervisor
    assert plan.version == 2 and plan.history.first().history_user == supervisor  # a new version, who did it
    home = http.get(reverse("home")).content.decode()
    assert "同意が未記録の支援計画" in home and 'id="plans-unagreed"' in home
    assert reverse("casework:plan_detail", args=[plan.pk]) in home.split('id="plans-unagreed"')[1]
    # nobody confirms their own plan
    own = _draft(make_client(client_.office, "C-0002", "山田 次郎"), supervisor)
    http.post(reverse("casework:plan_confirm", args=[own.pk]), {"decided_on": TODAY.strftime(D)})
    assert SupportPlan.objects.get(pk=own.pk).is_draft


def test_consent_is_recorded_for_a_decided_plan_and_a_refusal_needs_its_reason(
    client_, coordinator, supervisor
):
    plan = _draft(client_, coordinator)
    http = logged_in(coordinator)
    url = reverse("casework:plan_consent", args=[plan.pk])
    early = http.post(url, {"agreed_on": TODAY.strftime(D), "agreed_with": "本人", "method": "署名"})
    assert early.status_code == 400 and "先に決定してください" in early.content.decode()
    services.plan_confirm(by=supervisor, plan=plan, on=TODAY - dt.timedelta(days=5))
    refused = http.post(url, {"agreed_on": TODAY.strftime(D), "agreed_with": "本人", "method": "同意なし"})
    assert (
        refused.status_code == 400
        and "同意が得られなかった理由を入力してください。" in refused.content.decode()
    )
    assert (
        http.post(url, {"agreed_on": TODAY.strftime(D), "agreed_with": "本人", "method": "署名"}).status_code
        == 302
    )
    plan.refresh_from_db()
    assert plan.agreed_on == TODAY and plan.consent_method == "署名" and plan.has_consent_record
    assert not SupportPlan.objects.without_consent().exists()


def test_monitoring_records_how_each_goal_is_going(client_, coordinator):
    plan = _draft(client_, coordinator)
    services.plan_record_decision(by=coordinator, plan=plan, on=plan.made_on, via="ケース会議")
    goals = list(plan.goals.all())
    http = logged_in(coordinator)
    url = reverse("casework:plan_monitor", args=[plan.pk])
    partial = http.post(url, {"monitored_on": TODAY.strftime(D), f"progress_{goals[0].pk}": "順調"})
    assert partial.status_code == 400 and "様子を選んでください。" in partial.content.decode()
    done = http.post(
        url,
        {
            "monitored_on": TODAY.strftime(D),
            f"progress_{goals[0].pk}": "順調",
            f"progress_{goals[1].pk}": "難しさがある",
            f"comment_{goals[1].pk}": "夕食は別々",
            "comment": "訪問で確認",
        },
    )
    assert done.status_code == 302
    page = http.get(reverse("casework:plan_detail", args=[plan.pk])).content.decode()
    assert "家族と夕食をとる（難しさがある・夕食は別々）" in page


def test_closing_a_case_asks_for_the_last_plans_evaluation(client_, coordinator):
    plan = _draft(client_, coordinator)
    services.plan_record_decision(by=coordinator, plan=plan, on=plan.made_on, via="ケース会議")
    http = logged_in(coordinator)
    close = {
        "status": "終結",
        "closed_on": TODAY.strftime(D),
        "reason": ClosureReason.objects.first().pk,
        "note": "",
    }
    response = http.post(reverse("cases:client_close", args=[client_.pk]), close, follow=True)
    assert "終結の前に、今の支援計画" in response.content.decode()
    assert Client.objects.get(pk=client_.pk).status == "支援中"
    review = http.post(
        reverse("casework:plan_review", args=[plan.pk]) + "?closing=1",
        {
            "reviewed_on": TODAY.strftime(D),
            "closing": "1",
            **{f"outcome_{g.pk}": "達成" for g in plan.goals.all()},
        },
    )
    assert review.status_code == 302
    assert SupportPlan.objects.get().review.kind == "終結"
    http.post(reverse("cases:client_close", args=[client_.pk]), close)
    assert Client.objects.get(pk=client_.pk).status == "終結"


def test_an_outside_participant_receives_information_only_on_consent_or_a_stated_basis(client_, coordinator):
    http = logged_in(coordinator)
    outsider = {"externals-0-name": "保健 花子", "externals-0-organisation": "春日保健所"}
    post = _meeting_post(office=client_.office_id, clients="C-0001", staff=[coordinator.pk], **outsider)
    refused = http.post(reverse("casework:meeting_create"), post)
    assert refused.status_code == 400
    assert "C-0001 の情報共有の同意（春日保健所 を含むもの）が記録されていません" in refused.content.decode()
    # a consent covering the agency's kind (保健所), in force on the meeting's day
    given = consent.consent_record(
        by=coordinator, client=client_, agencies="保健所", items=["相談内容"], given_by="本人",
        valid_from=TODAY - dt.timedelta(days=30),
    )  # fmt: skip
    assert http.post(reverse("casework:meeting_create"), post).status_code == 302
    # withdrawn: not covered any more; the coordinator records that nothing is shared
    consent.consent_withdraw(by=coordinator, consent=given, on=TODAY)
    assert http.post(reverse("casework:meeting_create"), post).status_code == 400
    not_shared = post | {"externals-0-sharing_basis": "共有しない"}
    assert http.post(reverse("casework:meeting_create"), not_shared).status_code == 302
    bases = [e.sharing_basis for m in client_.case_meetings.order_by("pk") for e in m.externals.all()]
    assert bases == ["本人の同意", "共有しない"]
    assert not client_.case_meetings.order_by("pk").last().externals.get().receives_information


def test_every_outside_participant_without_a_basis_is_named(client_, coordinator):
    post = _meeting_post(
        office=client_.office_id, clients="C-0001", staff=[coordinator.pk],
        **{"externals-TOTAL_FORMS": "2", "externals-0-name": "保健 花子", "externals-0-organisation": "春日保健所",
           "externals-1-name": "福祉 一郎", "externals-1-organisation": "市福祉課"},
    )  # fmt: skip
    page = logged_in(coordinator).post(reverse("casework:meeting_create"), post).content.decode()
    assert "保健 花子: C-0001 の情報共有の同意" in page and "福祉 一郎: C-0001 の情報共有の同意" in page


def test_an_expired_consent_does_not_cover_a_meeting(client_, coordinator):
    consent.consent_record(
        by=coordinator, client=client_, agencies="保健所", items=["相談内容"], given_by="本人",
        valid_from=TODAY - dt.timedelta(days=400), valid_until=TODAY - dt.timedelta(days=35),
    )  # fmt: skip
    assert consent.uncovered([client_], "春日保健所", TODAY) == [client_]
    assert consent.uncovered([client_], "春日保健所", TODAY - dt.timedelta(days=40)) == []


def test_consents_to_share_are_recorded_and_withdrawn_on_the_clients_page(client_, coordinator):
    http = logged_in(coordinator)
    url = reverse("casework:consent_create", args=[client_.pk])
    empty = http.post(url, {"agencies": "", "given_by": "本人", "valid_from": TODAY.strftime(D)})
    assert empty.status_code == 400 and "共有する内容" in empty.content.decode()
    saved = http.post(
        url,
        {
            "agencies": "保健所\n市福祉課",
            "items": ["相談内容", "支援計画"],
            "given_by": "家族",
            "valid_from": TODAY.strftime(D),
        },
    )
    assert saved.status_code == 302
    given = SharingConsent.objects.get()
    page = http.get(reverse("cases:client_detail", args=[client_.pk])).content.decode()
    assert "保健所、市福祉課：相談内容、支援計画" in page
    http.post(reverse("casework:consent_withdraw", args=[given.pk]), {"on": TODAY.strftime(D)})
    assert SharingConsent.objects.get().withdrawn_on == TODAY
    assert SharingConsent.history.filter(id=given.pk).count() == 2  # kept in the history


def test_any_number_of_goals_and_a_hostile_row_count_is_refused_not_crashed(client_, coordinator):
    http = logged_in(coordinator)
    data = {
        "made_on": TODAY.strftime(D),
        "next_review_on": (TODAY + dt.timedelta(days=90)).strftime(D),
        "goals-TOTAL_FORMS": "6",
        "goals-INITIAL_FORMS": "0",
        **{f"goals-{i}-text": f"目標{i}" for i in range(6)},
        **{f"goals-{i}-basis": "両方" for i in range(6)},
        "supports-TOTAL_FORMS": "0",
        "supports-INITIAL_FORMS": "0",
    }
    form = http.get(reverse("casework:plan_create", args=[client_.pk])).content.decode()
    assert 'data-add-row="goals"' in form and "短期目標（__num__）" in form
    assert http.post(reverse("casework:plan_create", args=[client_.pk]), data).status_code == 302
    assert SupportPlan.objects.get().goals.count() == 6
    hostile = data | {"goals-TOTAL_FORMS": "100000"}
    response = http.post(
        reverse("casework:plan_create", args=[make_client(client_.office, "C-0002").pk]), hostile
    )
    assert response.status_code == 400


def test_another_office_reaches_none_of_the_new_steps(client_, coordinator, satellite_coordinator):
    plan = _draft(client_, coordinator)
    given = consent.consent_record(
        by=coordinator,
        client=client_,
        agencies="保健所",
        items=["相談内容"],
        given_by="本人",
        valid_from=TODAY,
    )
    http = logged_in(satellite_coordinator)
    for name in ("plan_consent", "plan_monitor", "plan_print", "plan_confirm", "plan_withdraw"):
        assert http.post(reverse(f"casework:{name}", args=[plan.pk]), {}).status_code == 404, name
    assert http.get(reverse("casework:plan_print", args=[plan.pk])).status_code == 404
    assert http.post(reverse("casework:consent_create", args=[client_.pk]), {}).status_code == 404
    assert (
        http.post(
            reverse("casework:consent_withdraw", args=[given.pk]), {"on": TODAY.strftime(D)}
        ).status_code
        == 404
    )
    assert SharingConsent.objects.get().withdrawn_on is None and SupportPlan.objects.get().is_draft
    other = make_user("other_sv", roles=["supervisor"], offices=[])
    assert other is not None


def test_the_plan_prints_alone_with_a_signature_line(client_, coordinator):
    plan = _draft(client_, coordinator)
    page = logged_in(coordinator).get(reverse("casework:plan_print", args=[plan.pk])).content.decode()
    for text in ("取扱注意", "プラン（支援計画）", "朝10時に起きる", "本人署名", "同意します"):
        assert text in page, text
