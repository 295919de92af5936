"""Decides, for each STIX pattern, whether the compiled index can answer it or the slow path must.

A pattern that is an OR of plain comparisons (`=`, `IN`, `ISSUBSET` on an address) on values that logs
carry is fully described by the values it names: those go into the fast index. Anything else (AND across
objects, MATCHES, LIKE, FOLLOWEDBY, qualifiers, negation) keeps its full meaning only when evaluated, so it
goes to the slow path. A pattern naming only objects no log carries can never match: it is refused with a
reason rather than dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lionrock.matcher import canonical
from lionrock.matcher.canonical import _OCTET

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# The common shape `[type:path = 'value']` is recognised without the full grammar: parsing a million
# patterns with the ANTLR parser would take minutes. Anything not matching this exactly takes the full parse.
_SIMPLE = re.compile(
    r"^\[\s*([a-z0-9-]+):([A-Za-z0-9_.'\-]+)\s*(=|ISSUBSET)\s*'((?:[^'\\]|\\[\\'])*)'\s*\]$",
)

_IP_PORT = re.compile(
    r"^\[\s*network-traffic:(dst|src)_ref\.value\s*=\s*'([0-9A-Fa-f.:]+)'\s+AND\s+"
    r"network-traffic:\1_port\s*=\s*(\d{1,5})\s*\]$"
)

Value = tuple[str, str]
"""(kind, canonical value): kind is one of ip, cidr, domain, url, hash, email, ipport."""

# Object types whose values some log field carries, with the kind their `value` property is matched as.
_VALUE_PATHS = {
    ("ipv4-addr", "value"): "address",
    ("ipv6-addr", "value"): "address",
    ("domain-name", "value"): "domain",
    ("url", "value"): "url",
    ("email-addr", "value"): "email",
    ("network-traffic", "dst_ref.value"): "address",
    ("network-traffic", "src_ref.value"): "address",
    ("email-message", "from_ref.value"): "email",
    ("email-message", "sender_ref.value"): "email",
    ("email-message", "to_refs[*].value"): "email",
    ("email-message", "cc_refs[*].value"): "email",
}
_HASH_NAMES = {"md5", "sha-1", "sha1", "sha-256", "sha256"}
LOGGED_TYPES = frozenset(
    {"ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr", "email-message", "network-traffic", "file"}
)


class PatternRefused(ValueError):
    """The pattern cannot match anything in a log, or cannot be parsed; the message says why."""


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the matcher does with one pattern: its fast values, or the slow path with its literal values."""

    fast: tuple[Value, ...]
    slow: bool
    literals: tuple[Value, ...] = ()
    reason: str = ""


def classify_value(kind: str, raw: str) -> Value | None:
    """Canonicalises one value of a known kind ("address" may be an address or a CIDR block)."""
    if kind == "address":
        if "/" in raw:
            net = canonical.network(raw)
            return None if net is None else ("cidr", str(net))
        address = canonical.ip(raw)
        return None if address is None else ("ip", address)
    if kind == "domain":
        name = canonical.domain(raw)
        return None if name is None else ("domain", name)
    if kind == "url":
        link = canonical.url(raw)
        return None if link is None else ("url", link)
    if kind == "email":
        mail = canonical.email(raw)
        return None if mail is None else ("email", mail)
    if kind == "hash":
        digest = canonical.file_hash(raw)
        return None if digest is None else ("hash", digest)
    return None


def _path_kind(object_type: str, path: str) -> str | None:
    """The kind of value that an object path names, or ``None`` if no log field carries it."""
    if object_type == "file" and path.startswith("hashes."):
        return "hash" if path[7:].strip("'").lower() in _HASH_NAMES else None
    return _VALUE_PATHS.get((object_type, path))


