"""Test doubles that are real servers: a local leak site (ThreadingHTTPServer) and a SOCKS5 proxy.

Tests register route handlers on the running site; the proxy records every CONNECT it serves.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


Body = bytes | Iterable[bytes]
Reply = tuple[int, dict[str, str], Body]
Route = Callable[[Request], Reply]


@dataclass
class LeakSite:
    base_url: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    requests: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    def url(self, path: str) -> str:
        return self.base_url + path

    def static(self, path: str, body: bytes, **headers: str) -> None:
        self.routes[path] = lambda _req: (200, dict(headers), body)

    def reset(self) -> None:
        self.routes.clear()
        self.hits.clear()
        self.requests.clear()


class _Handler(BaseHTTPRequestHandler):
    site: LeakSite

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        request = Request(
            path=parts.path,
            query={k: v[-1] for k, v in parse_qs(parts.query).items()},
            headers={k.lower(): v for k, v in self.headers.items()},
        )
        with self.site.lock:
            self.site.hits[parts.path] += 1
            self.site.requests.append(request)
        handler = self.site.routes.get(parts.path)
        status, headers, body = handler(request) if handler else (404, {}, b"not found")
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if isinstance(body, bytes) and "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for chunk in [body] if isinstance(body, bytes) else body:
                self.wfile.write(chunk)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on purpose (size cap, timeout)

    def log_message(self, format: str, *args: object) -> None:
        pass


def start_site() -> LeakSite:
    site = LeakSite()
    handler = type("Handler", (_Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.block_on_close = False
    site.server = server
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return site


def sleep_then(seconds: float, reply: Reply) -> Route:
    def handler(_req: Request) -> Reply:
        time.sleep(seconds)
        return reply

    return handler


# --- a CONNECT-only SOCKS5 proxy --------------------------------------------------------------


@dataclass
class SocksProxy:
    listener: socket.socket
    aliases: dict[str, str]
    connects: list[tuple[int, str, int]] = field(default_factory=list)  # (atyp, host, port)

    def url(self, scheme: str = "socks5h") -> str:
        return f"{scheme}://127.0.0.1:{self.listener.getsockname()[1]}"


def _recv_exact(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError("client went away")
        data += chunk
    return data


def _pipe(src: socket.socket, dst: socket.socket) -> None:
    try:
        while chunk := src.recv(65536):
            dst.sendall(chunk)
    except OSError:
        pass
    finally:
        for sock in (src, dst):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _serve_socks(proxy: SocksProxy, client: socket.socket) -> None:
    with client:
        try:
            _, n_methods = _recv_exact(client, 2)
            _recv_exact(client, n_methods)
            client.sendall(b"\x05\x00")  # no authentication
            _, cmd, _, atyp = _recv_exact(client, 4)
            if atyp == 1:
                host = socket.inet_ntoa(_recv_exact(client, 4))
            elif atyp == 3:
                host = _recv_exact(client, _recv_exact(client, 1)[0]).decode()
            else:
                host = socket.inet_ntop(socket.AF_INET6, _recv_exact(client, 16))
            (port,) = struct.unpack("!H", _recv_exact(client, 2))
            proxy.connects.append((atyp, host, port))
            if cmd != 1:
                client.sendall(b"\x05\x07\x00\x01" + bytes(6))  # command not supported
                return
            try:
                upstream = socket.create_connection((proxy.aliases.get(host, host), port), 5)
            except OSError:
                client.sendall(b"\x05\x04\x00\x01" + bytes(6))  # host unreachable
                return
            client.sendall(b"\x05\x00\x00\x01" + bytes(6))
            with upstream:
                back = threading.Thread(target=_pipe, args=(upstream, client), daemon=True)
                back.start()
                _pipe(client, upstream)
                back.join(5)
        except OSError:
            return


def start_socks_proxy(aliases: dict[str, str]) -> SocksProxy:
    """A proxy that resolves host names itself, through ``aliases`` first (e.g. an .onion)."""
    proxy = SocksProxy(socket.create_server(("127.0.0.1", 0)), aliases)

    def accept_loop() -> None:
        while True:
            try:
                client, _ = proxy.listener.accept()
            except OSError:
                return
            threading.Thread(target=_serve_socks, args=(proxy, client), daemon=True).start()

    threading.Thread(target=accept_loop, daemon=True).start()
    return proxy
