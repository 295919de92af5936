"""The Chinese catalog keeps Hong Kong usage: one word for each term, full-width punctuation, none doubled.

The terms table is in docs/operators/translations.md; these checks keep the catalog to it.
"""

# ruff: noqa: RUF001 -- Chinese punctuation is what these checks are about
from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy

from tests.test_translations import PO_PATH

HAN = "\u3400-\u9fff"
FULL_WIDTH = "，。：；？！、"
# Text a translation copies as it is: placeholders, times, TLP labels, addresses, HTTP headers, code.
VERBATIM = re.compile(
    r"%\(\w+\)[sdr]|\{\w+\}|TLP:[A-Z+]+|https?://\S*|\d+:\d+|[A-Za-z-]+: [^\s，。]+|\[[^\]]*\]|"
    r"[A-Za-z]:[A-Za-z]+|\d+\(\w\)"
)
# Preferred term -> the variants the catalog must not use for it.
TERMS = {
    "身分證明文件": ("身份證明文件",),
    "身分證": ("身份證",),
    "身分": ("身份",),
    "旅客": ("訪客", "遊客"),
    "遣送離境令": ("遣離令", "遣返令"),
    "用戶": ("使用者", "用家"),
}


def _translations() -> list[tuple[str, str]]:
    with PO_PATH.open("rb") as handle:
        catalog = read_po(handle)
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        pairs += [(msgid, text) for text in strings if text]
    return pairs


def test_no_chinese_translation_doubles_its_punctuation():
    doubled = re.compile(f"[{FULL_WIDTH}][{FULL_WIDTH}]")
    # ":?.!" is not text: it lists the characters after which Django adds no colon to a form label.
    texts = [text for msgid, text in _translations() if msgid != ":?.!"]
    assert [text for text in texts if doubled.search(text)] == []


def test_chinese_translations_use_full_width_punctuation_after_chinese_text():
    half_width = re.compile(f"[{HAN}][:;?!,]|[:;?!,][{HAN}]")
    found = [text for _msgid, text in _translations() if half_width.search(VERBATIM.sub("", text))]
    assert found == []


@pytest.mark.parametrize(("preferred", "variants"), TERMS.items())
def test_each_term_has_one_chinese_word_across_the_catalog(preferred, variants):
    found = [text for _msgid, text in _translations() for variant in variants if variant in text]
    assert found == [], f"use {preferred}"


def test_a_form_label_ending_in_a_full_width_question_mark_gets_no_colon_after_it():
    class Question(forms.Form):
        seen = forms.CharField(label=gettext_lazy("What did you see?"))

    with translation.override("zh-hant"):
        label = Question()["seen"].label_tag()
    assert "你看見甚麼？<" in label and "？：" not in label
