"""The Traditional Chinese (Hong Kong) catalog is complete, compiled, consistent with the source, and used.

How to refresh the catalog: docs/operators/translations.md.
"""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.utils import formats, translation
from django.utils.translation.template import templatize

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
PACKAGE_DIR = LOCALE_DIR.parent
PO_PATH = LOCALE_DIR / "zh_Hant" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# The keywords `manage.py makemessages` gives xgettext for Python sources (and for templates, which Django
# first turns into Python-like source with `templatize`), written as Babel keyword specifications.
KEYWORDS: dict[str, Any] = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
TEMPLATE_SUFFIXES = {".html", ".txt"}

PRINTF = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<conv>[diouxXeEfFgGcrsa%])"
)
BRACES = re.compile(r"(?<!\{)\{[A-Za-z_][A-Za-z0-9_.]*\}(?!\})")


@pytest.fixture(autouse=True)
def _no_language_left_active() -> Iterator[None]:
    """A request through LocaleMiddleware leaves its language active in the thread; start and end clean."""
    translation.deactivate()
    yield
    translation.deactivate()


def _catalog() -> Catalog:
    with PO_PATH.open("rb") as handle:
        return read_po(handle, locale="zh_Hant")


def _messages(catalog: Catalog) -> Iterator[Message]:
    for message in catalog:
        if message.id:
            yield message


