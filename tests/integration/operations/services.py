"""Backing services a test can stop and start: a Redis server of its own and
a TCP forwarder in front of the database that can be cut and restored."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
import time

import requests


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, up: bool = True, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            listening = True
        except OSError:
            listening = False
        if listening == up:
            return
        time.sleep(0.05)
    raise TimeoutError(f"port {port} still {'closed' if up else 'open'}")


class RedisServer:
    """A throwaway `redis-server` on a port of its own (never the machine's
    shared one): no snapshot, no append-only file, so a restart is empty."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None
            wait_for_port(self.port, up=False)

    def keys(self, db: int, pattern: str = "*") -> list[str]:
        import redis

        with redis.Redis(port=self.port, db=db, socket_timeout=2) as client:
            return [key.decode() for key in client.keys(pattern)]


class Forwarder:
    """127.0.0.1:<port> → target, a thread per direction. `cut()` closes every
    connection and stops listening (the database "went away": refused, or
    dropped mid-query); `restore()` listens again on the same port."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        try:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", self.port))
            listener.listen(64)
        except OSError:
            listener.close()
            raise
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
            except OSError:
                pass
            listener.close()
        with self._lock:
            doomed, self._sockets = self._sockets, set()
        for sock in doomed:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    close = cut

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            if self._listener is not listener:  # cut meanwhile
                client.close()
                upstream.close()
                return
            upstream.settimeout(None)
            with self._lock:
                self._sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            # Either side closing ends both directions.
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            with self._lock:
                self._sockets -= {source, sink}


TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def form_field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
    assert match, f"no {name} on the page: {html[:2000]}"
    return match.group(1).replace("&#34;", '"').replace("&quot;", '"')


def log_in(base: str, login: str, password: str) -> tuple[requests.Session, int]:
    """A browser logging in: the form's CSRF token, then the POST."""
    http = requests.Session()
    page = http.get(f"{base}/masuk", timeout=30).text
    response = http.post(
        f"{base}/masuk",
        data={"csrf_token": form_field(page, "csrf_token"), "login": login, "password": password},
        allow_redirects=False,
        timeout=30,
    )
    return http, response.status_code


def check_out(base: str, variant_id: int, group_id: int, n: int) -> tuple[int, int]:
    """A guest puts one unit in the cart and places the order: (the add's
    status, the order's status; 303 to its confirmation when placed)."""
    with requests.Session() as http:
        added = http.post(
            f"{base}/keranjang/tambah",
            data={"variant": variant_id, "quantity": 1},
            headers={"Origin": base},
            allow_redirects=False,
            timeout=30,
        )
        page = http.get(f"{base}/checkout", timeout=30)
        if page.status_code != 200:
            return added.status_code, page.status_code
        html = page.text
        placed = http.post(
            f"{base}/checkout",
            data={
                "csrf_token": form_field(html, "csrf_token"),
                "token": form_field(html, "token"),
                "quoted": form_field(html, "quoted"),
                "name": f"Pembeli {n}",
                "phone": f"0812{n:08d}",
                "province": "15",
                "regency": "15.71",
                f"delivery-{group_id}": "pickup",
                f"payment-{group_id}": "cash",
            },
            allow_redirects=False,
            timeout=30,
        )
        return added.status_code, placed.status_code
