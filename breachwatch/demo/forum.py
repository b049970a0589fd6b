"""HTML pages of the simulated forum: a paginated thread index and paginated threads.

The markup is the contract with the HTML-forum connector: ``div.thread > a.thread-link`` and
``time[datetime]`` on the index, ``h1`` and ``article.post`` with ``time[datetime]`` and
``div.post-body`` in a thread, and ``a.next`` for the next page. Every piece of generated text is
HTML-escaped; newlines survive as text beside ``<br>`` so both text extraction styles keep lines.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from breachwatch.demo.generator import GeneratedDocument
from breachwatch.demo.records import Post

THREADS_PER_PAGE = 20
POSTS_PER_PAGE = 10


def iso_z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _page(title: str, body: list[str]) -> str:
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{escape(title)} - DemoBoard</title></head><body>",
            '<header><a href="/forum">DemoBoard</a>',
            "<small>simulated forum for breachwatch demos</small></header>",
            "<main>",
            *body,
            "</main></body></html>",
            "",
        ]
    )


def _body_html(text: str) -> str:
    return "<br>\n".join(escape(line) for line in text.split("\n"))


def page_count(items: int, per_page: int) -> int:
    return max(1, -(-items // per_page))


def _replies(count: int) -> str:
    return "1 reply" if count == 1 else f"{max(count, 0)} replies"


def index_page(threads: list[GeneratedDocument], page: int) -> str:
    """Page ``page`` (1-based) of the index; ``threads`` are already newest first."""
    shown = threads[(page - 1) * THREADS_PER_PAGE : page * THREADS_PER_PAGE]
    body = ["<h1>Latest threads</h1>", '<section class="threads">']
    for doc in shown:
        body.append(
            f'<div class="thread"><a class="thread-link" href="/forum/thread/{doc.doc_key}">'
            f"{escape(doc.title)}</a> "
            f'<span class="author">{escape(doc.author)}</span> '
            f'<time datetime="{iso_z(doc.posted_at)}">{doc.posted_at:%d %b %Y %H:%M}</time>'
            f' <span class="replies">{_replies(len(doc.posts) - 1)}</span></div>'
        )
    body.append("</section>")
    body.append(_pagination("/forum?page=", page, page_count(len(threads), THREADS_PER_PAGE)))
    return _page("Latest threads", body)


def _pagination(prefix: str, page: int, pages: int) -> str:
    links = ['<nav class="pagination">']
    if page > 1:
        links.append(f'<a class="prev" href="{prefix}{page - 1}">Previous</a>')
    links.append(f'<span class="current">Page {page} of {pages}</span>')
    if page < pages:
        links.append(f'<a class="next" href="{prefix}{page + 1}">Next</a>')
    links.append("</nav>")
    return " ".join(links)


def _post_html(number: int, post: Post, opened: datetime) -> str:
    moment = opened + timedelta(minutes=post.minutes_after)
    return (
        f'<article class="post" id="p{number}"><header>'
        f'<span class="author">{escape(post.author or "anonymous")}</span> '
        f'<time datetime="{iso_z(moment)}">{moment:%d %b %Y %H:%M}</time></header>\n'
        f'<div class="post-body">{_body_html(post.body)}</div></article>'
    )


def thread_page(doc: GeneratedDocument, page: int) -> str:
    """Page ``page`` (1-based) of a thread, ``POSTS_PER_PAGE`` posts each."""
    first = (page - 1) * POSTS_PER_PAGE
    shown = doc.posts[first : first + POSTS_PER_PAGE]
    body = [f"<h1>{escape(doc.title)}</h1>"]
    body += [_post_html(first + i + 1, post, doc.posted_at) for i, post in enumerate(shown)]
    pages = page_count(len(doc.posts), POSTS_PER_PAGE)
    body.append(_pagination(f"/forum/thread/{doc.doc_key}?page=", page, pages))
    return _page(doc.title, body)


def thread_pages(doc: GeneratedDocument) -> int:
    return page_count(len(doc.posts), POSTS_PER_PAGE)
