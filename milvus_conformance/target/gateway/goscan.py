"""Go ``encoding/json`` scanner (``scanner.go``) and ``Decoder.readValue`` framing, ported.

Used by ``gojson``: decides which prefix of a request body is the first complete JSON value and
produces Go's exact ``SyntaxError`` texts ("invalid character 'x' looking for beginning of value",
"invalid character '}' after object key", ...), which Milvus copies into its 1801 messages.
Framing as ``Decoder.Decode`` does it: only the first value is read and trailing bytes are ignored;
no non-space byte at all is ``io.EOF``; a value cut short is ``io.ErrUnexpectedEOF`` ("unexpected EOF").
"""

from __future__ import annotations

MAX_NESTING_DEPTH = 10000

# scan codes (as in Go)
CONTINUE, BEGIN_LITERAL, BEGIN_OBJECT, OBJECT_KEY, OBJECT_VALUE, END_OBJECT = range(6)
BEGIN_ARRAY, ARRAY_VALUE, END_ARRAY, SKIP_SPACE, END, ERROR = range(6, 12)
# parse states
_P_OBJ_KEY, _P_OBJ_VALUE, _P_ARR_VALUE = range(3)

_SPACE = frozenset(b" \t\r\n")
_DIGITS = frozenset(b"0123456789")
_HEX = frozenset(b"0123456789abcdefABCDEF")


class GoJSONSyntaxError(Exception):
    """A ``*json.SyntaxError`` (or ``io.ErrUnexpectedEOF``); ``str()`` is Go's ``Error()``."""


class GoJSONEOF(Exception):
    """``io.EOF``: the body holds no value at all (empty or only whitespace)."""


def quote_char(c: int) -> str:
    """Go ``quoteChar``: the byte is shown as the rune with the same value, Go-quoted."""
    if c == 0x27:
        return "'\\''"
    if c == 0x22:
        return "'\"'"
    return "'" + go_quote_rune(chr(c)) + "'"


def go_quote_rune(ch: str) -> str:
    """The inside of Go ``strconv.Quote(string(r))`` for one rune."""
    simple = {
        "\a": "\\a",
        "\b": "\\b",
        "\f": "\\f",
        "\n": "\\n",
        "\r": "\\r",
        "\t": "\\t",
        "\v": "\\v",
        "\\": "\\\\",
        '"': '\\"',
    }
    if ch in simple:
        return simple[ch]
    o = ord(ch)
    if ch == " " or (o >= 0x20 and ch.isprintable()):
        return ch
    if o < 0x20 or o == 0x7F:
        return "\\x%02x" % o
    if o < 0x10000:
        return "\\u%04x" % o
    return "\\U%08x" % o


