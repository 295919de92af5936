"""Steps and checks shared by the browser tests."""

from __future__ import annotations

import re
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.factories import Person

# WCAG 2.0 / 2.1, levels A and AA; anything axe rates serious or critical fails the test.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations", "incomplete"],
}
FAILING_IMPACTS = ("serious", "critical")
_axe = Axe()


def sign_in(page: Any, person: Person, *, path: str = "/") -> None:
    """Goes to a page, is sent to sign in, and signs in with email and password (MFA comes after)."""
    page.goto(path)
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password").fill(person.password)
    page.locator("main").get_by_role("button", name="Sign in").click()


def language_choose(page: Any, code: str) -> None:
    """The top bar's language select, as a person uses it: it submits on change once the page's script
    has run (deferred scripts run before DOMContentLoaded), so wait for that before choosing."""
    page.wait_for_load_state("domcontentloaded")
    page.get_by_label("Language").select_option(code)


def accessibility_problems(page: Any) -> list[str]:
    """axe-core (shipped with axe-playwright-python, injected from disk) run on the current page.

    Besides serious and critical violations, contrast results axe leaves "incomplete" count when axe did
    measure a ratio below the threshold (e.g. white text on a transparent button over a white card: axe
    is unsure of the background, the reader is not).
    """
    results = _axe.run(page, options=AXE_OPTIONS)
    problems = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in FAILING_IMPACTS:
            continue
        for node in violation["nodes"]:
            problems.append(_describe(page, violation, node))
    for unsure in results.response["incomplete"]:
        if unsure["id"] != "color-contrast":
            continue
        for node in unsure["nodes"]:
            if any(_measured_below_threshold(check.get("data") or {}) for check in node["any"]):
                problems.append(_describe(page, unsure, node))
    return problems


def _measured_below_threshold(data: dict[str, Any]) -> bool:
    ratio, expected = data.get("contrastRatio"), str(data.get("expectedContrastRatio", ""))
    if not ratio or not expected.endswith(":1"):
        return False
    return float(ratio) < float(expected.removesuffix(":1"))


def _describe(page: Any, result: dict[str, Any], node: dict[str, Any]) -> str:
    return (
        f"{page.url}: {result['id']} ({result.get('impact')}): {result['help']} "
        f"at {', '.join(map(str, node['target']))}: {node.get('failureSummary') or node['any'][0]['message']}"
    )


# Every resource a page names, with the origin the browser resolved it to; plus what the CSP forbids.
_INVENTORY = """() => {
  const refs = [];
  const take = (selector, attribute) => document.querySelectorAll(selector).forEach((el) => {
    const value = el.getAttribute(attribute);
    if (value) {
      refs.push({tag: el.tagName.toLowerCase(), value, origin: new URL(value, document.baseURI).origin});
    }
  });
  take("script[src]", "src"); take("link[href]", "href"); take("img[src]", "src");
  take("iframe[src]", "src"); take("source[src]", "src"); take("form[action]", "action");
  return {
    origin: location.origin,
    refs,
    styleAttributes: Array.from(document.querySelectorAll("[style]")).map((el) => el.outerHTML.slice(0, 120)),
    inlineScripts: Array.from(document.querySelectorAll("script:not([src])"))
      .filter((el) => el.textContent.trim() !== "").map((el) => el.outerHTML.slice(0, 120)),
    handlerAttributes: Array.from(document.querySelectorAll("*")).flatMap((el) =>
      Array.from(el.attributes).filter((a) => a.name.startsWith("on")).map((a) => `${el.tagName} ${a.name}`)),
  };
}"""


def page_hygiene_problems(page: Any) -> list[str]:
    """Foreign hosts, and inline script or style the Content-Security-Policy would refuse."""
    found = page.evaluate(_INVENTORY)
    problems = [
        f"{page.url}: <{ref['tag']}> refers to another origin: {ref['value']}"
        for ref in found["refs"]
        if ref["origin"] != found["origin"]
    ]
    problems += [f"{page.url}: style attribute: {html}" for html in found["styleAttributes"]]
    problems += [f"{page.url}: inline script: {html}" for html in found["inlineScripts"]]
    problems += [f"{page.url}: inline event handler: {name}" for name in found["handlerAttributes"]]
    return problems
