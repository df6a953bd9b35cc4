"""アセスメント, 支援計画 and 見直し: recorded through the screens and their services, scoped to the
client's offices, with history, audit, ホーム's due list and the client's page and timeline."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import Assessment, GoalReview, SupportPlan
from hikikomori.models import AuditEvent
from tests.conftest import logged_in
from tests.records import make_client

TODAY = timezone.localdate()


@pytest.fixture
def client_(center):
    return make_client(center, municipality="春日市")


def _plan_post(**extra):
    data = {
        "made_on": TODAY.strftime("%Y/%m/%d"),
        "long_term_goal": "自分のペースで社会とつながる",
        "next_review_on": (TODAY + dt.timedelta(days=90)).strftime("%Y/%m/%d"),
        "goals-TOTAL_FORMS": "3",
        "goals-INITIAL_FORMS": "0",
        "goals-0-text": "週に1回フリースペースに来る",
        "goals-0-basis": "本人の意向",
        "goals-1-text": "家族が家族のつどいに参加する",
        "goals-1-basis": "家族の意向",
        "goals-2-text": "",
        "goals-2-basis": "両方",
        "supports-TOTAL_FORMS": "3",
        "supports-INITIAL_FORMS": "0",
        "supports-0-content": "月2回の訪問",
        "supports-0-frequency": "月2回",
    }
    return data | extra


def test_an_assessment_keeps_the_person_and_the_family_wishes_apart(client_, coordinator):
    http = logged_in(coordinator)
    url = reverse("casework:assessment_create", args=[client_.pk])
    refused = http.post(url, {"assessed_on": "2099/1/1", "method": "訪問", "assessed_by": coordinator.pk})
    assert refused.status_code == 400 and "未来の日付は入力できません。" in refused.content.decode()
    assert not Assessment.objects.exists()
    response = http.post(
        url,
        {
            "assessed_on": TODAY.strftime("%Y/%m/%d"),
            "assessed_by": coordinator.pk,
            "method": "家族からの聴取",
            "outing": "自室からは出るが家からは出ない",
            "withdrawal_period": "3年～5年未満",
            "person_wishes": "今は誰にも会いたくない",
            "family_wishes": "働いてほしい",
        },
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.person_met, assessment.assessed_by) == (False, coordinator)
    page = http.get(reverse("cases:client_detail", args=[client_.pk])).content.decode()
    assert "家族のみの相談" in page and "今は誰にも会いたくない" in page and "働いてほしい" in page
    assert "自室からは出るが家からは出ない" in page
    assert Assessment.history.get().history_user == coordinator
    assert AuditEvent.objects.filter(action="create", target="assessment", user=coordinator).exists()


def test_an_assessment_edit_is_kept_in_the_history_and_refuses_a_stale_form(client_, coordinator):
    assessment = services.assessment_record(
        by=coordinator, client=client_, assessed_on=TODAY, assessed_by=coordinator, method="面談"
    )
    http = logged_in(coordinator)
    url = reverse("casework:assessment_edit", args=[assessment.pk])
    form = {
        "assessed_on": TODAY.strftime("%Y/%m/%d"),
        "assessed_by": coordinator.pk,
        "method": "面談",
        "outing": "不明",
        "withdrawal_period": "不明",
        "person_met": "on",
        "person_wishes": "外に出たい",
        "version": 1,
    }
    assert http.post(url, form).status_code == 302
    stale = http.post(url, form | {"person_wishes": "古い画面から"})
    assert stale.status_code == 409
    assessment.refresh_from_db()
    assert assessment.person_wishes == "外に出たい" and assessment.person_met
    assert Assessment.history.count() == 2


def test_a_plan_is_made_reviewed_goal_by_goal_and_carried_on(client_, coordinator, supervisor):
    http = logged_in(coordinator)
    response = http.post(reverse("casework:plan_create", args=[client_.pk]), _plan_post())
    assert response.status_code == 302
    plan = SupportPlan.objects.get()
    assert [g.basis for g in plan.goals.all()] == ["本人の意向", "家族の意向"]
    assert plan.supports.get().frequency == "月2回"
    assert plan.is_draft and services.current_plan(client_) is None  # 案 until decided

    # one plan at a time: a second 案 waits for the first to be decided or withdrawn
    draft = http.post(reverse("casework:plan_create", args=[client_.pk]), _plan_post())
    assert draft.status_code == 400 and "決定していない支援計画（案）があります" in draft.content.decode()
    services.plan_confirm(by=supervisor, plan=plan, on=TODAY)
    assert services.current_plan(client_) == plan

    # one current plan: the next waits for the review
    again = http.post(reverse("casework:plan_create", args=[client_.pk]), _plan_post())
    assert again.status_code == 400 and "今の支援計画を見直してから" in again.content.decode()
    told = http.get(reverse("casework:plan_create", args=[client_.pk])).content.decode()
    assert (
        "今の支援計画がまだ見直されていません。" in told
        and reverse("casework:plan_review", args=[plan.pk]) in told
    )

    goals = list(plan.goals.all())
    review_url = reverse("casework:plan_review", args=[plan.pk])
    partial = http.post(
        review_url, {"reviewed_on": TODAY.strftime("%Y/%m/%d"), f"outcome_{goals[0].pk}": "達成"}
    )
    assert partial.status_code == 400 and "結果を選んでください。" in partial.content.decode()
    assert not GoalReview.objects.exists()
    done = http.post(
        review_url,
        {
            "reviewed_on": TODAY.strftime("%Y/%m/%d"),
            f"outcome_{goals[0].pk}": "達成",
            f"outcome_{goals[1].pk}": "一部達成",
            f"comment_{goals[1].pk}": "2回参加した",
            "comment": "外出の機会が増えた",
        },
    )
    assert done.status_code == 302
    page = http.get(reverse("casework:plan_detail", args=[plan.pk])).content.decode()
    assert "一部達成" in page and "2回参加した" in page and "次の支援計画を作る" in page

    # the next plan starts from the goals not reached
    form = http.get(reverse("casework:plan_create", args=[client_.pk])).content.decode()
    assert "家族が家族のつどいに参加する" in form and "週に1回フリースペースに来る" not in form
    assert http.post(reverse("casework:plan_create", args=[client_.pk]), _plan_post()).status_code == 302
    new = SupportPlan.objects.order_by("-pk").first()
    assert new.follows == plan and new.is_draft
    timeline = http.get(reverse("cases:client_detail", args=[client_.pk])).content.decode()
    assert "支援計画の見直し" in timeline and "支援計画を作成" in timeline


def test_a_plan_review_date_before_the_plan_is_refused(client_, coordinator):
    plan = services.plan_make(
        by=coordinator,
        client=client_,
        goals=[{"text": "朝起きる", "basis": "両方"}],
        made_on=TODAY,
        next_review_on=TODAY + dt.timedelta(days=30),
    )
    with pytest.raises(ValidationError):
        services.plan_review(
            by=coordinator,
            plan=plan,
            reviewed_on=TODAY - dt.timedelta(days=1),
            outcomes={plan.goals.get().pk: ("達成", "")},
        )


def test_overdue_reviews_are_on_home_for_the_offices_of_the_client(
    client_, coordinator, satellite_coordinator
):
    plan = services.plan_make(
        by=coordinator,
        client=client_,
        goals=[{"text": "朝起きる", "basis": "両方"}],
        made_on=TODAY - dt.timedelta(days=100),
        next_review_on=TODAY - dt.timedelta(days=10),
    )
    services.plan_record_decision(
        by=coordinator, plan=plan, on=TODAY - dt.timedelta(days=99), via="ケース会議"
    )
    home = logged_in(coordinator).get(reverse("home")).content.decode()
    assert "支援計画の見直し" in home and "期限切れ" in home
    assert reverse("casework:plan_detail", args=[plan.pk]) in home
    assert "支援計画の見直し" not in logged_in(satellite_coordinator).get(reverse("home")).content.decode()


def test_another_office_cannot_review_or_edit_through_a_post(client_, coordinator, satellite_coordinator):
    plan = services.plan_make(
        by=coordinator,
        client=client_,
        goals=[{"text": "朝起きる", "basis": "両方"}],
        made_on=TODAY,
        next_review_on=TODAY,
    )
    http = logged_in(satellite_coordinator)
    assert http.post(reverse("casework:plan_review", args=[plan.pk]), {}).status_code == 404
    assert http.post(reverse("casework:plan_create", args=[client_.pk]), _plan_post()).status_code == 404
    assert SupportPlan.objects.count() == 1