def _label(message: Message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"{message.context + ' | ' if message.context else ''}{msgid!r}"


def _forms(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, tuple):
        return tuple(str(form or "") for form in message.string)
    return (str(message.string or ""),)


def _translated(message: Message, form: str) -> bool:
    """Not empty, and not blank unless the English is blank too (a separator such as " " or "; ")."""
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return bool(form) and (bool(form.strip()) or not str(msgid).strip())


def _placeholders(text: str) -> tuple[frozenset[str], int, frozenset[str]]:
    """Named printf placeholders, the count of positional ones, and brace placeholders."""
    named, positional = set(), 0
    for match in PRINTF.finditer(text):
        if match["conv"] == "%":
            continue
        if match["name"] is not None:
            named.add(f"%({match['name']}){match['conv']}")
        else:
            positional += 1
    return frozenset(named), positional, frozenset(BRACES.findall(text))


# --- The catalog file itself -------------------------------------------------------------------------------


def test_catalog_is_where_django_looks_for_zh_hant() -> None:
    with translation.override("en"):
        assert ("zh-hant", "Traditional Chinese") in [(code, str(name)) for code, name in settings.LANGUAGES]
    assert translation.to_locale("zh-hant") == "zh_Hant"
    assert PO_PATH.is_file(), f"missing {PO_PATH}; run makemessages (docs/operators/translations.md)"
    assert MO_PATH.is_file(), f"missing {MO_PATH}; compile the catalog (docs/operators/translations.md)"


def test_catalog_header() -> None:
    catalog = _catalog()
    assert not catalog.fuzzy, "the header entry is marked fuzzy"
    headers = dict(catalog.mime_headers)
    assert headers.get("Language") == "zh_Hant"
    assert catalog.num_plurals == 1
    assert catalog.plural_expr.strip() == "0"
    assert "utf-8" in headers.get("Content-Type", "").lower()


def test_every_message_is_translated_and_not_fuzzy() -> None:
    catalog = _catalog()
    messages = list(_messages(catalog))
    assert messages, "the catalog is empty"
    fuzzy = [_label(m) for m in messages if m.fuzzy]
    untranslated = [_label(m) for m in messages if not all(_translated(m, form) for form in _forms(m))]
    wrong_plural_count = [
        _label(m) for m in messages if m.pluralizable and len(_forms(m)) != catalog.num_plurals
    ]
    assert not fuzzy, "fuzzy entries (check the translation, then remove the '#, fuzzy' flag):\n" + "\n".join(
        fuzzy
    )
    assert not untranslated, "untranslated entries:\n" + "\n".join(untranslated)
    assert not wrong_plural_count, "plural entries with the wrong number of forms:\n" + "\n".join(
        wrong_plural_count
    )


def test_placeholders_are_kept() -> None:
    problems = []
    for message in _messages(_catalog()):
        if isinstance(message.id, tuple):
            singular, plural = (_placeholders(str(text)) for text in message.id[:2])
            forms = _forms(message)
            for index, form in enumerate(forms):
                found = _placeholders(form)
                allowed = {plural} if index == len(forms) - 1 else {singular, plural}
                if found not in allowed:
                    problems.append(f"{_label(message)} [{index}]: {found} not in {allowed}")
        else:
            expected, found = _placeholders(str(message.id)), _placeholders(str(message.string))
            if found != expected:
                problems.append(f"{_label(message)}: {found} != {expected}")
    assert not problems, "placeholders differ between msgid and msgstr:\n" + "\n".join(problems)


def test_compiled_catalog_matches_its_source() -> None:
    """The committed .mo carries exactly the .po's translations (compiled again in memory and compared)."""
    expected_buffer = io.BytesIO()
    write_mo(expected_buffer, _catalog(), use_fuzzy=False)
    expected_buffer.seek(0)
    expected = gettext.GNUTranslations(expected_buffer)
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    expected_entries = {key: value for key, value in expected._catalog.items() if key != ""}  # type: ignore[attr-defined]
    compiled_entries = {key: value for key, value in compiled._catalog.items() if key != ""}  # type: ignore[attr-defined]
    stale = sorted(
        repr(key)
        for key in expected_entries.keys() | compiled_entries.keys()
        if expected_entries.get(key) != compiled_entries.get(key)
    )
    assert not stale, (
        f"{MO_PATH.name} does not match {PO_PATH.name}; recompile it "
        "(uv run pybabel compile -d src/lionrock/locale -D django -l zh_Hant):\n" + "\n".join(stale[:50])
    )
    assert compiled.gettext("Sign in") == "登入"
    assert compiled.plural(5) == 0  # type: ignore[attr-defined]
    assert compiled.info().get("language") == "zh_Hant"


# --- The catalog against the source ------------------------------------------------------------


def _source_files() -> Iterator[Path]:
    for path in sorted(PACKAGE_DIR.rglob("*")):
        relative = path.relative_to(PACKAGE_DIR)
        if any(part.startswith(".") or part in {"__pycache__", "locale"} for part in relative.parts):
            continue
        if path.is_file() and (path.suffix == ".py" or path.suffix in TEMPLATE_SUFFIXES):
            yield path


def _extracted() -> dict[tuple[str | None, str], tuple[str, str | None]]:
    """Every translatable string as makemessages sees it: (context, msgid) -> (where, plural)."""
    found: dict[tuple[str | None, str], tuple[str, str | None]] = {}
    for path in _source_files():
        source = path.read_text(encoding="utf-8")
        if path.suffix in TEMPLATE_SUFFIXES:
            if "{%" not in source:
                continue
            source = templatize(source, origin=str(path))
        for lineno, message, _comments, context in extract(
            "python", io.BytesIO(source.encode("utf-8")), keywords=KEYWORDS, options={"encoding": "utf-8"}
        ):
            singular, plural = (message[0], message[1]) if isinstance(message, tuple) else (message, None)
            if singular:
                where = f"{path.relative_to(PACKAGE_DIR)}:{lineno}"
                found.setdefault((context, singular), (where, plural))
    return found


def test_every_source_string_is_in_the_catalog() -> None:
    catalog = _catalog()
    extracted = _extracted()
    assert "Sign in" in {msgid for _context, msgid in extracted}, "the extraction found nothing"
    missing = []
    for (context, msgid), (where, plural) in sorted(extracted.items(), key=lambda item: item[1][0]):
        message = catalog.get(msgid, context=context)
        if message is None:
            missing.append(f"{where}: {msgid!r}")
        elif plural is not None and (not isinstance(message.id, tuple) or message.id[1] != plural):
            missing.append(f"{where}: {msgid!r} (plural form {plural!r} is not in the catalog)")
    assert not missing, (
        "strings marked for translation but missing from the zh_Hant catalog; run makemessages, translate, "
        "compile (docs/operators/translations.md):\n" + "\n".join(missing)
    )


# --- The translations in use ------------------------------------------------------------


def test_gettext_finds_the_catalog() -> None:
    with translation.override("zh-hant"):
        assert translation.gettext("Sign in") == "登入"
        assert translation.gettext("Sign out") == "登出"
        assert translation.gettext("Audit trail") == "審計記錄"
        assert "5 分鐘" in translation.ngettext(
            "Too many failed sign-in attempts. Try again in %(minutes)s minute, or ask your organisation's "
            "administrator for help.",
            "Too many failed sign-in attempts. Try again in %(minutes)s minutes, or ask your organisation's "
            "administrator for help.",
            5,
        ) % {"minutes": 5}
    with translation.override("en"):
        assert translation.gettext("Sign in") == "Sign in"


def test_dates_and_numbers_are_localised() -> None:
    day = date(2026, 11, 25)
    with translation.override("zh-hant"):
        assert formats.date_format(day) == "2026年11月25日"
        assert formats.date_format(day, "l") == "星期三"
        assert formats.date_format(day, "F") == "十一月"
        assert "年" in Template('{% now "DATE_FORMAT" %}').render(Context())
        assert formats.get_format("DECIMAL_SEPARATOR") == "."
        assert formats.number_format(1234.5, 2) == "1234.50"
        assert formats.localize_input(datetime(2026, 11, 25, 9, 30, tzinfo=UTC)).startswith("2026/11/25")
    with translation.override("en"):
        assert formats.date_format(day) == "25 November 2026"
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "25/11/2026"


ENGLISH_ON_SIGN_IN = (
    "Skip to main content",
    "Email address",
    "Password",
    "Forgotten your password?",
    ">Sign in<",
    "Switch",
)


@pytest.mark.django_db
def test_sign_in_page_in_chinese(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    response = client.get("/sign-in/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-Hant-HK">' in page
    assert "登入" in page
    assert "電郵地址" in page
    assert "忘記密碼\uff1f" in page  # full-width question mark
    left_in_english = [text for text in ENGLISH_ON_SIGN_IN if text in page]
    assert not left_in_english, f"English left on the Chinese sign-in page: {left_in_english}"


@pytest.mark.django_db
def test_sign_in_page_in_english_by_default(client: Client) -> None:
    page = client.get("/sign-in/").content.decode()
    assert '<html lang="en-HK">' in page
    assert ">Sign in<" in page
    assert "登入" not in page


@pytest.mark.django_db
def test_hong_kong_browser_gets_chinese(client: Client) -> None:
    page = client.get("/sign-in/", HTTP_ACCEPT_LANGUAGE="zh-HK,zh;q=0.9,en;q=0.5").content.decode()
    assert '<html lang="zh-Hant-HK">' in page
    assert "登入" in page


@pytest.mark.django_db
def test_language_choice_sticks(client: Client) -> None:
    response = client.post("/i18n/language/", {"language": "zh-hant", "next": "/sign-in/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hant"
    page = client.get("/sign-in/").content.decode()
    assert '<html lang="zh-Hant-HK">' in page
    assert "登入" in page


@pytest.mark.django_db
def test_not_found_page_in_chinese(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "找不到頁面" in page
    assert "Not found" not in page


def test_numbers_in_chinese_are_grouped_by_thousands_as_in_hong_kong():
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.utils import translation

    with translation.override("zh-hant"):
        assert intcomma(1234567) == "1,234,567"
