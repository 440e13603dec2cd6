"""``tui-mlp serve``: the app in a web browser, for whoever holds the token.

textual-serve's ``Server`` (aiohttp) starts one app process per websocket,
for any page that asks, and does not always end it. This module keeps its
page, its assets and its protocol, and adds what a browser-facing server needs
(as Jupyter does):

- **A token.** The server prints a URL carrying a random token
  (``secrets.token_urlsafe``); every HTTP and websocket request without it is
  refused with 403. The first page is asked for with ``?token=``; its response
  sets an HttpOnly, SameSite=Strict cookie holding the token, which the page's
  assets and its websocket then carry (textual.js opens its websocket as
  ``url + "?width=..."``, so a query in that URL would be mangled).
- **The Origin of every websocket** must be the server's own: ``http://`` and
  the host and port it bound (for a loopback address, any loopback name of that
  port; for a wildcard address, the Host the browser asked for). A page of
  another site can neither read the app nor type into it.
- **A cap on sessions** (``--max-sessions``): an app process costs ~260 MB, so
  past the cap the page and the websocket get a 503 with a line of text.
- **An app process ends when its client goes away**, whatever the client.
  textual-serve's ``AppService`` stops reading the app's output at the first
  write to a closed websocket, asks the app to quit and never checks that it
  did. The app writes its frames with a blocking ``os.write`` on its event-loop
  thread: once the 64 KiB pipe is full it blocks there for good, so the quit
  request and SIGTERM (whose handler also needs that loop) are never handled,
  while its training thread keeps a core busy. Here the app's output is read
  until the process ends; the app runs in a process group of its own (and, on
  Linux, dies with the server); a departed client (a closed connection, or no
  answer to websocket pings for a few seconds) gets the app a quit request,
  then SIGTERM to its group, then SIGKILL.

Binding is done here, before aiohttp starts, so a bad ``--host`` or ``--port``
is one line (ServeError) and ``--port 0`` reports the port it really got.
"""
from __future__ import annotations

import asyncio
import atexit
import contextlib
import errno
import hmac
import ipaddress
import json
import logging
import os
import secrets
import shlex
import signal
import socket
import sys
from typing import Any, Callable

import aiohttp_jinja2
from aiohttp import WSMsgType, web
from aiohttp.abc import AbstractAccessLogger
from rich.console import Console
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int
from yarl import URL

log = logging.getLogger("textual-serve")

HEARTBEAT = 3.0  # seconds between websocket pings; no pong within half of it: the client is gone
QUIT_GRACE = 1.0  # seconds an app is given to quit when asked, then to end on SIGTERM
TERM_GRACE = 1.0
MAX_COLUMNS, MAX_ROWS = 1000, 500
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


class ServeError(Exception):
    """A host or port the server cannot use; the message is one line for the user."""


# ------------------------------------------------------------------ the socket
def _host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (0: any free port)."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ServeError(f"--host {host}: cannot resolve it ({exc.strerror})") from None
    except (UnicodeError, ValueError) as exc:
        raise ServeError(f"--host {host!r}: not a host name ({exc})") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        if os.name == "posix":  # as asyncio does: a port in TIME_WAIT is reusable at once
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        where = _host_port(host, port)
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(f"--port {port}: {where} is already in use") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise ServeError(f"--host {host}: not an address of this machine") from None
        if exc.errno == errno.EACCES:
            raise ServeError(f"--port {port}: permission denied (ports below 1024 need "
                             f"privileges)") from None
        raise ServeError(f"cannot listen on {where}: {exc.strerror or exc}") from None
    return sock


def is_loopback(sock: socket.socket) -> bool:
    """Whether ``sock`` is bound to this machine only."""
    return ipaddress.ip_address(sock.getsockname()[0].split("%")[0]).is_loopback


def own_origins(host: str, address: str, port: int) -> frozenset[str] | None:
    """The Origins of pages this server serves, bound to ``address``:``port``
    as ``host``; None for a wildcard address (any name of this machine: the
    Origin must then match the Host header)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.is_unspecified:
        return None
    names = {host.lower(), address}
    if ip.is_loopback:
        names.update(LOOPBACK_NAMES)
    return frozenset(f"http://{_host_port(n, port)}" for n in names if n)


# ------------------------------------------------------------------ one app process
def _die_with_server() -> Callable[[], None] | None:
    """A preexec_fn that has Linux SIGKILL the app if the server dies (any way)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    server = os.getpid()

    def preexec() -> None:
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != server:  # the server died before prctl
            os._exit(1)

    return preexec


