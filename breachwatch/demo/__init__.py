"""Seeded, deterministic leak content and a simulated leak site for the demo and the tests.

Import the site (``breachwatch.demo.site``) only where it is served: it pulls in uvicorn.
"""

from breachwatch.demo.drops import write_drops
from breachwatch.demo.generator import (
    GeneratedDocument,
    LabelledDocument,
    document_at,
    documents_for_day,
    generate_corpus,
)
from breachwatch.demo.identities import DemoUser, demo_users
from breachwatch.demo.keys import CHANNELS, DocRef, InvalidKey, decode_key, encode_key
from breachwatch.demo.passwords import canary_passwords

__all__ = [
    "CHANNELS",
    "DemoUser",
    "DocRef",
    "GeneratedDocument",
    "InvalidKey",
    "LabelledDocument",
    "canary_passwords",
    "decode_key",
    "demo_users",
    "document_at",
    "documents_for_day",
    "encode_key",
    "generate_corpus",
    "write_drops",
]
