"""Case work in a real browser: from a client's page a coordinator records an assessment (the
person not met: 家族のみの相談), makes a support plan, reviews it goal by goal and carries it on,
records a case meeting whose decision lands on ホーム; another office's records answer 404."""

import datetime as dt
import os
import re

from django.utils import timezone
from playwright.sync_api import expect

from casework.models import CaseMeeting, SupportPlan
from tests.conftest import PASSWORD
from tests.e2e.conftest import fits_the_phone, log_in
from tests.records import make_client

SHOTS = os.environ.get("SCREENSHOTS")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_from_assessment_to_review_and_the_next_plan(page, coordinator, center):
    client = make_client(center, "C-0001", "山田 太郎", "ヤマダ タロウ")
    log_in(page, "coord", PASSWORD)
    page.goto(f"/cases/clients/{client.pk}/")
    page.get_by_role("link", name="アセスメントを記録").click()
    page.get_by_label("方法").select_option("家族からの聴取")
    page.get_by_label("外出の状況").select_option("自室からほとんど出ない")
    page.get_by_label("本人の意向").fill("（本人に会えていない）")
    page.get_by_label("家族の意向").fill("まずは本人と話せるようになりたい")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("アセスメントを記録しました。")).to_be_visible()
    expect(page.locator("#casework")).to_contain_text("家族のみの相談")

    page.get_by_role("link", name="支援計画を作成").click()
    page.get_by_label("長期目標").fill("家族と本人が話せる関係をつくる")
    page.get_by_label("短期目標（1）").fill("家族が家族のつどいに参加する")
    page.get_by_label("もとにした意向（1）").select_option("家族の意向")
    page.get_by_label("短期目標（2）").fill("本人が自室から出て食事をとる")
    page.get_by_label("もとにした意向（2）").select_option("本人の意向")
    page.get_by_label("支援の内容（1）").fill("家族面談")
    page.get_by_label("頻度（1）").fill("月1回")
    page.get_by_label("次回見直し日").fill("2099/1/1")
    _shot(page, "casework-plan-form")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text(re.compile("支援計画（案）を作成しました。"))).to_be_visible()
    _shot(page, "casework-client")

    # the 案 is decided at a case meeting, then the person agrees to it
    page.locator("#casework").get_by_role("link", name=re.compile("作成$")).click()
    expect(page.locator("#plan-state")).to_have_text("案")
    page.get_by_role("link", name="ケース会議で決定する").click()
    expect(page.get_by_label("この会議で支援計画（案）を決定した利用者（ケース番号）")).to_have_value(
        "C-0001"
    )
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("ケース会議を記録しました。")).to_be_visible()
    page.locator("#meeting-plans").get_by_role("link").click()
    expect(page.locator("#plan-state")).to_have_text("決定")
    page.get_by_role("link", name="同意を記録").click()
    page.get_by_label("同意した人").select_option("家族")
    page.get_by_label("家族を通じて").check()
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#plan-consent")).to_contain_text("家族を通じて")
    page.get_by_role("link", name="見直しを記録").click()
    page.get_by_role("group", name=re.compile("家族が家族のつどいに参加する")).get_by_label(
        "達成", exact=True
    ).check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("結果を選んでください。")).to_be_visible()  # the second goal has none yet
    page.get_by_role("group", name=re.compile("本人が自室から出て食事をとる")).get_by_label("未達成").check()
    page.get_by_label(re.compile("コメント：本人が自室")).fill("まだ難しい")
    _shot(page, "casework-review-form")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#goals")).to_contain_text("未達成")
    page.get_by_role("link", name="次の支援計画を作る").click()
    expect(page.get_by_label("短期目標（1）")).to_have_value("本人が自室から出て食事をとる")  # carried on
    page.get_by_label("次回見直し日").fill("2099/4/1")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text(re.compile("支援計画（案）を作成しました。"))).to_be_visible()
    assert SupportPlan.objects.count() == 2 and SupportPlan.objects.drafts().count() == 1