class AppProcess(AppService):
    """textual-serve's AppService for one app process that always ends."""

    live_groups: set[int] = set()  # process groups of apps not yet seen dead: for atexit

    def __init__(self, argv: list[str], *, on_gone: Callable[["AppProcess"], None],
                 **kwargs: Any) -> None:
        super().__init__(shlex.join(argv), **kwargs)
        self.argv = argv
        self._on_gone = on_gone
        self._client_gone = False
        self._stopping: asyncio.Future[None] | None = None

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
        """The app itself (no shell between), leading a process group of its own."""
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=self._build_environment(width, height),
            start_new_session=True, preexec_fn=_die_with_server())
        AppProcess.live_groups.add(process.pid)
        self._stdin = process.stdin
        return process

    async def on_data(self, payload: bytes) -> None:
        """Forward output to the browser; once it is gone, read and drop it, so
        the app never blocks on a full pipe (textual-serve stops reading)."""
        if self._client_gone:
            return
        try:
            await self.remote_write_bytes(payload)
        except (ConnectionError, RuntimeError):
            self._client_gone = True

    async def on_meta(self, data: bytes) -> None:
        if self._client_gone:
            return
        try:
            await super().on_meta(data)
        except (ConnectionError, RuntimeError):
            self._client_gone = True
        except (ValueError, KeyError, TypeError):
            log.warning("tui-mlp serve: a malformed meta packet from the app was ignored")

    def signal_group(self, signum: int) -> None:
        if self._process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, signum)

    async def stop(self) -> None:
        """End the app: ask it to quit, then SIGTERM its group, then SIGKILL.
        Idempotent; cancelling the caller does not cancel the stopping."""
        if self._stopping is None:
            self._stopping = asyncio.ensure_future(self._stop())
        await asyncio.shield(self._stopping)

    async def _stop(self) -> None:
        try:
            with contextlib.suppress(Exception):
                await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
            process = self._process
            if process is not None:
                if process.returncode is None:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(self.send_meta({"type": "quit"}), QUIT_GRACE)
                    if not await _ended(process, QUIT_GRACE):
                        self.signal_group(signal.SIGTERM)
                        if not await _ended(process, TERM_GRACE):
                            self.signal_group(signal.SIGKILL)
                            await _ended(process, 5.0)
                self.signal_group(signal.SIGKILL)  # whatever the app left in its group
                if process.returncode is not None:
                    AppProcess.live_groups.discard(process.pid)
                    self._on_gone(self)  # its slot is free now, before the tidying up
                if self._stdin is not None:
                    self._stdin.close()
            if self._task is not None:  # the output reader ends at end of file
                try:
                    await asyncio.wait_for(asyncio.shield(self._task), 2.0)
                except (asyncio.TimeoutError, Exception):
                    self._task.cancel()
        finally:
            self._on_gone(self)  # (again: it may be called twice)


async def _ended(process: Any, timeout: float) -> bool:
    try:
        await asyncio.wait_for(asyncio.shield(process.wait()), timeout)
    except asyncio.TimeoutError:
        return False
    return True


@atexit.register
def _kill_leftover_apps() -> None:
    for group in list(AppProcess.live_groups):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGKILL)


