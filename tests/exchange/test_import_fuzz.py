"""Any file gets an answer, never a traceback: random rows of tricky cells for every kind; when
the preview says a file is fine, importing it succeeds (the preview never promises what
confirming then refuses)."""

import random

import pytest

from exchange.importing.kinds import COLUMNS
from exchange.importing.runner import KINDS, run_import
from tests.exchange.importing import csv_bytes
from tests.records import make_client, make_day, make_session

POOL = [
    "", " ", "0", "-1", "1", "25", "99999", "1e3", "２５", "abc", "=SUM(A1)", "'=1", "x" * 300, "\u3000",
    "2024/4/1", "2024-13-40", "令和6年4月1日", "R6.4.1(月)", "2099/1/1", "1800/1/1", "14:00", "25:00", "はい",
    "K-0001", "Ｋ－０００１", "K-0002", "山田 太郎", "山田 和子", "母", "父", "本人", "家族", "電話", "来所", "訪問・同行",
    "男性", "女性", "終結", "支援中", "中止", "開催", "春日市", "田川市", "福岡県ひきこもり地域支援センター",
    "筑豊サテライトオフィス", "フリースペース", "家族のつどい", "センター主催", "〇", "研修会", "行政:3",
]  # fmt: skip


CENTER = "福岡県ひきこもり地域支援センター"
DATES = ["2024/4/1", "令和6年4月1日", "R6.4.1(月)", "2024-04-01"]
GOOD = {
    "ケース番号": ["K-0001", "Ｋ－０００１", "K-0002", "K-0003", ""], "氏名": ["山田 太郎", "佐藤 花子", "山田 和子"],
    "記録番号": ["R-1", "R-2", "#1", ""], "相談日": DATES, "開催日": DATES, "実施日": DATES, "生年月日": ["2000/5/1", ""],
    "登録日": DATES, "終結日": DATES + [""], "次回予定": DATES + [""], "取消日": ["", "2024/4/2"],
    "拠点": [CENTER, "筑豊サテライトオフィス"], "担当拠点": [CENTER], "相談方法": ["電話", "来所", "訪問・同行"],
    "相談者": ["本人", "家族", "母"], "担当者": ["coord", "", "退職した人"], "所要時間（分）": ["20", "", "24.999999999"],
    "性別": ["男性", "女性", ""], "居住市町村": ["春日市", "福岡県田川市", ""], "状態": ["支援中", "終結", "開催", "中止", ""],
    "続柄": ["母", "父"], "プログラム": ["フリースペース", "家族のつどい"], "参加者": ["", "本人", "山田 和子"],
    "市町村": ["春日市"], "形態": ["センター主催", "〇", "●"], "時間": ["10:00", "11:00", "14時00分"],
    "相談した家族": ["", "山田 和子", "山田 和子（母）"], "種別": ["研修会", "講話"], "名称": ["研修", "講話会"],
    "参加者数": ["", "行政:3"], "中止理由": ["", "台風"], "開始時刻": ["", "14:00"], "終了時刻": ["", "16:00"],
}  # fmt: skip


def cell(rng, column):
    return rng.choice(GOOD[column]) if column in GOOD and rng.random() < 0.85 else rng.choice(POOL)


@pytest.fixture
def known(center, coordinator):
    client = make_client(center, case_number="K-0001", name="山田 太郎", municipality="春日市")
    from cases.models import FamilyMember

    FamilyMember.objects.create(client=client, name="山田 和子", relationship="母")
    make_session(center, "2024-04-01")
    make_day(center, "2024-04-01")


@pytest.mark.parametrize("kind", KINDS)
def test_random_files_get_an_answer_never_a_traceback(kind, known):
    rng = random.Random(f"fuzz-{kind}")
    header = list(COLUMNS[kind])
    for attempt in range(60):
        required = [name for name, needed in COLUMNS[kind].items() if needed]
        optional = [name for name in header if name not in required]
        columns = required + rng.sample(optional, rng.randint(0, len(optional)))
        rows = [columns] + [[cell(rng, c) for c in columns] for _ in range(rng.randint(1, 4))]
        content = csv_bytes(rows)
        preview = run_import(kind=kind, content=content, file_name=f"{kind}-{attempt}.csv", dry_run=True)
        result = run_import(kind=kind, content=content, file_name=f"{kind}-{attempt}.csv")
        assert result.ok == preview.ok, (rows, preview.error_lines(), result.error_lines())
        assert all(line.startswith(("行 ", "ほか")) for line in result.error_lines()) or result.file_error
