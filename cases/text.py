"""Normalising Japanese names for search: kana, width and spaces do not matter."""

import re
import unicodedata

_KATAKANA = re.compile(r"[\u30a1-\u30f6]")


def katakana_to_hiragana(text: str) -> str:
    return _KATAKANA.sub(lambda m: chr(ord(m.group(0)) - 0x60), text)


def normalize_name(text: str | None) -> str:
    """ヤマダ　タロウ, ﾔﾏﾀﾞ ﾀﾛｳ and やまだたろう all become やまだたろう."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = katakana_to_hiragana(text)
    return re.sub(r"\s+", "", text).lower()
