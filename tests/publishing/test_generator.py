# ruff: noqa: RUF001, E501
# (Chinese text uses full-width punctuation and wide characters.)
"""Releases generated from records built here: the numbers, words, ages and penalties in both languages."""

from __future__ import annotations

from datetime import date

import pytest

from lionrock.immigration.enforcement.models import Offence
from lionrock.publishing.generator import draft_generate
from tests.publishing.factories import (
    EMPLOYER,
    WORKER,
    hkt,
    operation_with_arrests_make,
    workers,
)

pytestmark = pytest.mark.django_db

DAY = date(2026, 1, 15)


def _texts(operation, release_at=None):  # type: ignore[no-untyped-def]
    release_at = release_at or hkt(DAY)
    en = draft_generate(source=operation, language="en", release_at=release_at).rendered
    zh = draft_generate(source=operation, language="zh-hant", release_at=release_at).rendered
    return en, zh


def test_six_men_and_an_employer_are_counted_in_words_with_their_age_ranges() -> None:
    operation = operation_with_arrests_make(
        day=DAY,
        people=[
            *[(WORKER, "M", age, ("s41",)) for age in (22, 25, 29, 33, 37, 41)],
            (EMPLOYER, "M", 45, ("s17i",)),
        ],
    )
    en, zh = _texts(operation)
    assert en.title == "Seven persons arrested during anti-illegal worker operation"
    assert "six suspected illegal workers and one suspected employer were arrested" in en.body
    assert "six men, aged 22 to 41" in en.body
    assert "one man, aged 45" in en.body
    assert 'codenamed "Contribute" today (January 15)' in en.body
    assert zh.title.endswith("拘捕七人")
    assert "六名懷疑非法勞工及一名懷疑僱主" in zh.body
    assert "六男，年齡介乎22至41歲" in zh.body
    assert "一男，45歲" in zh.body
    assert "今日（一月十五日）" in zh.body


def test_women_and_men_are_each_given_with_their_own_ages() -> None:
    operation = operation_with_arrests_make(
        day=DAY,
        people=[*workers(4, first_age=22, step=6), *workers(2, sex="F", first_age=30, step=5)],
    )
    en, zh = _texts(operation)
    assert en.title.startswith("Six persons arrested")
    assert "four men, aged 22 to 40, and two women, aged 30 to 35" in en.body
    assert "四男（年齡介乎22至40歲）及兩女（年齡介乎30至35歲）" in zh.body


def test_one_person_reads_in_the_singular() -> None:
    operation = operation_with_arrests_make(day=DAY, people=[(WORKER, "F", 29, ("s41",))])
    en, zh = _texts(operation)
    assert en.title == "One person arrested during anti-illegal worker operation"
    assert "A total of one suspected illegal worker was arrested" in en.body
    assert "The suspected illegal worker was one woman, aged 29." in en.body
    assert zh.title.endswith("拘捕一人")
    assert "一女，29歲" in zh.body


def test_ten_and_more_persons_are_counted_in_figures_in_english_and_numerals_in_chinese() -> None:
    operation = operation_with_arrests_make(
        day=DAY, people=[*workers(11, first_age=20), (EMPLOYER, "M", 50, ("s17i",))]
    )
    en, zh = _texts(operation)
    assert en.title == "12 persons arrested during anti-illegal worker operation"
    assert "11 suspected illegal workers and one suspected employer" in en.body
    assert "11 men, aged 20 to 30" in en.body
    assert zh.title.endswith("拘捕十二人")
    assert "十一名懷疑非法勞工" in zh.body


def test_an_operation_without_an_employer_says_nothing_of_one() -> None:
    operation = operation_with_arrests_make(day=DAY, people=workers(2))
    en, zh = _texts(operation)
    assert "employer was" not in en.body
    assert "two suspected illegal workers were arrested" in en.body
    assert "懷疑僱主為" not in zh.body
    assert "兩名懷疑非法勞工" in zh.body


def test_the_date_is_told_from_the_release_date() -> None:
    operation = operation_with_arrests_make(day=DAY, people=workers(1))
    en, zh = _texts(operation, release_at=hkt(date(2026, 1, 16), 11, 0))
    assert "yesterday (January 15)" in en.body
    assert "昨日（一月十五日）" in zh.body
    assert "Ends/Friday, January 16, 2026\nIssued at HKT 11:00" in en.body
    assert "完\n\n2026年1月16日（星期五）\n香港時間11時00分" in zh.body


