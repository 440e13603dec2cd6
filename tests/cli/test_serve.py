"""``tui-mlp serve`` is not open to any web page.

Each test runs the real command (``python -m tui_mlp serve --port 0``) on
127.0.0.1 and talks to it with aiohttp's client, which textual-serve depends on.
Every wait is bounded; every process started here is ended by its id.
"""
from __future__ import annotations

import asyncio
import functools
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest

STARTUP = 30.0  # seconds for the server to print its URL
APP_UP = 90.0  # seconds for an app process to send its first screen (torch + textual on a busy box)


def bounded(seconds: float):
    """Fail an async test that takes longer than ``seconds``."""
    def wrap(test):
        @functools.wraps(test)
        async def run(*args, **kwargs):
            await asyncio.wait_for(test(*args, **kwargs), seconds)
        return run
    return wrap


# ------------------------------------------------------------------ processes
def children(pid: int) -> list[int]:
    """Live (not zombie) processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until(condition, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


async def until(condition, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(interval)
    return condition()


def end(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM, then SIGKILL: the process started here, by its id."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def serve_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "tui_mlp", "serve", *args]


@dataclass
class Served:
    proc: subprocess.Popen
    url: str  # http://127.0.0.1:PORT/?token=...
    base: str  # http://127.0.0.1:PORT
    port: int
    token: str
    apps: set[int] = field(default_factory=set)  # app pids seen, ended at teardown

    @property
    def origin(self) -> str:
        return self.base

    def ws(self, token: bool = True) -> str:
        query = f"?token={self.token}&width=80&height=24" if token else "?width=80&height=24"
        return f"ws://127.0.0.1:{self.port}/ws{query}"

    def app_pids(self) -> list[int]:
        pids = children(self.proc.pid)
        self.apps.update(pids)
        return pids


def read_url(proc: subprocess.Popen, timeout: float) -> str:
    """The first http URL on the server's stdout."""
    deadline = time.monotonic() + timeout
    buffer = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            buffer += chunk
            found = re.search(rb"http://\S+/\?token=\S+(?=\s)", buffer)  # a whole line
            if found:
                return found.group().decode()
        elif proc.poll() is not None:
            break
    err = proc.stderr.read() if proc.poll() is not None else b""
    raise AssertionError(f"no URL from serve: {buffer!r} {err!r}")