def test_a_case_meeting_from_the_client_page_puts_its_decision_on_home(page, phone, coordinator, center):
    client = make_client(center, "C-0001", "山田 太郎", "ヤマダ タロウ")
    make_client(center, "C-0002", "山田 次郎", "ヤマダ ジロウ")
    log_in(page, "coord", PASSWORD)
    page.goto(f"/cases/clients/{client.pk}/")
    page.get_by_role("link", name="ケース会議を記録").click()
    expect(page.get_by_label("検討した利用者（ケース番号）")).to_have_value("C-0001")
    page.get_by_label("検討した利用者（ケース番号）").fill("C-0001、C-0002")
    page.get_by_label("種類").select_option("関係機関")
    page.get_by_label("外部の参加者の氏名（1）").fill("保健 花子")
    page.get_by_label("所属（1）").fill("保健所")
    page.get_by_label("利用者の情報を共有する根拠（1）").select_option("支援会議")
    page.get_by_label("検討の内容").fill("家族支援から始める")
    page.get_by_label("決定事項（1）").fill("家族面談を設定する")
    page.get_by_label("担当（1）").select_option(label=coordinator.display_name)
    soon = timezone.localdate() + dt.timedelta(days=3)
    page.get_by_label("期限（1）").fill(f"{soon:%Y/%m/%d}")
    _shot(page, "casework-meeting-form")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#meeting-clients")).to_contain_text("C-0002 山田 次郎")
    _shot(page, "casework-meeting")
    assert CaseMeeting.objects.get().externals.get().organisation == "保健所"
    page.goto("/")
    expect(page.locator("#decisions-due")).to_contain_text("家族面談を設定する")

    phone.context.add_cookies(page.context.cookies())
    phone.goto("/casework/meetings/new/")
    assert fits_the_phone(phone)


def test_another_offices_plan_and_meeting_answer_404(page, coordinator, satellite_coordinator, center):
    client = make_client(center)
    from casework import services

    plan = services.plan_make(
        by=coordinator, client=client, goals=[{"text": "朝起きる", "basis": "両方"}], made_on=client.registered_on,
        next_review_on=client.registered_on,
    )  # fmt: skip
    meeting = services.meeting_record(
        by=coordinator,
        office=center,
        date=client.registered_on,
        kind="所内",
        staff=[coordinator],
        clients=[client],
    )
    log_in(page, "sat", PASSWORD)
    for url in (
        f"/casework/plans/{plan.pk}/",
        f"/casework/meetings/{meeting.pk}/",
        f"/casework/clients/{client.pk}/record/",
    ):
        response = page.goto(url)
        assert response.status == 404, url


def test_a_supervisors_home_shows_the_offices_figures_and_the_trend(
    page, phone, supervisor, center, coordinator
):
    from tests.e2e.conftest import log_in_verified
    from tests.records import make_consultation

    client = make_client(center)
    make_consultation(center, timezone.localdate(), "来所", client, staff=[coordinator])
    log_in_verified(page, supervisor)
    figures = page.locator("#office-figures")
    expect(figures).to_contain_text("センター")
    expect(page.locator("#trend-chart")).to_be_visible()
    _shot(page, "supervisor-home")
    link = figures.locator("tbody tr").first.locator("a").nth(1)  # 今月の相談
    expect(link).to_have_text("1")
    link.click()
    expect(page.locator("#total-count")).to_have_text("1")
    phone.context.add_cookies(page.context.cookies())
    phone.goto("/")
    _shot(phone, "supervisor-home-phone")
    assert fits_the_phone(phone)


def test_the_plans_steps_fit_a_phone(page, phone, coordinator, supervisor, center):
    """A plan's page in each state and every step's form at 390 px: nothing wider than the screen."""
    from casework import consent, services

    client = make_client(center, "C-0001", "山田 太郎", "ヤマダ タロウ")
    draft = services.plan_make(
        by=coordinator, client=client, made_on=timezone.localdate(), next_review_on=timezone.localdate(),
        long_term_goal="自分のペースで社会とつながる",
        goals=[{"text": "朝10時に起きる（週に3日以上、家族と朝食をとる）", "basis": "両方"}],
        supports=[{"content": "月2回の訪問", "staff": coordinator, "frequency": "月2回"}],
    )  # fmt: skip
    consent.consent_record(
        by=coordinator, client=client, agencies="保健福祉環境事務所\n市福祉課", items=["相談内容", "支援計画"],
        given_by="本人", valid_from=timezone.localdate(),
    )  # fmt: skip
    log_in(page, "coord", PASSWORD)
    phone.context.add_cookies(page.context.cookies())
    pages = {
        "plan-draft": f"/casework/plans/{draft.pk}/",
        "plan-form": f"/casework/clients/{client.pk}/plans/new/",
        "consent-form": f"/casework/clients/{client.pk}/sharing-consents/new/",
        "meeting-form": f"/casework/meetings/new/?client={client.pk}&decide=1",
        "client": f"/cases/clients/{client.pk}/",
    }
    for name, url in pages.items():
        phone.goto(url)
        _shot(phone, f"phone-{name}")
        assert fits_the_phone(phone), name
    services.plan_confirm(by=supervisor, plan=draft, on=timezone.localdate())
    for name, url in {
        "plan-decided": f"/casework/plans/{draft.pk}/",
        "plan-consent": f"/casework/plans/{draft.pk}/consent/",
        "plan-monitoring": f"/casework/plans/{draft.pk}/monitoring/",
        "plan-print": f"/casework/plans/{draft.pk}/print/",
    }.items():
        phone.goto(url)
        _shot(phone, f"phone-{name}")
        assert fits_the_phone(phone), name
