"""How Chinese units read in English, and back: 亿元 ↔ bn yuan (×0.1), 万人 ↔ k people (×10), 家 ↔ firms."""

from __future__ import annotations

import unicodedata

# unit → (English unit, factor from the Chinese value to the English one)
ENGLISH_UNITS: dict[str, tuple[str, float]] = {
    "万亿元": ("bn yuan", 1000.0),
    "亿元": ("bn yuan", 0.1),
    "万元": ("k yuan", 10.0),
    "元": ("yuan", 1.0),
    "万人": ("k people", 10.0),
    "人": ("people", 1.0),
    "%": ("%", 1.0),
    "个百分点": ("pp", 1.0),
    "百分点": ("pp", 1.0),
    "家": ("firms", 1.0),
    "个": ("", 1.0),
    "项": ("items", 1.0),
    "处": ("sites", 1.0),
    "天": ("days", 1.0),
    "平方米": ("m²", 1.0),
    "位": ("(rank)", 1.0),
    "指数": ("(index)", 1.0),
    "条": ("chains", 1.0),
    "类": ("types", 1.0),
    "次": ("times", 1.0),
    "年": ("years", 1.0),
}

# English words typed back into `zibo add`, to the Chinese unit and the factor into it.
ENGLISH_INPUT: dict[str, tuple[str, float]] = {
    "bn yuan": ("元", 1e9),
    "bn": ("元", 1e9),
    "billion yuan": ("元", 1e9),
    "tn yuan": ("元", 1e12),
    "m yuan": ("元", 1e6),
    "mn yuan": ("元", 1e6),
    "k yuan": ("元", 1e3),
    "yuan": ("元", 1.0),
    "cny": ("元", 1.0),
    "rmb": ("元", 1.0),
    "k people": ("人", 1e3),
    "people": ("人", 1.0),
    "pp": ("个百分点", 1.0),
}
for _unit, (_english, _factor) in ENGLISH_UNITS.items():
    if _english and _english not in ENGLISH_INPUT and _factor == 1.0:
        ENGLISH_INPUT[_english] = (_unit, 1.0)
# Typed values are NFKC-normalised and lose their spaces before the unit is looked up ("19.48 m²" → "m2").
ENGLISH_INPUT = {
    unicodedata.normalize("NFKC", key).replace(" ", "").lower(): value for key, value in ENGLISH_INPUT.items()
}


def in_english(value: float, unit: str) -> tuple[float, str]:
    """The value and unit an English reader expects; units without an English form stay as they are."""
    english, factor = ENGLISH_UNITS.get(unit, (unit, 1.0))
    return value * factor, english