def analyse(pattern: str) -> Analysis:
    """Analyses one STIX 2.1 pattern; raises `PatternRefused` with a reason for patterns that cannot work."""
    simple = _SIMPLE.match(pattern.strip())
    if simple:
        object_type, path, operator, raw = simple.groups()
        kind = _path_kind(object_type, path)
        if kind is not None and (operator == "=" or kind == "address"):
            value = classify_value(kind, raw.replace("\\'", "'").replace("\\\\", "\\"))
            if value is None:
                raise PatternRefused(f"{object_type}:{path} value {raw!r} is not a valid {kind}")
            return Analysis(fast=(value,), slow=False)
    pair = _IP_PORT.match(pattern.strip())
    if pair:
        key = canonical.ip_port(pair.group(2), pair.group(3))
        if key is not None:
            return Analysis(fast=(("ipport", key),), slow=False)
    return _analyse_parsed(pattern)


def _analyse_parsed(pattern: str) -> Analysis:
    """Full-grammar analysis with stix2-patterns, for everything beyond the one-comparison shape."""
    from stix2.pattern_visitor import create_pattern_object
    from stix2patterns.exceptions import ParseException

    try:
        tree = create_pattern_object(pattern, version="2.1")
    except (ParseException, ValueError, TypeError, AttributeError, IndexError) as error:
        raise PatternRefused(f"pattern does not parse: {error}") from error
    except Exception as error:
        raise PatternRefused(f"pattern does not parse: {error}") from error
    comparisons: list[Any] = []
    simple = _collect(tree, comparisons)
    types = {c.lhs.object_type_name for c in comparisons}
    if not types & LOGGED_TYPES:
        raise PatternRefused(f"no log field carries {', '.join(sorted(types))}")
    values: list[Value] = []
    for comparison in comparisons:
        values.extend(_comparison_values(comparison))
    if simple and all(_fast_comparison(c) for c in comparisons):
        return Analysis(fast=tuple(values), slow=False)
    if _is_ip_port(tree):
        return Analysis(fast=_ip_port_values(tree), slow=False)
    reason = "expression needs evaluation (AND, MATCHES, LIKE, FOLLOWEDBY, qualifiers or negation)"
    return Analysis(fast=(), slow=True, literals=tuple(values), reason=reason)


def _collect(node: Any, out: list[Any]) -> bool:
    """Gathers every comparison; returns True while the tree is only ORs of single-object observations."""
    from stix2 import patterns as p

    if isinstance(node, p.ParentheticalExpression):
        return _collect(node.expression, out)
    if isinstance(node, p.OrObservationExpression):
        results = [_collect(operand, out) for operand in node.operands]
        return all(results)
    if isinstance(node, p.ObservationExpression):
        return _collect(node.operand, out)
    if isinstance(node, p.QualifiedObservationExpression):
        _collect(node.observation_expression, out)
        return False
    if isinstance(node, p.AndObservationExpression | p.FollowedByObservationExpression):
        for operand in node.operands:
            _collect(operand, out)
        return False
    if isinstance(node, p.OrBooleanExpression):
        results = [_collect(operand, out) for operand in node.operands]
        return all(results)
    if isinstance(node, p.AndBooleanExpression):
        for operand in node.operands:
            _collect(operand, out)
        return False
    if hasattr(node, "lhs"):
        out.append(node)
        return True
    return False


def _path_text(comparison: Any) -> str:
    """`dst_ref.value`, `hashes.SHA-256`, `to_refs[*].value`: the object path without the type."""
    from stix2 import patterns as p

    parts: list[str] = []
    for component in comparison.lhs.property_path:
        name = str(component.property_name)
        if isinstance(component, p.ListObjectPathComponent):
            name += "[*]"
        parts.append(name)
    return ".".join(parts)


def _constants(comparison: Any) -> list[str]:
    """The literal strings a comparison names (one for `=`, several for `IN`)."""
    from stix2 import patterns as p

    rhs = comparison.rhs
    if isinstance(rhs, p.ListConstant):
        return [str(item.value) for item in rhs.value]
    return [str(rhs.value)]


def _fast_comparison(comparison: Any) -> bool:
    """`=`, `IN` and address `ISSUBSET`, not negated, on a path that logs carry."""
    from stix2 import patterns as p

    kind = _path_kind(comparison.lhs.object_type_name, _path_text(comparison))
    if kind is None or comparison.negated:
        return False
    if isinstance(comparison, p.EqualityComparisonExpression | p.InComparisonExpression):
        return True
    return isinstance(comparison, p.IsSubsetComparisonExpression) and kind == "address"


