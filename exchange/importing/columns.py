"""The import kinds' shared machinery: the columns and labels of every kind (SPEC §6 and beyond),
the lookups of fixed choices, and the helpers every planner uses to compare, validate and update."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from cases.models import (
    Consulter,
    Method,
    Relationship,
    Sex,
)
from outreach.models import (
    HOST_SYMBOLS,
    HostType,
)

from .base import Choices, Counts, Plan

COLUMNS: dict[str, dict[str, bool]] = {
    "clients": {
        "ケース番号": True,
        "氏名": True,
        "フリガナ": False,
        "性別": False,
        "生年月日": False,
        "居住市町村": False,
        "担当拠点": True,
        "相談経路": False,
        "ひきこもり期間": False,
        "登録日": False,
        # Beyond SPEC §6 (optional): what a round trip needs to lose nothing.
        "状態": False,
        "終結日": False,
        "終結理由": False,
        "終結後の行き先": False,
        "終結後のつなぎ先": False,
        "備考": False,
        "主担当": False,
        "副担当": False,
    },
    "families": {"ケース番号": True, "氏名": True, "続柄": True, "生年月日": False, "連絡先": False},
    "consultations": {
        "記録番号": False,
        "相談日": True,
        "拠点": True,
        "相談方法": True,
        "相談者": True,
        "ケース番号": False,
        "担当者": False,
        "所要時間（分）": False,
        "内容": False,
        "開始時刻": False,
        "居住市町村": False,
        "相談した家族": False,
        "関係機関名": False,
        "つなぎ先": False,
        "次回予定": False,
        "次回予定対応済み": False,
    },
    "sessions": {
        "プログラム": True,
        "開催日": True,
        "拠点": True,
        "開始時刻": False,
        "終了時刻": False,
        "テーマ": False,
        "状態": False,
        "中止理由": False,
        "会場": False,
        "備考": False,
        "オンライン参加拠点": False,
    },
    "attendance": {
        "プログラム": True,
        "開催日": True,
        "拠点": True,
        "ケース番号": True,
        "参加者": False,
        "続柄": False,
    },
    "municipal_days": {
        "実施日": True,
        "市町村": True,
        "形態": True,
        "拠点": True,
        "予約枠": False,
        "予約数": False,
        "相談件数": False,
        "時間枠": False,  # beyond SPEC §6: after its columns, which keep their order
        "ケース検討会": False,
        "備考": False,
    },
    "reservations": {
        "実施日": True,
        "市町村": True,
        "拠点": True,
        "時間": True,
        "ケース番号": False,
        "予約者": False,
        "家族が相談する": False,
        "相談した家族": False,
        "取消日": False,
        "相談記録": False,
    },
    "events": {
        "種別": True,
        "実施日": True,
        "名称": True,
        "拠点": True,
        "形式": False,
        "保健所圏域": False,
        "主催": False,
        "備考": False,
        "参加者数": False,
    },
}
LABELS = {
    "clients": "利用者",
    "families": "家族",
    "consultations": "相談記録",
    "sessions": "プログラム開催",
    "attendance": "プログラム参加",
    "municipal_days": "市町村相談会",
    "reservations": "市町村相談会の予約",
    "events": "普及啓発・研修",
}
# 「はい」 for a yes/no column (ケース検討会, 家族が相談する, 次回予定対応済み); blank is no.
YES = Choices(
    {"はい": True, "あり": True, "済": True, "対応済み": True, "○": True, "いいえ": False, "なし": False}
)

METHOD_LOOKUP = Choices(
    {m.value: m.value for m in Method}
    | {"訪問・同行": Method.HOME_VISIT, "その他": Method.OTHER, "メール": Method.OTHER}
)
SEX_LOOKUP = Choices({s.value: s.value for s in Sex} | {"男": Sex.MALE, "女": Sex.FEMALE})
HOST_LOOKUP = Choices(
    {h.value: h.value for h in HostType}
    | {symbol: h.value for h, symbol in HOST_SYMBOLS.items()}
    | {"○": HostType.CENTER}
)
# A relationship written where the consulter belongs (母, 父, …) means the family consulted.
CONSULTERS = Choices(
    {c.value: c.value for c in Consulter}
    | {r.value: Consulter.FAMILY for r in Relationship if r != Relationship.OTHER}
)


def _display(value) -> str:
    if value is None or value == "":
        return "（空欄）"
    if isinstance(value, dt.date):
        return f"{value.year}/{value.month}/{value.day}"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


def _update(
    obj,
    values: dict,
    counts: Counts,
    plan: Plan,
    *,
    key: str,
    columns: dict[str, str],
    extra: Sequence[tuple[str, object, object]] = (),
) -> bool:
    """Apply `values` (the file's filled cells only) to an existing record where they differ;
    count it as updated or unchanged and list each change as 「キー: 項目: 旧 → 新」."""
    changes = list(extra)
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if field.is_relation and name == field.name:
            if getattr(obj, field.attname) != (value.pk if value is not None else None):
                changes.append((columns[name], getattr(obj, name), value))
        elif getattr(obj, field.attname) != value and name in columns:
            changes.append((columns[name], getattr(obj, field.attname), value))
        elif getattr(obj, field.attname) != value:
            changes.append(("", None, None))  # a derived field follows a listed one
    if not changes:
        counts.unchanged += 1
        return False
    for name, value in values.items():
        setattr(obj, name, value)
    counts.updated += 1
    plan.changes += [
        f"{key}: {column}: {_display(old)} → {_display(new)}" for column, old, new in changes if column
    ]
    return True


def _validate(obj) -> None:
    """The model's field rules, as the screens' full_clean applies them, without a query per row:
    related records come from the import's own lookups, and the database keeps uniqueness."""
    relations = [f.name for f in obj._meta.get_fields() if f.is_relation]
    obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)


def _given(row, values: dict, columns: dict[str, str]) -> dict:
    """For an update: only the values whose cells the file fills (a blank or absent column keeps
    the stored value)."""
    return {name: value for name, value in values.items() if name in columns and row.filled(columns[name])}


def municipality_of(text: str, lookup: Choices):
    """福岡県田川市 → 田川市, 福岡市東区 → 福岡市: the prefecture prefix and wards are ignored."""
    text = re.sub(r"^.{2,3}[都道府県](?=.)", "", text)
    candidates = [key for key in lookup.normalized if text.startswith(key)]
    return lookup.normalized[max(candidates, key=len)] if candidates else None


def _by_name(model, field="name") -> Choices:
    return Choices({getattr(obj, field): obj for obj in model.objects.all()})