@pytest.fixture
def start_server():
    started: list[Served] = []

    def start(*args: str) -> Served:
        proc = subprocess.Popen(serve_command("--port", "0", *args), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            url = read_url(proc, STARTUP)
        except BaseException:
            end(proc)
            raise
        base, token = url.split("/?token=")
        served = Served(proc, url, base, int(base.rsplit(":", 1)[1]), token)
        started.append(served)
        return served

    yield start
    for served in started:
        served.app_pids()
        end(served.proc)
        for pid in served.apps:  # the server should have ended them; never leave one behind
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def session() -> aiohttp.ClientSession:
    """A client that keeps cookies set by an IP address (as a browser does)."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                 timeout=aiohttp.ClientTimeout(total=30))


async def refused_websocket(client: aiohttp.ClientSession, url: str, **headers: str) -> int:
    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
        async with client.ws_connect(url, headers=headers):
            pass
    return info.value.status


async def first_screen(ws: aiohttp.ClientWebSocketResponse) -> bytes:
    """The app's first output (its screen), within APP_UP seconds."""
    deadline = time.monotonic() + APP_UP
    while time.monotonic() < deadline:
        msg = await ws.receive(timeout=deadline - time.monotonic())
        if msg.type == aiohttp.WSMsgType.BINARY and msg.data:
            return msg.data
        if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            raise AssertionError(f"the session closed before the app spoke: {msg}")
    raise AssertionError("no screen from the app")


# ------------------------------------------------------------------ the token
@bounded(60)
async def test_no_token_is_403_for_http_and_websocket(start_server) -> None:
    served = start_server()
    async with session() as client:
        for path in ("/", "/?token=", "/?token=not-the-token", "/static/js/textual.js",
                     "/download/x", "/ws"):
            async with client.get(served.base + path) as response:
                assert response.status == 403, path
                assert "token" in await response.text()
        assert await refused_websocket(client, served.ws(token=False), Origin=served.origin) == 403
        assert await refused_websocket(client, served.ws(token=False).replace(
            "?", "?token=wrong&"), Origin=served.origin) == 403
    assert served.app_pids() == []  # no app process was started for any of them


@bounded(60)
async def test_wrong_origin_with_the_right_token_is_refused(start_server) -> None:
    served = start_server()
    async with session() as client:
        for origin in ("http://evil.example", f"http://evil.example:{served.port}",
                       f"http://127.0.0.1:{served.port + 1 if served.port < 65535 else 1}",
                       f"https://127.0.0.1:{served.port}", "null"):
            assert await refused_websocket(client, served.ws(), Origin=origin) == 403, origin
        assert await refused_websocket(client, served.ws()) == 403  # no Origin at all
    assert served.app_pids() == []


@bounded(APP_UP + 60)
async def test_the_token_and_the_own_origin_get_the_page_and_the_app(start_server) -> None:
    served = start_server()
    async with session() as client:
        async with client.get(served.url) as response:  # the URL it printed
            assert response.status == 200
            page = await response.text()
            assert response.headers["Referrer-Policy"] == "no-referrer"
        assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/ws"' in page
        # the page's assets and its websocket carry the token as the cookie the page set
        async with client.get(f"{served.base}/static/js/textual.js") as response:
            assert response.status == 200
        ws_url = f"ws://127.0.0.1:{served.port}/ws?width=90&height=30"
        async with client.ws_connect(ws_url, headers={"Origin": served.origin}) as ws:
            assert await first_screen(ws)
            assert len(served.app_pids()) == 1
        async with client.ws_connect(ws_url, headers={"Origin": f"http://localhost:{served.port}"}):
            pass  # a loopback name of the same port is the same server


# ------------------------------------------------------------------ the cap
@bounded(APP_UP + 60)
async def test_past_max_sessions_gets_a_clear_page(start_server) -> None:
    served = start_server("--max-sessions", "1")
    async with session() as client:
        async with client.ws_connect(served.ws(), headers={"Origin": served.origin}) as ws:
            assert await until(lambda: len(served.app_pids()) == 1, 10)
            async with client.get(served.url) as response:
                assert response.status == 503
                text = await response.text()
                assert "every session" in text and "in use" in text and "<html" not in text.lower()
            assert await refused_websocket(client, served.ws(), Origin=served.origin) == 503
            assert len(served.app_pids()) == 1  # no second app process
            await ws.close()
        pid = next(iter(served.apps))
        assert await until(lambda: not alive(pid), 10)
        for _ in range(50):  # the slot is free again (once the server has seen the app end)
            async with client.get(served.url) as response:
                if response.status == 200:
                    break
            await asyncio.sleep(0.1)
        assert response.status == 200


# ------------------------------------------------------------------ bad addresses
def _busy_port() -> tuple[socket.socket, int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    return sock, sock.getsockname()[1]


@pytest.mark.parametrize("case", ["port 99999", "port -1", "port x", "unresolvable host",
                                  "port in use", "max-sessions 0"])
def test_bad_port_or_host_exits_2_with_one_line(case: str) -> None:
    holder = None
    args = {"port 99999": ["--port", "99999"], "port -1": ["--port", "-1"],
            "port x": ["--port", "x"], "unresolvable host": ["--host", "no-such-host.invalid"],
            "max-sessions 0": ["--max-sessions", "0"]}.get(case)
    if case == "port in use":
        holder, port = _busy_port()
        args = ["--port", str(port)]
    try:
        done = subprocess.run(serve_command(*args), capture_output=True, text=True, timeout=30,
                              stdin=subprocess.DEVNULL)
    finally:
        if holder is not None:
            holder.close()
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stdout == ""
    word = "host" if "host" in case else "max-sessions" if "sessions" in case else "port"
    assert f"--{word}" in lines[0]
    if case == "port in use":
        assert "already in use" in lines[0]


def test_port_0_prints_the_port_it_really_bound(start_server) -> None:
    served = start_server()
    assert served.port != 0
    with socket.create_connection(("127.0.0.1", served.port), timeout=5):
        pass  # it listens there
    assert served.url.startswith(f"http://127.0.0.1:{served.port}/?token=")
    assert len(served.token) >= 32


# ------------------------------------------------------------------ the app's end
CLIENT = r"""
import asyncio, json, sys, aiohttp

async def main(url, origin, mode):
    async with aiohttp.ClientSession() as client:
        async with client.ws_connect(url, headers={"Origin": origin}) as ws:
            if mode == "at once":
                print("ready", flush=True)
                await asyncio.sleep(3600)
            while True:  # the app's first screen
                msg = await ws.receive()
                if msg.type == aiohttp.WSMsgType.BINARY:
                    break
                if msg.type != aiohttp.WSMsgType.TEXT:
                    sys.exit(f"closed: {msg}")
            await ws.send_str(json.dumps(["resize", {"width": 200, "height": 60}]))
            await ws.send_str(json.dumps(["stdin", "s"]))  # train: frames flow
            loop = asyncio.get_running_loop()
            stop = loop.time() + 0.3  # leave in the middle of the run
            while loop.time() < stop:
                try:
                    await ws.receive(timeout=stop - loop.time())
                except asyncio.TimeoutError:
                    break
            print("ready", flush=True)
            await asyncio.sleep(3600)

asyncio.run(main(*sys.argv[1:]))
"""


@pytest.mark.parametrize("vanish", ["killed", "silent", "at once"])
def test_an_app_process_ends_within_seconds_of_its_client_vanishing(start_server, vanish) -> None:
    """killed: the client process is SIGKILLed while the app trains and sends frames;
    silent: it is stopped (SIGSTOP), so it neither reads nor answers pings;
    at once: it goes before the app has even started."""
    served = start_server()
    client = subprocess.Popen([sys.executable, "-c", CLIENT, served.ws(), served.origin,
                               vanish], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL)
    try:
        ready, _, _ = select.select([client.stdout], [], [], APP_UP)
        line = client.stdout.readline() if ready else b""
        assert line == b"ready\n", (line, client.poll(), client.stderr.read() if client.poll() else "")
        assert wait_until(lambda: len(served.app_pids()) == 1, 10)
        apps = served.app_pids()
        gone_at = time.monotonic()
        client.send_signal(signal.SIGSTOP if vanish == "silent" else signal.SIGKILL)
        assert wait_until(lambda: not alive(apps[0]), 15), f"app {apps[0]} still alive"
        took = time.monotonic() - gone_at
    finally:
        client.kill()
        client.wait(10)
    # killed: the connection closes at once; silent: pings go unanswered (3 s + 1.5 s),
    # then quit, SIGTERM and SIGKILL take at most 2 s more
    assert took < (8.0 if vanish == "silent" else 4.0), took
    assert served.proc.poll() is None  # the server goes on
    assert served.app_pids() == []


# ------------------------------------------------------------------ where it binds
# In a fresh interpreter, with bind and serve replaced: the address cli asks for,
# and the warning, without binding anything but 127.0.0.1 (nor importing
# tui_mlp.serve into the test process).
WHERE = r"""
import json, sys
from tui_mlp import cli, serve

calls = []
real_bind = serve.bind


class Wildcard:  # what bind("0.0.0.0", port) returns, without binding it
    def getsockname(self):
        return ("0.0.0.0", 8123)


def bind(host, port):
    calls.append(["bind", host, port])
    return Wildcard() if host == "0.0.0.0" else real_bind(host, 0)


def fake_serve(sock, host, max_sessions):
    calls.append(["serve", host, max_sessions])
    return 0


serve.bind, serve.serve = bind, fake_serve
code = cli.main(sys.argv[1:])
print(json.dumps({"code": code, "calls": calls}))
"""


def where(*argv: str) -> tuple[dict, str]:
    done = subprocess.run([sys.executable, "-c", WHERE, *argv], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), done.stderr


def test_serve_binds_127_0_0_1_by_default_without_warning() -> None:
    result, err = where("serve")
    assert result == {"code": 0, "calls": [["bind", "127.0.0.1", 8000], ["serve", "127.0.0.1", 2]]}
    assert err == ""


def test_serve_on_another_address_warns() -> None:
    result, err = where("serve", "--host", "0.0.0.0", "--port", "8123", "--max-sessions", "3")
    assert result["calls"] == [["bind", "0.0.0.0", 8123], ["serve", "0.0.0.0", 3]]
    assert "warning" in err and "anyone who can reach" in err and len(err.splitlines()) == 1