def _comparison_values(comparison: Any) -> list[Value]:
    """The canonical values of a comparison whose path logs carry; used by the index or as prefilter."""
    from stix2 import patterns as p

    kind = _path_kind(comparison.lhs.object_type_name, _path_text(comparison))
    if kind is None or comparison.negated:
        return []
    if not isinstance(
        comparison,
        p.EqualityComparisonExpression | p.InComparisonExpression | p.IsSubsetComparisonExpression,
    ):
        return []
    values = [classify_value(kind, raw) for raw in _constants(comparison)]
    return [value for value in values if value is not None]


def _is_ip_port(tree: Any) -> bool:
    """`[network-traffic:dst_ref.value = 'a' AND network-traffic:dst_port = n]`, the IP:port shape."""
    from stix2 import patterns as p

    node = tree.expression if isinstance(tree, p.ParentheticalExpression) else tree
    if not isinstance(node, p.ObservationExpression) or not isinstance(node.operand, p.AndBooleanExpression):
        return False
    operands = node.operand.operands
    if len(operands) != 2 or not all(isinstance(c, p.EqualityComparisonExpression) for c in operands):
        return False
    paths = sorted(_path_text(c) for c in operands if c.lhs.object_type_name == "network-traffic")
    return paths in (["dst_port", "dst_ref.value"], ["src_port", "src_ref.value"]) and not any(
        c.negated for c in operands
    )


def _ip_port_values(tree: Any) -> tuple[Value, ...]:
    """The one `ip:port` key of an IP-and-port pattern."""
    from stix2 import patterns as p

    node = tree.expression if isinstance(tree, p.ParentheticalExpression) else tree
    address = port = ""
    for comparison in node.operand.operands:
        if _path_text(comparison).endswith("_port"):
            port = str(comparison.rhs.value)
        else:
            address = str(comparison.rhs.value)
    key = canonical.ip_port(address, port)
    if key is None:
        raise PatternRefused(f"{address!r} port {port!r} is not a valid address and port")
    return (("ipport", key),)


# -- many patterns at once --------------------------------------------------------------------------------

# The shapes a feed of a million indicators is made of, recognised a column at a time with Arrow. Each is a
# strict subset of what `analyse` recognises (spaces only where it allows any whitespace, no escapes, `=`
# only) and gives the same value `analyse` gives; anything else is left to `analyse`.
_COLUMN_SIMPLE = (
    r"^\[ *(?P<type>ipv4-addr|domain-name|url|file):"
    r"(?P<path>value|hashes\.'[A-Za-z0-9-]+'|hashes\.[A-Za-z0-9-]+)"
    r" *= *'(?P<raw>[^'\\]*)' *\]$"
)
_COLUMN_QUAD = rf"^{_OCTET}(?:\.{_OCTET}){{3}}$"
_COLUMN_NAME = r"^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?$"
# No port, user, escapes, dot segments or empty query: the URLs whose canonical form is their own text.
_COLUMN_URL = r"^https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*/[A-Za-z0-9_~./-]*(?:\?[A-Za-z0-9_~.=&-]+)?$"
_COLUMN_HASH = r"^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$"


_COLUMN_PREFIXES = [
    (object_type, path, f"[{object_type}:{path} = '")
    for object_type, path in [
        ("ipv4-addr", "value"),
        ("domain-name", "value"),
        ("url", "value"),
        ("file", "hashes.'MD5'"),
        ("file", "hashes.'SHA-1'"),
        ("file", "hashes.'SHA-256'"),
    ]
]


COLUMN_KINDS = ("", "ip", "domain", "url", "hash")
"""The kinds `analyse_column` answers, by their code (0: not answered)."""


