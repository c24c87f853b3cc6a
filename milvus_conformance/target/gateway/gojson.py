"""A small port of the parts of Go's ``encoding/json`` that Milvus's REST v2 layer exposes.

Milvus binds request bodies with gin's ``ShouldBindBodyWith(obj, binding.JSON)``, which runs
``json.NewDecoder(bytes.NewReader(body)).Decode(obj)`` (Go ``encoding/json``; Milvus is built
without gin's jsoniter/sonic tags), and answers with ``c.JSON`` (``json.Marshal``). The error texts
of that decoder end up verbatim in Milvus's 1801 messages, so this module reproduces:

* (in ``goscan``) the scanner and ``Decoder.Decode``'s framing: only the FIRST value is read, trailing
  bytes are ignored, whitespace only is ``io.EOF``, a truncated value is "unexpected EOF", and the
  exact ``SyntaxError`` texts ("invalid character 'x' looking for beginning of value", ...);
* the shape of that first value as a struct of string fields needs it (``parse_top``) and Go's
  case-insensitive key matching (``fold_name``);
* string unquoting (``unquote``): escapes, surrogate pairs, invalid UTF-8 -> U+FFFD per bad byte;
* ``json.Marshal`` output for the few shapes the gateway writes (HTML-safe escaping, sorted keys).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from milvus_conformance.target.gateway.goscan import (
    GoJSONEOF,
    GoJSONSyntaxError,
    first_value,
    go_quote_rune,
    quote_char,
)

__all__ = [
    "GoJSONEOF",
    "GoJSONSyntaxError",
    "first_value",
    "go_quote_rune",
    "quote_char",
    "unquote",
    "decode_utf8_go",
    "TopValue",
    "parse_top",
    "fold_name",
    "marshal",
]

_SPACE = frozenset(b" \t\r\n")


def decode_utf8_go(raw: bytes) -> str:
    """Go-style lenient UTF-8 decoding: each byte of an invalid sequence becomes one U+FFFD."""
    out: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        b = raw[i]
        if b < 0x80:
            out.append(chr(b))
            i += 1
            continue
        size = 2 if 0xC2 <= b <= 0xDF else 3 if 0xE0 <= b <= 0xEF else 4 if 0xF0 <= b <= 0xF4 else 0
        try:
            if not size:
                raise UnicodeDecodeError("utf-8", raw, i, i + 1, "invalid start byte")
            out.append(raw[i : i + size].decode("utf-8"))
            i += size
        except UnicodeDecodeError:
            out.append("\ufffd")
            i += 1
    return "".join(out)


_ESCAPES = {0x62: "\b", 0x66: "\f", 0x6E: "\n", 0x72: "\r", 0x74: "\t", 0x5C: "\\", 0x2F: "/", 0x22: '"'}


def unquote(lit: bytes) -> str:
    """Go ``unquote`` of a scanner-validated string literal (including its quotes)."""
    body = lit[1:-1]
    if 0x5C not in body:
        return decode_utf8_go(body)
    out: list[str] = []
    i, n, start = 0, len(body), 0
    while i < n:
        if body[i] != 0x5C:
            i += 1
            continue
        out.append(decode_utf8_go(body[start:i]))
        e = body[i + 1]
        if e != 0x75:
            out.append(_ESCAPES[e])
            i += 2
        else:
            r = int(body[i + 2 : i + 6], 16)
            i += 6
            if 0xD800 <= r < 0xE000:
                r2 = -1
                if body[i : i + 2] == b"\\u" and len(body) >= i + 6:
                    try:
                        r2 = int(body[i + 2 : i + 6], 16)
                    except ValueError:
                        r2 = -1
                if 0xD800 <= r < 0xDC00 and 0xDC00 <= r2 < 0xE000:
                    r = 0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00)
                    i += 6
                else:
                    r = 0xFFFD
            out.append(chr(r))
        start = i
    out.append(decode_utf8_go(body[start:]))
    return "".join(out)


@dataclass
class TopValue:
    """The first value of a body, as far as binding into a struct of strings needs it.

    kind: "object", "array", "string", "number", "bool" or "null" (Go's UnmarshalTypeError words).
    members: for an object, (key, kind, string value or None) in document order.
    """

    kind: str
    members: list[tuple[str, str, str | None]] = field(default_factory=list)


def _kind(c: int) -> str:
    return {0x7B: "object", 0x5B: "array", 0x22: "string", 0x74: "bool", 0x66: "bool", 0x6E: "null"}.get(c, "number")


def _skip_string(v: bytes, i: int) -> int:
    """Index just past the string literal starting at v[i] == '"'."""
    i += 1
    while v[i] != 0x22:
        i += 2 if v[i] == 0x5C else 1
    return i + 1


def _skip_value(v: bytes, i: int) -> int:
    """Index just past the (validated) value starting at v[i]."""
    c = v[i]
    if c == 0x22:
        return _skip_string(v, i)
    if c in (0x7B, 0x5B):
        depth = 0
        while True:
            c = v[i]
            if c == 0x22:
                i = _skip_string(v, i)
                continue
            if c in (0x7B, 0x5B):
                depth += 1
            elif c in (0x7D, 0x5D):
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
    while i < len(v) and v[i] not in b" \t\r\n,}]":
        i += 1
    return i


def _skip_space(v: bytes, i: int) -> int:
    while i < len(v) and v[i] in _SPACE:
        i += 1
    return i


def parse_top(data: bytes) -> TopValue:
    """Decode the first value of ``data`` the way ``Decoder.Decode`` frames it."""
    v = first_value(data)
    i = _skip_space(v, 0)
    top = TopValue(_kind(v[i]))
    if top.kind != "object":
        return top
    i = _skip_space(v, i + 1)
    while v[i] != 0x7D:
        end = _skip_string(v, i)
        key = unquote(v[i:end])
        i = _skip_space(v, _skip_space(v, end) + 1)  # past ':'
        end = _skip_value(v, i)
        kind = _kind(v[i])
        top.members.append((key, kind, unquote(v[i:end]) if kind == "string" else None))
        i = _skip_space(v, end)
        if v[i] == 0x2C:
            i = _skip_space(v, i + 1)
    return top


def fold_name(name: str) -> str:
    """Go 1.21 ``foldName`` restricted to what can equal an ASCII field name."""
    out = []
    for ch in name:
        if "a" <= ch <= "z":
            out.append(ch.upper())
        elif ch == "\u017f":  # LATIN SMALL LETTER LONG S folds with s/S
            out.append("S")
        elif ch == "\u212a":  # KELVIN SIGN folds with k/K
            out.append("K")
        else:
            out.append(ch)
    return "".join(out)


# ---------------------------------------------------------------- encoding (json.Marshal)

_HEXDIGITS = "0123456789abcdef"


def _marshal_string(s: str) -> str:
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif o < 0x20 or ch in "<>&":
            short = {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch)
            out.append(short or "\\u00" + _HEXDIGITS[o >> 4] + _HEXDIGITS[o & 0xF])
        elif ch in "\u2028\u2029":
            out.append("\\u%04x" % o)
        elif 0xD800 <= o < 0xE000:
            out.append("\\ufffd")  # not valid UTF-8 in Go either
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def marshal(obj) -> bytes:
    """Go ``json.Marshal`` for dict (gin.H, keys sorted) / list / str / int / bool / None."""

    def enc(o) -> str:
        if o is None:
            return "null"
        if o is True:
            return "true"
        if o is False:
            return "false"
        if isinstance(o, int):
            return str(o)
        if isinstance(o, str):
            return _marshal_string(o)
        if isinstance(o, dict):
            return "{" + ",".join(_marshal_string(k) + ":" + enc(o[k]) for k in sorted(o)) + "}"
        if isinstance(o, (list, tuple)):
            return "[" + ",".join(enc(x) for x in o) + "]"
        raise TypeError("cannot marshal %s" % type(o).__name__)

    return enc(obj).encode("utf-8")