# ------------------------------------------------------------------ the server
class _AccessLog(AbstractAccessLogger):
    """aiohttp's access log without the query string (it holds the token)."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info('%s "%s %s" %s', request.remote, request.method, request.path,
                         response.status)


class GuardedServer(Server):
    """textual-serve's Server behind a token, an Origin check and a session cap."""

    def __init__(self, sock: socket.socket, host: str, *, max_sessions: int,
                 token: str | None = None, app_argv: list[str] | None = None) -> None:
        address, port = sock.getsockname()[:2]
        self.argv = app_argv or [sys.executable, "-m", "tui_mlp"]
        super().__init__(shlex.join(self.argv), host=host, port=port, title="tui-mlp")
        self.console = Console(stderr=True)  # stdout: the URL, for people and scripts
        self.sock = sock
        self.address = address
        self.token = token or secrets.token_urlsafe(32)
        self.cookie = f"tui-mlp-token-{port}"
        self.max_sessions = max_sessions
        self.origins = own_origins(host, address, port)
        self.sessions: set[AppProcess] = set()

    # ---------------------------------------------------------- what is printed
    def urls(self) -> list[str]:
        """Where a browser on this machine (or, for a wildcard bind, elsewhere) opens the app."""
        hosts = [self.host]
        if self.origins is None:
            hosts = [socket.gethostname(), "127.0.0.1"]
        return [f"http://{_host_port(h, self.port)}/?token={self.token}" for h in hosts]

    # ---------------------------------------------------------- checks
    def has_token(self, request: web.Request) -> bool:
        given = request.query.get("token")
        if given is None:
            given = request.cookies.get(self.cookie, "")
        return hmac.compare_digest(given.encode(), self.token.encode())

    def origin_ok(self, request: web.Request) -> bool:
        origin = request.headers.get("Origin", "").lower().rstrip("/")
        if self.origins is not None:
            return origin in self.origins
        try:
            url = URL(origin)
        except ValueError:
            return False
        return (url.scheme == "http" and url.port == self.port
                and origin == f"http://{request.host.lower()}")

    def full(self) -> bool:
        return len(self.sessions) >= self.max_sessions

    def busy(self) -> web.Response:
        return web.Response(status=503, text=(
            f"503 Service Unavailable: every session of this tui-mlp server is in use "
            f"({self.max_sessions} of {self.max_sessions}; --max-sessions sets how many). Close "
            f"another tab running the app, or wait for one to end, then reload this page.\n"))

    @web.middleware
    async def guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not self.has_token(request):
            return web.Response(status=403, text=(
                "403 Forbidden: tui-mlp serve needs its token. Open the URL it printed "
                "(http://host:port/?token=...).\n"))
        if request.path == "/ws" or request.headers.get("Upgrade", "").lower() == "websocket":
            if not self.origin_ok(request):
                origin = request.headers.get("Origin", "(none)")
                return web.Response(status=403, text=(
                    f"403 Forbidden: a websocket from another origin ({origin[:200]}); "
                    f"tui-mlp serve only talks to its own pages.\n"))
        response = await handler(request)
        if not response.prepared:
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["Referrer-Policy"] = "no-referrer"  # the URL holds the token
            if "token" in request.query:
                response.headers["Cache-Control"] = "no-store"
                response.set_cookie(self.cookie, self.token, httponly=True, samesite="Strict",
                                    path="/")
        return response

    # ---------------------------------------------------------- handlers
    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.guard)
        return app

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints a logo and its own URL here; the URL is printed by serve()."""

    async def on_shutdown(self, app: web.Application) -> None:
        await asyncio.gather(*(s.stop() for s in list(self.sessions)), return_exceptions=True)

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if self.full():
            return self.busy()
        return await self._render_index(request)

    @aiohttp_jinja2.template("app_index.html")
    async def _render_index(self, request: web.Request) -> dict[str, Any]:
        """The page of textual-serve, with URLs of the host the browser asked for."""
        host = request.host
        if not all(c.isalnum() or c in ".-:[]_" for c in host):
            raise web.HTTPBadRequest(text="bad Host header\n")
        return {
            "font_size": min(max(to_int(request.query.get("fontsize", "16"), 16), 6), 64),
            "app_websocket_url": f"ws://{host}/ws",
            "config": {"static": {"url": f"http://{host}/static/"}},
            "application": {"name": self.title},
        }

    async def _process_messages(self, websocket: web.WebSocketResponse,
                                app_service: AppService) -> None:
        """textual-serve's loop, with sizes bounded and malformed messages skipped."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                kind, data = (json.loads(message.data) + [None])[:2]
                if kind == "stdin":
                    await app_service.send_bytes(str(data).encode("utf-8"))
                elif kind == "resize":
                    await app_service.set_terminal_size(
                        min(max(int(data["width"]), 1), MAX_COLUMNS),
                        min(max(int(data["height"]), 1), MAX_ROWS))
                elif kind == "ping":
                    await websocket.send_json(["pong", data])
                elif kind == "blur":
                    await app_service.blur()
                elif kind == "focus":
                    await app_service.focus()
            except (ValueError, TypeError, KeyError, IndexError):
                continue
            except ConnectionError:  # the client left while we answered
                break

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        if self.full():
            return self.busy()
        websocket = web.WebSocketResponse(heartbeat=HEARTBEAT)
        if not websocket.can_prepare(request).ok:
            return web.Response(status=400, text="400 Bad Request: /ws takes websockets only\n")
        width = min(max(to_int(request.query.get("width", "80"), 80), 1), MAX_COLUMNS)
        height = min(max(to_int(request.query.get("height", "24"), 24), 1), MAX_ROWS)
        service = AppProcess(self.argv, on_gone=self.sessions.discard,
                             write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                             close=websocket.close, download_manager=self.download_manager,
                             debug=self.debug)
        self.sessions.add(service)  # before the first await: the cap holds under a burst
        try:
            await websocket.prepare(request)
            await service.start(width, height)
            assert service._task is not None
            service._task.add_done_callback(  # the app ended by itself: so does the page's session
                lambda _: asyncio.ensure_future(websocket.close()))
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await websocket.close()
        except Exception as error:  # as textual-serve: log, and end the session
            log.exception(error)
        finally:
            await service.stop()
        return websocket

    # ---------------------------------------------------------- running
    def serve(self, debug: bool = False) -> None:
        """Run until SIGINT or SIGTERM; every app process is ended on the way out."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signal.SIGINT, self.request_exit)
            loop.add_signal_handler(signal.SIGTERM, self.request_exit)
        try:
            web.run_app(self._make_app(), sock=self.sock, handle_signals=False, loop=loop,
                        print=None, access_log_class=_AccessLog, shutdown_timeout=5.0)
        finally:
            _kill_leftover_apps()


def serve(sock: socket.socket, host: str, max_sessions: int, out: Any = None) -> int:
    """Print the URL with its token, serve on ``sock`` (from ``bind``) until Ctrl+C."""
    out = out or sys.stdout
    server = GuardedServer(sock, host, max_sessions=max_sessions)
    where = _host_port(server.address, server.port)
    print(f"tui-mlp: serving the app on {where}, at most {max_sessions} session"
          f"{'s' if max_sessions != 1 else ''} at a time; Ctrl+C stops. Open:", file=out)
    for url in server.urls():
        print(f"    {url}", file=out)
    out.flush()
    server.serve()
    return 0