def analyse_column(texts: list[str]) -> tuple[npt.NDArray[np.int8], npt.NDArray[Any]]:
    """The kind (a code into `COLUMN_KINDS`) and canonical value of each pattern of a common one-value
    shape, as `analyse` gives them; code 0 (value None) for every other pattern, which `analyse` must
    then take one at a time.

    Patterns written exactly as feeds write them (`[url:value = '…']`) are cut at fixed offsets; the
    rest of the common shapes (other spacing, other hash names) go through one regular expression.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    count = len(texts)
    kinds = np.zeros(count, dtype=np.int8)
    values = np.full(count, None, dtype=object)
    if count == 0:
        return kinds, values
    array = pa.array(texts, type=pa.string())
    left = np.ones(count, dtype=np.bool_)
    closed = np.asarray(pc.ends_with(array, "']"))
    for object_type, path, prefix in _COLUMN_PREFIXES:
        rows = np.flatnonzero(closed & np.asarray(pc.starts_with(array, prefix)))
        if len(rows) == 0:
            continue
        raw = pc.utf8_slice_codeunits(array.take(pa.array(rows)), len(prefix), -2)
        plain = np.asarray(pc.invert(pc.match_substring_regex(raw, r"['\\]")))
        rows, raw = rows[plain], raw.filter(pa.array(plain))
        left[rows] = False
        _accept(object_type, path, raw, rows, kinds, values)
    rest = np.flatnonzero(left)
    if len(rest) == 0:
        return kinds, values
    parts = pc.extract_regex(array.take(pa.array(rest)), _COLUMN_SIMPLE)
    object_types = pc.struct_field(parts, "type")
    paths = pc.struct_field(parts, "path")
    raws = pc.struct_field(parts, "raw")
    pairs = pc.binary_join_element_wise(object_types, paths, ":")  # object types hold no colon
    for pair in pc.unique(pc.drop_null(pairs)).to_pylist():
        object_type, _, path = str(pair).partition(":")
        rows = np.asarray(pc.fill_null(pc.equal(pairs, pair), False))
        _accept(object_type, path, raws.filter(pa.array(rows)), rest[rows], kinds, values)
    return kinds, values


def _accept(
    object_type: str,
    path: str,
    raw: Any,
    rows: npt.NDArray[np.int64],
    kinds: npt.NDArray[np.int8],
    values: npt.NDArray[Any],
) -> None:
    """Sets the kind and value of each row whose literal `raw` canonicalises without Python's help."""
    import numpy as np
    import pyarrow.compute as pc

    kind = _path_kind(object_type, path)
    if kind == "address":
        accepted = pc.match_substring_regex(raw, _COLUMN_QUAD)
        canonical_values, kind_name = raw, "ip"
    elif kind == "domain":
        without_dot = pc.replace_substring_regex(raw, r"\.$", "", max_replacements=1)
        accepted = pc.and_(
            pc.match_substring_regex(raw, _COLUMN_NAME),
            pc.less_equal(pc.binary_length(without_dot), 253),
        )
        canonical_values, kind_name = pc.ascii_lower(without_dot), "domain"
    elif kind == "url":
        host = pc.struct_field(pc.extract_regex(raw, r"^https?://(?P<host>[^/]*)"), "host")
        accepted = pc.and_(
            pc.and_(pc.match_substring_regex(raw, _COLUMN_URL), pc.invert(pc.match_substring(raw, "/."))),
            pc.less_equal(pc.binary_length(host), 253),
        )
        canonical_values, kind_name = raw, "url"
    elif kind == "hash":
        accepted = pc.match_substring_regex(raw, _COLUMN_HASH)
        canonical_values, kind_name = pc.ascii_lower(raw), "hash"
    else:
        return
    taken = np.asarray(pc.fill_null(accepted, False))
    kinds[rows[taken]] = COLUMN_KINDS.index(kind_name)
    values[rows[taken]] = pc.filter(canonical_values, _pa_mask(taken)).to_numpy(zero_copy_only=False)


def _pa_mask(mask: npt.NDArray[np.bool_]) -> Any:
    """A NumPy mask as an Arrow boolean array."""
    import pyarrow as pa

    return pa.array(mask, type=pa.bool_())
