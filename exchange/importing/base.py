"""The frame every import kind shares: headers, cell parsing, errors as 行 N: 列名: 値: 理由."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from hikikomori.exports import FORMULA_PREFIXES
from hikikomori.fiscal import DateParseError, parse_japanese_date

from .reading import Table, normalize_header

# Columns of free text, kept exactly as written; every other column (names, keys, choices) is
# folded with NFKC so that full-width letters and digits match.
FREE_TEXT = frozenset(
    {"内容", "テーマ", "中止理由", "会場", "備考", "名称", "主催", "関係機関名", "連絡先", "予約者"}
    # case work (casework_kinds)
    | {
        "きっかけ",
        "生活リズム",
        "健康・受診状況",
        "就学・就労歴",
        "経済状況",
        "関係機関・支援歴",
        "本人の意向",
    }
    | {"家族の意向", "診断（任意）", "障害・手帳（任意）", "長期目標", "短期目標", "コメント", "見直しの所見"}
    | {"予定する支援", "外部の参加者", "検討の内容", "決定事項"}
    | {"同意についての記録", "全体の様子", "共有先"}
)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class RowError:
    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"行 {self.row}: {self.column}: {self.value}: {self.reason}"


def choice_key(text) -> str:
    text = unicodedata.normalize("NFKC", str(text)).replace("〜", "~").replace("～", "~")
    return re.sub(r"\s+", "", text)


class Choices(dict):
    """A lookup of allowed values, with its normalised keys computed once per import."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.normalized = {choice_key(key): item for key, item in self.items()}


class Row:
    """One data row; cells by header label, with parsing that records errors."""

    def __init__(self, number: int, values: dict[str, object], errors: list[RowError]):
        self.number = number
        self.values = values
        self.errors = errors
        self.ok = True

    def filled(self, column: str) -> bool:
        """The file has this column and the cell is not blank: only then may an update change it."""
        return column in self.values and self.raw(column) not in ("", None)

    def raw(self, column: str):
        value = self.values.get(column, "")
        if isinstance(value, str):
            value = value.strip()
            # Our exports write a formula-like cell as text with a leading quote; read it back.
            if value.startswith("'") and value[1:2] in FORMULA_PREFIXES:
                value = value[1:]
        return value

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.raw(column)
        value = "" if value is None else str(value)
        value = value.strip() if column in FREE_TEXT else unicodedata.normalize("NFKC", value).strip()
        if required and not value:
            self.error(column, value, "必須です")
        elif max_length and len(value) > max_length:
            self.error(column, value, f"{max_length}文字以内にしてください")
        return value

    def case_number(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        """A ケース番号 folded as stored (Ｋ－０００１ is K-0001): the same key as the prefetch."""
        from cases.models import normalize_case_number

        value = normalize_case_number(self.text(column, required=required, max_length=max_length))
        return value

    def date(self, column: str, *, required: bool = False, not_future: bool = False) -> dt.date | None:
        value = self.raw(column)
        if value in ("", None):
            if required:
                self.error(column, "", "必須です")
            return None
        try:
            day = parse_japanese_date(value)
        except DateParseError as exc:
            self.error(column, value, str(exc))
            return None
        if not_future and day > timezone.localdate():
            self.error(column, value, "未来の日付です")
        return day

    def time(self, column: str) -> dt.time | None:
        value = self.raw(column)
        if value in ("", None):
            return None
        if isinstance(value, dt.time):
            return value
        if isinstance(value, dt.datetime):
            return value.time()
        match = re.fullmatch(r"(\d{1,2})[:：時](\d{2})分?", unicodedata.normalize("NFKC", str(value)).strip())
        if match and int(match[1]) < 24 and int(match[2]) < 60:
            return dt.time(int(match[1]), int(match[2]))
        self.error(column, value, "時刻として読めません（例: 14:00）")
        return None

    def integer(self, column: str, *, minimum: int = 0, default=None):
        value = self.text(column)
        if value == "":
            return default
        try:
            number = int(value.replace(",", ""))
        except ValueError:
            self.error(column, value, "整数で入力してください")
            return default
        if number < minimum:
            self.error(column, value, f"{minimum}以上にしてください")
            return default
        return number

    def choice(
        self,
        column: str,
        lookup: dict[str, object],
        *,
        required: bool = False,
        default=None,
        hint: str = "",
        resolve=None,
    ):
        """A value from a list, matched ignoring width, wave-dash variants and spaces."""
        value = self.text(column, required=required)
        if value == "":
            return default
        if not isinstance(lookup, Choices):
            lookup = Choices(lookup)
        normalized = lookup.normalized
        key = choice_key(value)
        if key not in normalized and resolve is not None and (found := resolve(key, lookup)) is not None:
            return found
        if key not in normalized:
            self.error(
                column,
                self.raw(column),
                hint
                or f"次のいずれかにしてください: {'、'.join(dict.fromkeys(str(v) for v in lookup.values()))}",
            )
            return default
        return normalized[key]

    def error(self, column: str, value, reason: str) -> None:
        self.ok = False
        self.errors.append(RowError(self.number, column, "" if value is None else str(value), reason))


@dataclass
class Plan:
    """What an import will do, computed before anything is written."""

    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)  # each update as 「キー: 項目: 旧 → 新」
    apply: Callable[[], None] | None = None

    def count(self, label: str) -> Counts:
        return self.counts.setdefault(label, Counts())


def rule_errors(row: Row, exc, columns: dict[str, str]) -> None:
    """A service's ValidationError as errors of this row, on the column of each field."""
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    for name, texts in messages.items():
        column = columns.get(name, "")
        for text in texts:
            row.error(column, row.raw(column) if column else "", text)


def check_headers(table: Table, columns: dict[str, bool], errors: list[RowError]) -> dict[str, int]:
    """Map each known header to its column index; unknown or missing headers are errors."""
    known = {normalize_header(name): name for name in columns}
    positions: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        key = normalize_header(header)
        if key == "":
            if any(index < len(values) and str(values[index]).strip() for _, values in table.rows[:50]):
                errors.append(RowError(1, "列名", "", f"{index + 1}列目に見出しがありません"))
            continue
        if key not in known:
            errors.append(RowError(1, "列名", str(header), "この種類のファイルにない列名です"))
        elif known[key] in positions:
            errors.append(RowError(1, "列名", str(header), "列名が重複しています"))
        else:
            positions[known[key]] = index
    for name, required in columns.items():
        if required and name not in positions:
            errors.append(RowError(1, "列名", name, "必須の列がありません"))
    return positions


def rows_of(table: Table, positions: dict[str, int], errors: list[RowError]):
    for number, values in table.rows:
        cells = {name: values[index] if index < len(values) else "" for name, index in positions.items()}
        yield Row(number, cells, errors)


def staff_lookup() -> dict:
    """Staff accounts by every name a file may use: user name, 氏名 with or without the space."""
    from hikikomori.models import User

    lookup: dict = {}
    for user in User.objects.all():
        for key in {
            user.username,
            user.display_name,
            user.display_name.replace(" ", ""),
            f"{user.last_name}{user.first_name}",
        }:
            if key:
                lookup.setdefault(key, user)
    return lookup