class _Scanner:
    """Go's ``scanner`` state machine, one byte at a time."""

    def __init__(self) -> None:
        self.step = self.begin_value
        self.parse_state: list[int] = []
        self.err: str | None = None

    def error(self, c: int, context: str) -> int:
        self.step = self.stop
        self.err = "invalid character " + quote_char(c) + " " + context
        return ERROR

    def stop(self, c: int) -> int:
        return ERROR

    def push(self, c: int, state: int, success: int) -> int:
        self.parse_state.append(state)
        if len(self.parse_state) <= MAX_NESTING_DEPTH:
            return success
        return self.error(c, "exceeded max depth")

    def begin_value_or_empty(self, c: int) -> int:
        if c in _SPACE:
            return SKIP_SPACE
        if c == 0x5D:  # ]
            return self.end_value(c)
        return self.begin_value(c)

    def begin_value(self, c: int) -> int:
        if c in _SPACE:
            return SKIP_SPACE
        if c == 0x7B:  # {
            self.step = self.begin_string_or_empty
            return self.push(c, _P_OBJ_KEY, BEGIN_OBJECT)
        if c == 0x5B:  # [
            self.step = self.begin_value_or_empty
            return self.push(c, _P_ARR_VALUE, BEGIN_ARRAY)
        if c == 0x22:
            self.step = self.in_string
            return BEGIN_LITERAL
        if c == 0x2D:
            self.step = self.neg
            return BEGIN_LITERAL
        if c == 0x30:
            self.step = self.zero
            return BEGIN_LITERAL
        if 0x31 <= c <= 0x39:
            self.step = self.one
            return BEGIN_LITERAL
        for lit in (b"true", b"false", b"null"):
            if c == lit[0]:
                self.step = self._literal(lit, 1)
                return BEGIN_LITERAL
        return self.error(c, "looking for beginning of value")

    def _literal(self, lit: bytes, i: int):
        def step(c: int) -> int:
            if c == lit[i]:
                self.step = self.end_value if i + 1 == len(lit) else self._literal(lit, i + 1)
                return CONTINUE
            return self.error(c, "in literal %s (expecting %s)" % (lit.decode(), quote_char(lit[i])))

        return step

    def begin_string_or_empty(self, c: int) -> int:
        if c in _SPACE:
            return SKIP_SPACE
        if c == 0x7D:  # }
            self.parse_state[-1] = _P_OBJ_VALUE
            return self.end_value(c)
        return self.begin_string(c)

    def begin_string(self, c: int) -> int:
        if c in _SPACE:
            return SKIP_SPACE
        if c == 0x22:
            self.step = self.in_string
            return BEGIN_LITERAL
        return self.error(c, "looking for beginning of object key string")

    def end_value(self, c: int) -> int:
        if not self.parse_state:
            self.step = self.end_top
            return self.end_top(c)
        if c in _SPACE:
            self.step = self.end_value
            return SKIP_SPACE
        ps = self.parse_state[-1]
        if ps == _P_OBJ_KEY:
            if c == 0x3A:  # :
                self.parse_state[-1] = _P_OBJ_VALUE
                self.step = self.begin_value
                return OBJECT_KEY
            return self.error(c, "after object key")
        if ps == _P_OBJ_VALUE:
            if c == 0x2C:
                self.parse_state[-1] = _P_OBJ_KEY
                self.step = self.begin_string
                return OBJECT_VALUE
            if c == 0x7D:
                self._pop()
                return END_OBJECT
            return self.error(c, "after object key:value pair")
        if c == 0x2C:
            self.step = self.begin_value
            return ARRAY_VALUE
        if c == 0x5D:
            self._pop()
            return END_ARRAY
        return self.error(c, "after array element")

    def _pop(self) -> None:
        self.parse_state.pop()
        self.step = self.end_top if not self.parse_state else self.end_value

    def end_top(self, c: int) -> int:
        if c not in _SPACE:
            self.error(c, "after top-level value")  # reported on a later call only
        return END

    def in_string(self, c: int) -> int:
        if c == 0x22:
            self.step = self.end_value
            return CONTINUE
        if c == 0x5C:
            self.step = self.in_string_esc
            return CONTINUE
        if c < 0x20:
            return self.error(c, "in string literal")
        return CONTINUE

    def in_string_esc(self, c: int) -> int:
        if c in b'bfnrt\\/"':
            self.step = self.in_string
            return CONTINUE
        if c == 0x75:
            self.step = self._esc_u(0)
            return CONTINUE
        return self.error(c, "in string escape code")

    def _esc_u(self, n: int):
        def step(c: int) -> int:
            if c in _HEX:
                self.step = self.in_string if n == 3 else self._esc_u(n + 1)
                return CONTINUE
            return self.error(c, "in \\u hexadecimal character escape")

        return step

    def neg(self, c: int) -> int:
        if c == 0x30:
            self.step = self.zero
            return CONTINUE
        if 0x31 <= c <= 0x39:
            self.step = self.one
            return CONTINUE
        return self.error(c, "in numeric literal")

    def one(self, c: int) -> int:
        if c in _DIGITS:
            return CONTINUE
        return self.zero(c)

    def zero(self, c: int) -> int:
        if c == 0x2E:
            self.step = self.dot
            return CONTINUE
        if c in b"eE":
            self.step = self.exp
            return CONTINUE
        return self.end_value(c)

    def dot(self, c: int) -> int:
        if c in _DIGITS:
            self.step = self.dot0
            return CONTINUE
        return self.error(c, "after decimal point in numeric literal")

    def dot0(self, c: int) -> int:
        if c in _DIGITS:
            return CONTINUE
        if c in b"eE":
            self.step = self.exp
            return CONTINUE
        return self.end_value(c)

    def exp(self, c: int) -> int:
        if c in b"+-":
            self.step = self.exp_sign
            return CONTINUE
        return self.exp_sign(c)

    def exp_sign(self, c: int) -> int:
        if c in _DIGITS:
            self.step = self.exp0
            return CONTINUE
        return self.error(c, "in exponent of numeric literal")

    def exp0(self, c: int) -> int:
        if c in _DIGITS:
            return CONTINUE
        return self.end_value(c)


def first_value(data: bytes) -> bytes:
    """``Decoder.readValue``: the bytes of the first JSON value in ``data`` (leading space kept).

    Raises GoJSONEOF for an input without any non-space byte and GoJSONSyntaxError otherwise.
    """
    s = _Scanner()
    for i, c in enumerate(data):
        code = s.step(c)
        if code == END:
            return data[:i]
        if code in (END_OBJECT, END_ARRAY) and s.end_value(0x20) == END:
            return data[: i + 1]
        if code == ERROR:
            raise GoJSONSyntaxError(s.err)
    if s.step(0x20) == END:
        return data
    if any(c not in _SPACE for c in data):
        raise GoJSONSyntaxError("unexpected EOF")
    raise GoJSONEOF()
