"""SQL dump breach family: mysqldump, phpMyAdmin/WordPress, single INSERTs, vBulletin, pg COPY."""

from __future__ import annotations

import random

from breachwatch.demo.dump_common import dump_title, pick_kind, plaintexts, stored
from breachwatch.demo.passwords import HashKind
from breachwatch.demo.records import BreachContext, Rendered


def mysql_literal(value: object) -> str:
    """A MySQL literal: numbers bare, strings quoted with backslash escapes, None as NULL."""
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    return f"'{text}'"


def _row(values: list[object]) -> str:
    return "(" + ",".join(mysql_literal(v) for v in values) + ")"


def _mysql_header(rng: random.Random, db: str) -> list[str]:
    version = rng.choice(["5.7.33", "8.0.28", "10.3.34-MariaDB"])
    return [
        f"-- MySQL dump 10.13  Distrib {version}, for Linux (x86_64)",
        "--",
        f"-- Host: localhost    Database: {db}",
        "-- ------------------------------------------------------",
        "",
        "/*!40101 SET NAMES utf8mb4 */;",
        "",
    ]


def _sql_mysqldump(ctx: BreachContext, kind: HashKind) -> list[str]:
    rng, recs = ctx.rng, ctx.records
    db = ctx.victim.domain.split(".")[0].replace("-", "_")
    lines = [
        *_mysql_header(rng, db),
        "DROP TABLE IF EXISTS `users`;",
        "CREATE TABLE `users` (",
        "  `id` int(11) NOT NULL AUTO_INCREMENT,",
        "  `email` varchar(255) NOT NULL,",
        "  `password` varchar(255) NOT NULL,",
        "  `name` varchar(128) DEFAULT NULL,",
        "  `phone` varchar(32) DEFAULT NULL,",
        "  `last_ip` varchar(45) DEFAULT NULL,",
        "  `created_at` datetime NOT NULL,",
        "  PRIMARY KEY (`id`)",
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;",
        "",
        "LOCK TABLES `users` WRITE;",
    ]
    for start in range(0, len(recs), 40):
        rows = [
            _row(
                [
                    r.uid,
                    r.email,
                    stored(rng, kind, r)[0],
                    r.person.name,
                    r.person.phone,
                    r.ip,
                    r.created.strftime("%Y-%m-%d %H:%M:%S"),
                ]
            )
            for r in recs[start : start + 40]
        ]
        lines.append("INSERT INTO `users` VALUES " + ",".join(rows) + ";")
    return [*lines, "UNLOCK TABLES;"]


def _sql_wordpress(ctx: BreachContext, kind: HashKind) -> list[str]:
    rng = ctx.rng
    cols = (
        "`ID`, `user_login`, `user_pass`, `user_nicename`, `user_email`, `user_url`, "
        "`user_registered`, `user_activation_key`, `user_status`, `display_name`"
    )
    lines = [
        "-- phpMyAdmin SQL Dump",
        "-- version 5.1.1",
        "-- https://www.phpmyadmin.net/",
        "--",
        f"-- Generation Time: {ctx.when:%b %d, %Y at %I:%M %p}",
        "",
        "--",
        "-- Dumping data for table `wp_users`",
        "--",
        "",
        f"INSERT INTO `wp_users` ({cols}) VALUES",
    ]
    rows = [
        "("
        + ", ".join(
            mysql_literal(v)
            for v in [
                r.uid,
                r.username,
                stored(rng, kind, r)[0],
                r.username.lower(),
                r.email,
                "",
                r.created.strftime("%Y-%m-%d %H:%M:%S"),
                "",
                0,
                r.person.name,
            ]
        )
        + ")"
        for r in ctx.records
    ]
    return [*lines, ",\n".join(rows) + ";"]


def _sql_single(ctx: BreachContext, kind: HashKind) -> list[str]:
    table = ctx.rng.choice(["users", "members", "customers", "accounts"])
    return [
        f"INSERT INTO {table} (id, email, password, username, created) VALUES "
        + _row(
            [
                r.uid,
                r.email,
                stored(ctx.rng, kind, r)[0],
                r.username,
                r.created.strftime("%Y-%m-%d"),
            ]
        )
        + ";"
        for r in ctx.records
    ]


def _sql_vbulletin(ctx: BreachContext) -> list[str]:
    lines = ["-- vBulletin user table", ""]
    for r in ctx.records:
        digest, salt = stored(ctx.rng, "md5_salt", r)
        lines.append(
            "INSERT INTO `user` (`userid`, `usergroupid`, `username`, `password`, `salt`, "
            "`email`, `ipaddress`) VALUES "
            + _row([r.uid, 2, r.username, digest, salt, r.email, r.ip])
            + ";"
        )
    return lines


def _sql_pg_copy(ctx: BreachContext, kind: HashKind) -> list[str]:
    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")

    lines = [
        "--",
        "-- PostgreSQL database dump",
        "--",
        "",
        "COPY public.users (id, email, encrypted_password, full_name, sign_in_ip, "
        "created_at) FROM stdin;",
    ]
    for r in ctx.records:
        fields = [
            str(r.uid),
            r.email,
            stored(ctx.rng, kind, r)[0],
            r.person.name,
            r.ip,
            r.created.strftime("%Y-%m-%d %H:%M:%S.%f"),
        ]
        lines.append("\t".join(esc(f) for f in fields))
    return [*lines, "\\.", ""]


def render_sql_dump(ctx: BreachContext) -> Rendered:
    rng = ctx.rng
    variants = ["mysqldump", "single_inserts", "pg_copy"]
    if not ctx.require_plaintext:
        variants += ["wordpress", "vbulletin"]
    variant = rng.choice(variants)
    kind: HashKind
    if variant == "mysqldump":
        kind = pick_kind(ctx, ["md5", "sha1", "bcrypt", "plain", "sha256"])
        lines = _sql_mysqldump(ctx, kind)
    elif variant == "single_inserts":
        kind = pick_kind(ctx, ["md5", "sha1", "plain", "bcrypt"])
        lines = _sql_single(ctx, kind)
    elif variant == "pg_copy":
        kind = pick_kind(ctx, ["bcrypt", "sha512crypt", "plain"])
        lines = _sql_pg_copy(ctx, kind)
    elif variant == "wordpress":
        kind = "phpass"
        lines = _sql_wordpress(ctx, kind)
    else:
        kind = "md5_salt"
        lines = _sql_vbulletin(ctx)
    return Rendered(
        text="\n".join(lines) + "\n",
        fmt="sql",
        template=f"sql_dump/{variant}",
        title=dump_title(ctx),
        emails=[r.email for r in ctx.records],
        passwords=plaintexts(kind, ctx.records),
    )
