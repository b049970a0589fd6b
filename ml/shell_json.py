"""Mongo shell output read as JSON: ``{ "_id" : ObjectId("5f1e…"), "email" : "a@b.com" }``.

Leaked MongoDB collections are often pasted as the legacy shell prints them (``find()``,
``printjson``): JSON but for type constructors around some values (``ObjectId("…")``,
``ISODate("…")``, ``NumberLong(42)``, ``Timestamp(1600000000, 1)``). No JSON parser reads that,
so such a dump's passwords were lost. ``shell_as_json`` turns each constructor call into a JSON
array of its arguments, padded with spaces to the same length (``ObjectId("5f1e")`` becomes
``        ["5f1e"]``), so every offset, span and line number in the document stays as it was.
Strings are matched first and left whole: a password that reads ``ObjectId(1)`` is untouched.

``mongosh`` (the newer shell) prints unquoted keys and single-quoted strings, which no
same-length rewrite makes JSON; it is not read here.
"""

from __future__ import annotations

import re

_CONSTRUCTORS = (
    "ObjectId",
    "ISODate",
    "Date",
    "NumberLong",
    "NumberInt",
    "NumberDecimal",
    "Timestamp",
    "BinData",
    "UUID",
    "HexData",
    "DBRef",
)
_STRING = r'"(?:[^"\\\n]|\\.)*"'
_ARGUMENT = rf"(?:{_STRING}|[-+0-9.eE]+)"
_SHELL_TOKEN = re.compile(
    rf"{_STRING}"  # a string: left as it is, whatever it holds
    rf"|(?P<call>\b(?:new[ \t]+)?(?:{'|'.join(_CONSTRUCTORS)})\()"
    rf"(?P<args>\s*(?:{_ARGUMENT}\s*(?:,\s*{_ARGUMENT}\s*)*)?)\)"
)
#: What makes a document worth the rewrite: a JSON-like start and a constructor call.
_JSON_START = re.compile(r"\s*[\[{]")
_HINT_CALLS = ("ObjectId(", "ISODate(", "NumberLong(", "NumberInt(")
_HINT = re.compile(rf"\b(?:{'|'.join(re.escape(call) for call in _HINT_CALLS)})")


def _as_array(m: re.Match[str]) -> str:
    call = m.group("call")
    if call is None:
        return m.group(0)
    return " " * (len(call) - 1) + "[" + m.group("args") + "]"


def is_shell_output(text: str) -> bool:
    """Whether ``text`` opens like JSON and calls a Mongo shell constructor."""
    # The regex tries its word boundary at every offset of a document; literal scans of the
    # calls it needs rule out nearly every JSON document first, at a fraction of the cost.
    return (
        _JSON_START.match(text) is not None
        and any(call in text for call in _HINT_CALLS)
        and _HINT.search(text) is not None
    )


def shell_as_json(text: str) -> str:
    """``text`` with the Mongo shell's constructor calls as same-length JSON arrays."""
    return _SHELL_TOKEN.sub(_as_array, text)