def test_the_penalties_are_those_in_force_on_the_release_date_not_the_operation_date() -> None:
    operation = operation_with_arrests_make(day=date(2026, 3, 20), people=workers(1))
    Offence.objects.filter(code="s41", effective_from__isnull=True).update(effective_until=date(2026, 3, 31))
    Offence.objects.create(
        code="s41",
        ordinance="Immigration Ordinance (Cap. 115)",
        section="s.41",
        title_en="Breach of a condition of stay",
        title_zh="違反逗留條件",
        max_fine_hkd=80_000,
        max_imprisonment_months=36,
        effective_from=date(2026, 4, 1),
    )
    before, before_zh = _texts(operation, release_at=hkt(date(2026, 3, 21)))
    after, after_zh = _texts(operation, release_at=hkt(date(2026, 4, 2)))
    assert "fine of $50,000 and two years' imprisonment" in before.body
    assert "fine of $80,000 and three years' imprisonment" in after.body
    assert "$50,000 and two years" not in after.body
    assert "罰款五萬元及監禁兩年" in before_zh.body
    assert "罰款八萬元及監禁三年" in after_zh.body


def test_the_law_paragraph_gives_the_raised_employer_penalty_and_the_inspection_duty() -> None:
    operation = operation_with_arrests_make(day=DAY, people=[(EMPLOYER, "M", 45, ("s17i",))])
    en, zh = _texts(operation)
    assert (
        "fine of $500,000 and 10 years' imprisonment (raised on August 1, 2021 from a fine of $350,000 and three years' imprisonment)"
        in en.body
    )
    assert "s.17J" in en.body and "$150,000 and one year's imprisonment" in en.body
    assert "罰款五十萬元及監禁十年（2021年8月1日起由罰款三十五萬元及監禁三年提高）" in zh.body
    assert "第17J條" in zh.body


def test_the_channels_and_screening_paragraph_come_from_configuration(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LIONROCK_PRESS_HOTLINE = "1234 5678"
    settings.LIONROCK_PRESS_SCREENING_EN = "Screening happens."
    operation = operation_with_arrests_make(day=DAY, people=workers(1))
    en, zh = _texts(operation)
    assert "dedicated hotline 1234 5678" in en.body
    assert "fax to 2824 1166" in en.body and "anti_crime@immd.gov.hk" in en.body
    assert "Screening happens." in en.body
    assert "致電舉報熱線1234 5678" in zh.body


def test_nothing_personal_appears_and_every_figure_has_its_source() -> None:
    operation = operation_with_arrests_make(day=DAY, people=[*workers(2), (EMPLOYER, "M", 45, ("s17i",))])
    en, zh = _texts(operation)
    for text in (en.body, en.title, zh.body, zh.title):
        assert (
            "CHAN Tai Man" not in text and "陳大文" not in text and "VNM" not in text and "Site " not in text
        )
    placeholders = {source["placeholder"] for source in en.sources}
    assert {
        "persons_arrested",
        "arrested_roles",
        "people",
        "law",
        "channels",
        "operation_date",
    } <= placeholders
    source_page = f"/publishing/operations/{operation.pk}/source/"
    assert all(s["source"].startswith((source_page, "setting:")) for s in en.sources)
    assert f'href="{source_page}#arrests"' in en.body_html


def test_an_operation_without_premises_recorded_says_no_raid() -> None:
    from lionrock.immigration.enforcement.models import Premises

    operation = operation_with_arrests_make(day=DAY, people=workers(1))
    Premises.objects.filter(operation=operation).delete()
    en, zh = _texts(operation)
    assert 'codenamed "Contribute" today (January 15).' in en.body and "raided" not in en.body
    assert "展開代號「Contribute」的打擊非法勞工行動。" in zh.body and "搜查" not in zh.body


def test_an_operation_with_no_arrest_has_a_title_that_counts_nothing() -> None:
    operation = operation_with_arrests_make(day=DAY, people=[])
    en, zh = _texts(operation)
    assert en.title.endswith("mounts anti-illegal worker operation") and "No one was arrested." in en.body
    assert zh.title.endswith("採取打擊非法勞工行動") and "行動中沒有人被捕。" in zh.body
