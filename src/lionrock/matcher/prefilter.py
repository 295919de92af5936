"""Which events a slow-path pattern could possibly match, found with vectorised tests on whole columns.

The evaluator (stix2-matcher) costs tens of microseconds per event, so it must see only the events that
could match. From the pattern's tree this derives a *requirement*: alternatives of which every matching
event satisfies at least one. An alternative is

* an exact value (`domain-name:value = 'evil.example'`): found with the compiled-index machinery;
* a literal that must occur in a value of some kinds of column (`LIKE '%.duckdns.org'` needs
  `.duckdns.org`; `MATCHES '^login-.*\\.com$'` needs `login-`): one case-insensitive substring test;
* a regular expression on such values (`MATCHES '^[a-z0-9]{12,}\\.top$'`), tested with Arrow's RE2
  when both engines agree on it (ASCII, no classes whose meaning differs), case-insensitively.

OR takes every alternative of its operands, AND the most selective operand's, a qualifier its
expression's; negation, comparisons such as `>` and paths no log column carries leave a pattern
unconstrained (every event is a candidate, as before). Values that are not ASCII, or hold a newline, are
always candidates, since the tests above may not see them as the evaluator does. The requirement is
therefore a superset: it saves evaluations, never hits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from lionrock.matcher import patterns

# Object types whose value the evaluator is shown from log columns of these roles, and in which form:
# names and URLs as logged (lower-cased for names), e-mail addresses and hashes likewise.
_ROLES_OF_TYPE = {
    "domain-name": frozenset({"domain", "host"}),
    "url": frozenset({"url"}),
    "email-addr": frozenset({"email"}),
    "email-message": frozenset({"email"}),
    "file": frozenset({"hash"}),
}
_MIN_LITERAL = 3
_STIX_ESCAPE = re.compile(r"\\(['\\])")
# Escapes RE2 and Python read alike on ASCII text; \d, \w, \s, \b mean more in Python (Unicode).
_SAFE_REGEX = re.compile(r"^[\x20-\x7e]*$")
_UNICODE_CLASSES = re.compile(r"\\[dDwWsSbBuUxN0-9pP]")


@dataclass(frozen=True, slots=True)
class Requirement:
    """Alternatives, one of which every event the pattern matches satisfies."""

    values: tuple[patterns.Value, ...] = ()
    substrings: tuple[tuple[frozenset[str], str], ...] = ()
    regexes: tuple[tuple[frozenset[str], str], ...] = ()

    def cost(self) -> int:
        """Lower is more selective: exact values beat literals, literals beat expressions."""
        return len(self.values) + 10 * len(self.substrings) + 100 * len(self.regexes)


def requirement(pattern: str) -> Requirement | None:
    """The requirement of a pattern, or `None` when every event must be evaluated."""
    from stix2.pattern_visitor import create_pattern_object

    try:
        tree = create_pattern_object(pattern, version="2.1")
    except Exception:  # noqa: BLE001 - a pattern the parser refuses is left unconstrained
        return None
    return _of(tree)


def _either(parts: list[Requirement | None]) -> Requirement | None:
    if any(part is None for part in parts):
        return None
    found = [part for part in parts if part is not None]
    return Requirement(
        tuple(v for part in found for v in part.values),
        tuple(s for part in found for s in part.substrings),
        tuple(r for part in found for r in part.regexes),
    )


def _all(parts: list[Requirement | None]) -> Requirement | None:
    known = [part for part in parts if part is not None]
    return min(known, key=Requirement.cost) if known else None


def _of(node: Any) -> Requirement | None:
    from stix2 import patterns as p

    if isinstance(node, p.ParentheticalExpression):
        return _of(node.expression)
    if isinstance(node, p.ObservationExpression):
        return _of(node.operand)
    if isinstance(node, p.QualifiedObservationExpression):
        return _of(node.observation_expression)
    if isinstance(node, p.OrObservationExpression | p.OrBooleanExpression):
        return _either([_of(operand) for operand in node.operands])
    if isinstance(node, p.AndObservationExpression | p.FollowedByObservationExpression):
        return _all([_of(operand) for operand in node.operands])
    if isinstance(node, p.AndBooleanExpression):
        return _all([_of(operand) for operand in node.operands])
    if hasattr(node, "lhs"):
        return _comparison(node)
    return None


def _comparison(comparison: Any) -> Requirement | None:
    from stix2 import patterns as p

    if comparison.negated:
        return None
    object_type = comparison.lhs.object_type_name
    if isinstance(
        comparison,
        p.EqualityComparisonExpression | p.InComparisonExpression | p.IsSubsetComparisonExpression,
    ):
        values = patterns._comparison_values(comparison)
        return Requirement(values=tuple(values)) if values else None
    roles = _ROLES_OF_TYPE.get(object_type)
    if roles is None or patterns._path_kind(object_type, patterns._path_text(comparison)) is None:
        return None
    text = _STIX_ESCAPE.sub(r"\1", str(comparison.rhs.value))  # as the evaluator reads the literal
    if isinstance(comparison, p.LikeComparisonExpression):
        literal = max(re.split(r"[%_]", text), key=len)
        return Requirement(substrings=((roles, literal),)) if len(literal) >= _MIN_LITERAL else None
    if isinstance(comparison, p.MatchesComparisonExpression):
        literal = regex_literal(text)
        if literal is not None and len(literal) >= _MIN_LITERAL:
            return Requirement(substrings=((roles, literal),))
        if _SAFE_REGEX.match(text) and not _UNICODE_CLASSES.search(text):
            try:
                pc.match_substring_regex(pa.array(["probe"]), "(?i)" + text)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                return None
            return Requirement(regexes=((roles, "(?i)" + text),))
    return None


def regex_literal(pattern: str) -> str | None:
    """The longest run of characters every match of a regular expression must contain, or `None`.

    Conservative: a `|` outside a group, an escape it does not know, or anything else it cannot be sure
    of ends the search with `None`; groups and classes simply end a run.
    """
    runs: list[str] = []
    current: list[str] = []
    position = 0

    def cut() -> None:
        runs.append("".join(current))
        current.clear()

    while position < len(pattern):
        char = pattern[position]
        if char == "\\":
            if position + 1 >= len(pattern):
                return None
            following = pattern[position + 1]
            if following in "dDwWsSbBAZ":
                cut()
            elif following.isalnum():
                return None  # \x41, \1, \u...: not worth reading
            else:
                current.append(following)
            position += 2
            continue
        if char in "*?{":
            if current:
                current.pop()  # the previous character may be absent
            cut()
            if char == "{":
                end = pattern.find("}", position)
                if end < 0:
                    return None
                position = end
            position += 1
            if position < len(pattern) and pattern[position] in "?+":
                position += 1
            continue
        if char == "|":
            return None
        if char == "[":
            cut()
            end = _class_end(pattern, position)
            if end < 0:
                return None
            position = end + 1
            continue
        if char == "(":
            cut()
            end = _group_end(pattern, position)
            if end < 0:
                return None
            position = end + 1
            continue
        if char in ".^$+)]}":
            cut()
            position += 1
            continue
        current.append(char)
        position += 1
    cut()
    best = max(runs, key=len) if runs else ""
    return best or None


def _class_end(pattern: str, start: int) -> int:
    position = start + 1
    if position < len(pattern) and pattern[position] == "^":
        position += 1
    if position < len(pattern) and pattern[position] == "]":
        position += 1
    while position < len(pattern):
        if pattern[position] == "\\":
            position += 2
            continue
        if pattern[position] == "]":
            return position
        position += 1
    return -1


def _group_end(pattern: str, start: int) -> int:
    depth = 0
    position = start
    while position < len(pattern):
        char = pattern[position]
        if char == "\\":
            position += 2
            continue
        if char == "[":
            end = _class_end(pattern, position)
            if end < 0:
                return -1
            position = end + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return -1


def _as_evaluated(values: pa.Array, role: str) -> pa.Array:
    """Names as the evaluator sees them (lower case, no trailing dot, a host's port cut off), so that
    anchored expressions are tested on the same text; URLs and hashes are shown as logged."""
    if role not in ("domain", "host"):
        return values
    text = pc.utf8_trim_whitespace(pc.utf8_lower(values))
    if role == "host":
        text = pc.replace_substring_regex(text, r"^([^:\[\]]*):[0-9]*$", r"\1")
    return pc.replace_substring_regex(text, r"\.$", "", max_replacements=1)


def text_candidates(
    values: pa.Array, role: str, *, substrings: list[str], regexes: list[str]
) -> npt.NDArray[np.bool_]:
    """Per position of a string column of `role`: holds one of the literals (any case) or matches one of
    the expressions, or is a value these tests cannot judge (not ASCII, a newline; for expressions, an
    e-mail address, which the evaluator sees without its display name)."""
    if len(values) == 0:
        return np.zeros(0, dtype=np.bool_)
    mask = pc.invert(pc.fill_null(pc.string_is_ascii(values), True))
    mask = pc.or_(mask, pc.fill_null(pc.match_substring(values, "\n"), False))
    for literal in substrings:
        found = pc.fill_null(pc.match_substring(values, literal, ignore_case=True), False)
        mask = pc.or_(mask, found)
    if regexes and role == "email":
        mask = pc.or_(mask, pc.is_valid(values))
    elif regexes:
        shown = _as_evaluated(values, role)
        for expression in regexes:
            found = pc.fill_null(pc.match_substring_regex(shown, expression), False)
            mask = pc.or_(mask, found)
    return np.asarray(pc.fill_null(mask, False))
