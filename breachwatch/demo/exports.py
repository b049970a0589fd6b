"""CSV and JSON export breach families: admin-panel exports, Excel sheets, Mongo and API dumps."""

from __future__ import annotations

import csv
import io
import json

from breachwatch.demo.dump_common import dump_title, pick_kind, plaintexts, stored
from breachwatch.demo.passwords import HashKind
from breachwatch.demo.records import BreachContext, Rendered


def render_csv_export(ctx: BreachContext) -> Rendered:
    rng, recs = ctx.rng, ctx.records
    variants = ["hash_header", "full_profile", "semicolon_excel"]
    if not ctx.require_plaintext:
        variants.append("newsletter")
    variant = rng.choice(variants)
    out = io.StringIO()
    kind: HashKind = "plain"
    if variant == "hash_header":
        kind = pick_kind(ctx, ["md5", "sha1", "bcrypt", "sha256"])
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["id", "email", "password_hash", "name", "phone"])
        writer.writerows(
            [r.uid, r.email, stored(rng, kind, r)[0], r.person.name, r.person.phone] for r in recs
        )
    elif variant == "full_profile":
        kind = pick_kind(ctx, ["plain", "md5", "bcrypt"])
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            [
                "user_id",
                "username",
                "email",
                "password",
                "first_name",
                "last_name",
                "dob",
                "phone",
                "address",
                "city",
                "country",
            ]
        )
        writer.writerows(
            [
                r.uid,
                r.username,
                r.email,
                stored(rng, kind, r)[0],
                r.person.first_name,
                r.person.last_name,
                r.person.dob.isoformat(),
                r.person.phone,
                r.person.street,
                r.person.city,
                r.person.country,
            ]
            for r in recs
        )
    elif variant == "semicolon_excel":
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(["E-Mail", "Passwort", "Name", "Telefon", "Geburtsdatum"])
        writer.writerows(
            [r.email, r.password, r.person.name, r.person.phone, r.person.dob.strftime("%d.%m.%Y")]
            for r in recs
        )
    else:
        kind = "md5"  # no password column at all: record it as not plaintext
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["email", "first_name", "last_name", "signup_ip", "created_at"])
        writer.writerows(
            [
                r.email,
                r.person.first_name,
                r.person.last_name,
                r.ip,
                r.created.isoformat(timespec="seconds"),
            ]
            for r in recs
        )
    return Rendered(
        text=out.getvalue(),
        fmt="csv",
        template=f"csv_export/{variant}",
        title=dump_title(ctx),
        emails=[r.email for r in recs],
        passwords=plaintexts(kind, recs),
    )


def render_json_export(ctx: BreachContext) -> Rendered:
    rng, recs = ctx.rng, ctx.records
    variant = rng.choice(["array", "mongo_ndjson", "api_response"])
    kind = pick_kind(ctx, ["plain", "bcrypt", "sha256", "md5"])
    if variant == "mongo_ndjson":
        lines = [
            json.dumps(
                {
                    "_id": {"$oid": f"{rng.getrandbits(96):024x}"},
                    "email": r.email,
                    "hashedPassword" if kind != "plain" else "password": stored(rng, kind, r)[0],
                    "profile": {
                        "firstName": r.person.first_name,
                        "lastName": r.person.last_name,
                        "phone": r.person.phone,
                    },
                    "createdAt": {"$date": r.created.strftime("%Y-%m-%dT%H:%M:%S.000Z")},
                },
                ensure_ascii=False,
            )
            for r in recs
        ]
        text = "\n".join(lines) + "\n"
    else:
        rows = [
            {
                "id": r.uid,
                "email": r.email,
                "password": stored(rng, kind, r)[0],
                "name": r.person.name,
                "dob": r.person.dob.isoformat(),
                "last_ip": r.ip,
            }
            for r in recs
        ]
        doc: object = rows
        if variant == "api_response":
            doc = {"status": "ok", "page": 1, "per_page": len(rows), "data": rows}
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    return Rendered(
        text=text,
        fmt="json",
        template=f"json_export/{variant}",
        title=dump_title(ctx),
        emails=[r.email for r in recs],
        passwords=plaintexts(kind, recs),
    )
