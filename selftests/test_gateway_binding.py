"""Unit tests of the gateway's Go-compatible pieces (no server needed): JSON framing and error
texts (Go encoding/json), gin binding + validator messages, Authorization parsing, Request-Timeout
parsing, and Go-style JSON output."""

from __future__ import annotations

import base64

import pytest

from milvus_conformance.target.gateway import auth, binding, gojson, routes

FMT = "can only accept json format request, error: "
EOF_MSG = "can only accept json format request, the request body should be nil, however {} is valid"
REQ = "missing required parameters, error: "


def _tag(struct: str, field: str) -> str:
    return "Key: '%s.%s' Error:Field validation for '%s' failed on the 'required' tag" % (struct, field, field)


@pytest.mark.parametrize(
    "body, message",
    [
        (b"x", "invalid character 'x' looking for beginning of value"),
        (b'{"a" 1}', "invalid character '1' after object key"),
        (b'{"collectionName": "book", "dbName"}', "invalid character '}' after object key"),
        (b'{"a":1 "b":2}', "invalid character '\"' after object key:value pair"),
        (b"{'a':1}", "invalid character '\\'' looking for beginning of object key string"),
        (b"[1 2]", "invalid character '2' after array element"),
        (b"tru!", "invalid character '!' in literal true (expecting 'e')"),
        (b"nul", "unexpected EOF"),
        (b'{"a":"\x01"}', "invalid character '\\x01' in string literal"),
        (b'{"a":"\\q"}', "invalid character 'q' in string escape code"),
        (b'{"a":"\\u12g4"}', "invalid character 'g' in \\u hexadecimal character escape"),
        (b"-x", "invalid character 'x' in numeric literal"),
        (b"1.x", "invalid character 'x' after decimal point in numeric literal"),
        (b"1ex", "invalid character 'x' in exponent of numeric literal"),
        (b"\xc3\xa9", "invalid character '\u00c3' looking for beginning of value"),
        (b"\xa0", "invalid character '\\u00a0' looking for beginning of value"),
        (b"{", "unexpected EOF"),
        (b'{"userName":', "unexpected EOF"),
        (b'"abc', "unexpected EOF"),
    ],
)
def test_go_syntax_errors(body, message):
    with pytest.raises(gojson.GoJSONSyntaxError) as ei:
        gojson.first_value(body)
    assert str(ei.value) == message


@pytest.mark.parametrize("body", [b"", b" \r\n\t "])
def test_go_eof(body):
    with pytest.raises(gojson.GoJSONEOF):
        gojson.first_value(body)


@pytest.mark.parametrize(
    "body, first",
    [
        (b'{"a":1} trailing garbage', b'{"a":1}'),
        (b'{"a":1}{"b":2}', b'{"a":1}'),
        (b"123abc", b"123"),
        (b' "s" x', b' "s"'),
        (b"[1,[2]]]", b"[1,[2]]"),
        (b"null", b"null"),
    ],
)
def test_only_the_first_value_is_read(body, first):
    assert gojson.first_value(body) == first


def test_max_depth():
    with pytest.raises(gojson.GoJSONSyntaxError, match="exceeded max depth"):
        gojson.first_value(b"[" * 10001)


@pytest.mark.parametrize(
    "literal, text",
    [
        (b'"plain"', "plain"),
        (b'"a\\"b\\\\c\\/d\\n\\t"', 'a"b\\c/d\n\t'),
        (b'"\\u00e9\\ud83d\\ude00"', "\u00e9\U0001f600"),
        (b'"\\ud800x"', "\ufffdx"),
        (b'"\\udc00\\ud800\\udc00"', "\ufffd\U00010000"),
        (b'"\xe2\x82A"', "\ufffd\ufffdA"),
        (b'"\xff"', "\ufffd"),
    ],
)
def test_unquote(literal, text):
    assert gojson.unquote(literal) == text


@pytest.mark.parametrize(
    "body, code, message",
    [
        (b"", 1801, EOF_MSG),
        (b"   ", 1801, EOF_MSG),
        (b"{", 1801, FMT + "unexpected EOF"),
        (b"[]", 1801, FMT + "json: cannot unmarshal array into Go value of type httpserver.PasswordReq"),
        (b'"s"', 1801, FMT + "json: cannot unmarshal string into Go value of type httpserver.PasswordReq"),
        (b"12", 1801, FMT + "json: cannot unmarshal number into Go value of type httpserver.PasswordReq"),
        (b"true", 1801, FMT + "json: cannot unmarshal bool into Go value of type httpserver.PasswordReq"),
        (
            b'{"userName": 1, "password": "abcdefg"}',
            1801,
            FMT + "json: cannot unmarshal number into Go struct field PasswordReq.userName of type string",
        ),
        (
            b'{"userName": "a", "password": ["x"]}',
            1801,
            FMT + "json: cannot unmarshal array into Go struct field PasswordReq.password of type string",
        ),
        (
            b'{"userName": {}, "password": true}',
            1801,
            FMT + "json: cannot unmarshal object into Go struct field PasswordReq.userName of type string",
        ),
        (
            b'{"USERNAME": false}',
            1801,
            FMT + "json: cannot unmarshal bool into Go struct field PasswordReq.userName of type string",
        ),
        (b"null", 1802, REQ + _tag("PasswordReq", "UserName") + "\n" + _tag("PasswordReq", "Password")),
        (b"{}", 1802, REQ + _tag("PasswordReq", "UserName") + "\n" + _tag("PasswordReq", "Password")),
        (b'{"userName": "a"}', 1802, REQ + _tag("PasswordReq", "Password")),
        (b'{"userName": "", "password": "abcdefg"}', 1802, REQ + _tag("PasswordReq", "UserName")),
        (b'{"userName": null, "password": "abcdefg"}', 1802, REQ + _tag("PasswordReq", "UserName")),
        (b'{"user_name": "a", "password": "abcdefg"}', 1802, REQ + _tag("PasswordReq", "UserName")),
    ],
)
def test_bind_password_req_errors(body, code, message):
    with pytest.raises(binding.BindError) as ei:
        binding.bind(binding.PASSWORD_REQ, body)
    assert (ei.value.code, ei.value.message) == (code, message)


