"""import_records for case work: アセスメント, 支援計画 (a row per goal), ケース会議 — every error as
行 N: 列名: 値: 理由, nothing written on an error, a second run changes nothing."""

from casework.models import Assessment, CaseMeeting, SupportPlan
from tests.exchange.importing import import_file
from tests.records import make_client

PLAN_HEADER = [
    "ケース番号",
    "作成日",
    "次回見直し日",
    "作成者",
    "短期目標",
    "もとにした意向",
    "結果",
    "見直し日",
    "見直した職員",
    "決定日",
    "決定の方法",
]
DECIDED = ["2024/4/3", "ケース会議"]


def test_assessments_are_imported_once_and_updated_by_their_key(tmp_path, center, coordinator):
    make_client(center, "C-0001")
    header = ["ケース番号", "実施日", "方法", "実施者", "本人の意向", "家族の意向"]
    rows = [header, ["C-0001", "R6.5.1", "面談", "coord", "外に出たい（少しずつ）", "働いてほしい"]]
    code, out, err = import_file(tmp_path, "assessments", rows)
    assert code == 0, err
    assert "アセスメント: created 1" in out
    assessment = Assessment.objects.get()
    assert assessment.person_wishes == "外に出たい（少しずつ）"  # free text kept as written
    rows[1][4] = "今は会いたくない"
    code, out, err = import_file(tmp_path, "assessments", rows, name="again.csv")
    assert "updated 1" in out
    assert Assessment.objects.get().person_wishes == "今は会いたくない"


def test_a_plan_file_with_errors_writes_nothing_and_names_each_error(tmp_path, center, coordinator):
    make_client(center, "C-0001")
    rows = [
        PLAN_HEADER,
        [
            "C-0001",
            "2024/4/1",
            "2024/7/1",
            "coord",
            "朝起きる",
            "本人の意向",
            "達成",
            "2024/7/1",
            "coord",
            *DECIDED,
        ],
        [
            "C-0001",
            "2024/4/1",
            "2024/7/1",
            "coord",
            "外に出る",
            "本人の意向",
            "",
            "2024/7/1",
            "coord",
            *DECIDED,
        ],
        ["C-9999", "2024/4/1", "2024/7/1", "coord", "朝起きる", "家族の意向", "", "", ""],
        ["C-0001", "2024/8/1", "2024/11/1", "nobody", "朝起きる", "だれか", "", "", ""],
    ]
    code, out, err = import_file(tmp_path, "plans", rows)
    assert code == 1
    assert "行 3: 結果: : 見直した計画は、すべての短期目標に結果が必要です" in err
    assert "行 4: ケース番号: C-9999: 利用者が登録されていません" in err
    assert "行 5: 作成者: nobody: 職員アカウントが見つかりません" in err
    assert "行 5: もとにした意向: だれか" in err
    assert not SupportPlan.objects.exists()


def test_plans_in_order_become_a_reviewed_plan_and_the_next_one(tmp_path, center, coordinator):
    make_client(center, "C-0001")
    rows = [
        PLAN_HEADER,
        [
            "C-0001",
            "2024/4/1",
            "2024/7/1",
            "coord",
            "朝起きる",
            "本人の意向",
            "達成",
            "2024/7/1",
            "coord",
            *DECIDED,
        ],
        ["C-0001", "2024/7/1", "2024/10/1", "coord", "外に出る", "両方", "", "", ""],
    ]
    code, out, err = import_file(tmp_path, "plans", rows)
    assert code == 0, err
    first, second = SupportPlan.objects.order_by("made_on")
    assert first.review.reviewed_by == coordinator and second.follows == first
    again = import_file(tmp_path, "plans", rows, xlsx=True)  # the same rows, other bytes
    assert again[0] == 0 and "支援計画: created 0, updated 0, unchanged 2" in again[1], again


def test_a_meeting_names_its_clients_and_decisions(tmp_path, center, coordinator):
    make_client(center, "C-0001")
    make_client(center, "C-0002", "山田 次郎")
    header = ["開催日", "拠点", "種類", "検討した利用者", "参加した職員", "外部の参加者", "決定事項"]
    row = [
        "2024/6/1",
        center.name,
        "所内",
        "C-0001、C-0002",
        "coord",
        "保健 花子｜保健所",
        "家族面談｜coord｜2024/6/15｜",
    ]
    # an outside participant without the clients' consent to share and without a basis: refused
    code, out, err = import_file(tmp_path, "meetings", [header, row])
    assert code == 1 and "C-0001、C-0002 の情報共有の同意" in err, err
    row[5] = "保健 花子｜保健所｜支援会議"
    code, out, err = import_file(tmp_path, "meetings", [header, row], name="basis.csv")
    assert code == 0, err
    assert CaseMeeting.objects.get().externals.get().sharing_basis == "支援会議"
    meeting = CaseMeeting.objects.get()
    assert meeting.clients.count() == 2 and meeting.decisions.get().owner == coordinator
    bad = ["2024/6/2", center.name, "所内", "C-0001", "coord", "", "家族面談｜だれも｜いつか｜"]
    code, out, err = import_file(tmp_path, "meetings", [header, bad], name="bad.csv")
    assert code == 1 and "行 2: 決定事項:" in err
    assert CaseMeeting.objects.count() == 1


def test_a_rule_the_services_check_is_an_error_of_its_row_not_a_crash(tmp_path, center, coordinator):
    make_client(center, "C-0001")
    rows = [
        PLAN_HEADER,
        # the review date before the plan was made, the next review before it too
        [
            "C-0001",
            "2024/4/1",
            "2024/3/1",
            "coord",
            "朝起きる",
            "本人の意向",
            "達成",
            "2024/3/1",
            "coord",
            *DECIDED,
        ],
    ]
    code, out, err = import_file(tmp_path, "plans", rows)
    assert code == 1
    assert "行 2: 次回見直し日: 2024/3/1: 次回見直し日は作成日より後にしてください。" in err
    assert "行 2: 見直し日: 2024/3/1: 見直し日は計画の作成日より後にしてください。" in err
    header = ["開催日", "拠点", "種類", "検討した利用者", "外部の参加者"]
    code, out, err = import_file(
        tmp_path, "meetings", [header, ["2024/6/1", center.name, "所内", "C-0001", "｜保健所"]]
    )
    assert code == 1 and "行 2: 外部の参加者:" in err
    assert not SupportPlan.objects.exists() and not CaseMeeting.objects.exists()


def test_a_refusal_while_writing_leaves_nothing_written_and_says_why(
    tmp_path, center, coordinator, monkeypatch
):
    from django.core.exceptions import ValidationError

    from casework import services

    make_client(center, "C-0001")
    monkeypatch.setattr(
        services, "plan_review", lambda **kw: (_ for _ in ()).throw(ValidationError("新しい規則"))
    )
    rows = [
        PLAN_HEADER,
        [
            "C-0001",
            "2024/4/1",
            "2024/7/1",
            "coord",
            "朝起きる",
            "本人の意向",
            "達成",
            "2024/7/1",
            "coord",
            *DECIDED,
        ],
    ]
    code, out, err = import_file(tmp_path, "plans", rows)
    assert code == 1 and "取り込めませんでした（何も登録していません）: 新しい規則" in err
    assert not SupportPlan.objects.exists()  # the plan made before the refusal is rolled back
