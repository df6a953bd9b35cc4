"""A coordinator records a phone call with the keyboard only, and meets a conflict."""

from playwright.sync_api import expect

from cases import services
from cases.models import Consultation
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from tests.records import make_client, make_consultation


def test_a_satellite_coordinator_records_a_phone_call_with_the_keyboard_only(page, satellite_coordinator):
    log_in(page, "sat", PASSWORD)
    expect(page.get_by_role("heading", name="ホーム")).to_be_visible()
    # From ホーム: the 相談を記録 button is reached with the keyboard.
    page.get_by_role("link", name="相談を記録").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="相談を記録")).to_be_visible()
    expect(page.get_by_label("相談日")).to_be_focused()
    keys = page.keyboard
    keys.press("Tab")  # 相談方法 (one office: no 拠点 to tab through)
    keys.press("ArrowDown")  # 電話
    keys.press("Tab")  # 相談者
    keys.press("ArrowDown")  # 本人
    keys.press("ArrowDown")  # 家族
    keys.press("Tab")  # 利用者: blank = 匿名
    keys.press("Tab")  # 相談した家族 (none without a client)
    keys.press("Tab")  # 初めての相談 (closed)
    keys.press("Tab")  # 担当者 (me by default)
    keys.press("Tab")  # 所要時間（分）
    keys.type("15")
    keys.press("Tab")  # 内容
    keys.type("母より電話。本人の昼夜逆転について相談。")
    keys.press("Tab")  # 次回予定 (none)
    keys.press("Tab")  # 保存
    keys.press("Enter")
    expect(page.get_by_text("相談を記録しました")).to_be_visible()

    consultation = Consultation.objects.get()
    assert (consultation.method, consultation.consulter, consultation.duration_minutes) == (
        "電話",
        "家族",
        15,
    )
    assert consultation.office.name == "筑豊サテライトオフィス"
    assert consultation.client is None

    page.get_by_role("link", name="相談記録", exact=True).click()
    row = page.get_by_role("row").filter(has_text="匿名")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("電話")
    expect(row).to_contain_text("筑豊")
    expect(page.locator("#total-count")).to_have_text("1")


def test_a_second_save_of_the_same_consultation_shows_the_conflict_message(page, coordinator, center):
    client = make_client(center)
    consultation = make_consultation(
        center, "2024-05-01", client=client, staff=[coordinator], content="最初の内容"
    )
    log_in(page, "coord", PASSWORD)
    page.goto(f"/cases/consultations/{consultation.pk}/edit/")
    page.get_by_label("内容").fill("私の追記")
    # A colleague saves the same record meanwhile.
    services.consultation_update(
        by=coordinator,
        consultation=Consultation.objects.get(pk=consultation.pk),
        version=consultation.version,
        staff=[coordinator],
        content="同僚の追記",
    )
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("開いた後に他の職員が更新しました")).to_be_visible()
    expect(page.get_by_label("内容")).to_have_value("私の追記")
    consultation.refresh_from_db()
    assert consultation.content == "同僚の追記"


def test_a_client_is_chosen_from_the_suggestions_while_typing(page, coordinator, center):
    client = make_client(center, municipality="春日市")
    log_in(page, "coord", PASSWORD)
    page.goto("/cases/consultations/new/")
    page.get_by_label("相談方法").select_option("来所")
    page.get_by_label("相談者").select_option("本人")
    page.get_by_label("利用者").fill("やまだ")  # フリガナ in hiragana finds ヤマダ タロウ
    page.get_by_role("option", name="C-0001 山田 太郎").click()
    expect(page.get_by_label("利用者")).to_have_value("C-0001 山田 太郎")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("相談を記録しました")).to_be_visible()
    assert Consultation.objects.get().client == client


def test_every_spec_label_of_the_form_names_exactly_one_field(page, coordinator):
    log_in(page, "coord", PASSWORD)
    page.goto("/cases/consultations/new/")
    for label in ["相談日", "拠点", "相談方法", "相談者", "利用者", "担当者", "所要時間（分）", "内容"]:
        expect(page.get_by_label(label)).to_have_count(1)
    expect(page.get_by_role("button", name="保存")).to_have_count(1)


def test_the_family_list_follows_the_chosen_client(page, coordinator, center):
    from cases.models import FamilyMember

    yamada = make_client(center, "C-0001", "山田 太郎", "ヤマダ タロウ")
    FamilyMember.objects.create(client=yamada, name="山田 和子", relationship="母")
    sato = make_client(center, "C-0002", "佐藤 花子", "サトウ ハナコ")
    FamilyMember.objects.create(client=sato, name="佐藤 正男", relationship="父")
    log_in(page, "coord", PASSWORD)
    page.goto(f"/cases/consultations/new/?client={yamada.pk}")
    family = page.get_by_label("相談した家族（山田 太郎さんの家族）")
    expect(family.locator("option")).to_have_text(["- 選択してください -", "山田 和子（母）"])
    client_box = page.get_by_label("利用者")
    client_box.fill("C-0002")
    client_box.press("Tab")  # the change is sent when the box is left
    expect(page.locator("#id_family_member option")).to_have_text(["- 選択してください -", "佐藤 正男（父）"])