@pytest.mark.parametrize(
    "body, expected",
    [
        (b'{"userName": "u", "password": "p", "extra": [1, {"x": null}]}', {"userName": "u", "password": "p"}),
        (b'{"USERNAME": "u", "PassWord": "p"}', {"userName": "u", "password": "p"}),
        (b'{"u\xc5\xbferName": "u", "password": "p"}', {"userName": "u", "password": "p"}),  # long s folds to s
        (b'{"userName": "a", "userName": "b", "password": "p"}', {"userName": "b", "password": "p"}),
        (b'{"userName": "a", "username": "b", "password": "p"}', {"userName": "b", "password": "p"}),
        (b'{"userName": "a", "userName": null, "password": "p"}', {"userName": "a", "password": "p"}),
        (b'{"userName": "u", "password": "p"} {"x"', {"userName": "u", "password": "p"}),
        (b'  {"userName":"\\u0075","password":"p:q"}', {"userName": "u", "password": "p:q"}),
    ],
)
def test_bind_password_req_ok(body, expected):
    assert binding.bind(binding.PASSWORD_REQ, body) == expected


@pytest.mark.parametrize("body", [b"{}", b"null", b'{"dbName": "x", "other": 1}'])
def test_list_request_binds(body):
    binding.bind(binding.DATABASE_REQ, body)


def test_list_request_empty_body_is_1801():
    with pytest.raises(binding.BindError) as ei:
        binding.bind(binding.DATABASE_REQ, b"")
    assert (ei.value.code, ei.value.message) == (1801, EOF_MSG)


def test_new_password_req_messages():
    with pytest.raises(binding.BindError) as ei:
        binding.bind(binding.NEW_PASSWORD_REQ, b'{"userName":"u"}')
    assert ei.value.message == REQ + _tag("NewPasswordReq", "Password") + "\n" + _tag("NewPasswordReq", "NewPassword")


def _b64(s: bytes) -> str:
    return base64.b64encode(s).decode()


@pytest.mark.parametrize(
    "header, basic, user_token, api_key",
    [
        (None, False, None, None),
        ("", False, None, None),
        ("Bearer ", False, None, b"Bearer"),  # header values are trimmed (Go textproto) -> API key "Bearer"
        ("Bearer root:Milvus", False, b"root:Milvus", None),
        ("root:Milvus", False, b"root:Milvus", None),
        ("Bearer u:pa:ss", False, b"u:pa:ss", None),
        ("Bearer :pw", False, None, None),
        ("Bearer user:", False, None, None),
        ("Bearer sk-abc", False, None, b"sk-abc"),
        ("Bearer", False, None, b"Bearer"),
        ("bearer u:p", False, b"bearer u:p", None),  # prefix is case-sensitive: user "bearer u"
        ("Basic " + _b64(b"root:Milvus"), True, b"root:Milvus", ("Basic " + _b64(b"root:Milvus")).encode()),
        ("bAsIc " + _b64(b"u:p:q"), True, b"u:p:q", ("bAsIc " + _b64(b"u:p:q")).encode()),
        ("Basic " + _b64(b"nocolon"), False, None, ("Basic " + _b64(b"nocolon")).encode()),
        ("Basic !!notbase64", False, None, b"Basic !!notbase64"),
    ],
)
def test_parse_authorization(header, basic, user_token, api_key):
    a = auth.parse_authorization(header)
    assert (a.basic, a.user_token, a.api_key) == (basic, user_token, api_key)


def test_auth_attempt_repr_hides_secrets():
    assert "Milvus" not in repr(auth.parse_authorization("Bearer root:Milvus"))


@pytest.mark.parametrize(
    "value, ns",
    [
        (None, 30_000_000_000),
        ("", 30_000_000_000),
        ("5", 5_000_000_000),
        ("+7", 7_000_000_000),
        ("007", 7_000_000_000),
        (" 3 ", 3_000_000_000),
        ("0", 0),
        ("-1", -1_000_000_000),
        ("abc", 30_000_000_000),
        ("1.5", 30_000_000_000),
        ("1_000", 30_000_000_000),
        ("9223372036854775808", 30_000_000_000),  # ParseInt range error -> ignored
        ("10000000000", 10000000000 * 10**9 - 2**64),  # Duration multiplication wraps (negative)
    ],
)
def test_request_timeout(value, ns):
    assert routes.request_timeout_ns(value) == ns


@pytest.mark.parametrize(
    "obj, text",
    [
        ({"code": 0, "data": {}}, b'{"code":0,"data":{}}'),
        ({"data": [], "code": 0}, b'{"code":0,"data":[]}'),
        (
            {"code": 1, "message": 'a<b>&c "q" \\ \n\t\x01 \u2028 \u00e9'},
            b'{"code":1,"message":"a\\u003cb\\u003e\\u0026c \\"q\\" \\\\ \\n\\t\\u0001 \\u2028 \xc3\xa9"}',
        ),
    ],
)
def test_go_marshal(obj, text):
    assert gojson.marshal(obj) == text
