"""Normalising Japanese names for search: kana, width and spaces do not matter."""

import re
import unicodedata

_KATAKANA = re.compile(r"[\u30a1-\u30f6]")

# 異体字 written in names and their common forms: 宮﨑 and 宮崎, 髙橋 and 高橋, 渡邊/渡邉/渡辺 are one
# name for search and for duplicate detection (the record keeps the characters as written).
VARIANTS = str.maketrans({
    "﨑": "崎", "嵜": "崎", "髙": "高", "邊": "辺", "邉": "辺", "齋": "斎", "齊": "斉", "濱": "浜", "濵": "浜",
    "澤": "沢", "櫻": "桜", "國": "国", "廣": "広", "嶋": "島", "嶌": "島", "冨": "富", "惠": "恵", "眞": "真",
    "德": "徳", "藪": "薮", "實": "実", "壽": "寿", "榮": "栄", "瀨": "瀬", "龍": "竜", "彌": "弥", "淺": "浅",
    "驒": "騨", "會": "会", "曾": "曽", "與": "与", "條": "条", "槇": "槙",
})  # fmt: skip


def katakana_to_hiragana(text: str) -> str:
    return _KATAKANA.sub(lambda m: chr(ord(m.group(0)) - 0x60), text)


def normalize_name(text: str | None) -> str:
    """ヤマダ　タロウ, ﾔﾏﾀﾞ ﾀﾛｳ and やまだたろう all become やまだたろう; 宮﨑 becomes 宮崎."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).translate(VARIANTS)
    text = katakana_to_hiragana(text)
    return re.sub(r"\s+", "", text).lower()
