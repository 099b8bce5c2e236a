"""A Redis server of a test's own on a free port (never the machine's shared
one), and the port helpers the tests that start servers share."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

BINARY = "redis-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, up: bool = True, timeout: float = 10) -> None:
    """Until 127.0.0.1:`port` accepts connections (`up`) or refuses them."""
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
    """`redis-server` in the foreground as a child process. Nothing is kept
    on disk (no snapshot, no append-only file), so a restart starts empty, as
    a failed-over Redis may; stop() and start() again keep the port, as an
    operator restarting Redis would.

    With `folder`, Redis works in that folder and writes its log to
    `folder/redis.log` (`tail()` reads it); without, its output is dropped.
    """

    def __init__(self, port: int | None = None, folder: Path | None = None) -> None:
        self.port = port or free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which(BINARY) is not None

    @property
    def url(self) -> str:
        return self.url_for(0)

    def url_for(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    @property
    def log(self) -> Path | None:
        return self.folder / "redis.log" if self.folder else None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 15) -> RedisServer:
        """Start it and wait until it answers PING; an error (with the end
        of its log, if kept) if it exits or does not answer in `timeout` s."""
        args = [
            shutil.which(BINARY) or f"/usr/bin/{BINARY}",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--protected-mode",
            "no",
        ]
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            args += ["--dir", str(self.folder)]
            with open(self.log, "ab") as out:
                self.process = subprocess.Popen(
                    args, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
                )
        else:
            self.process = subprocess.Popen(
                args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        deadline = time.monotonic() + timeout
        while self.running and time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        state = "did not answer" if self.running else "exited"
        process, self.process = self.process, None
        process.kill()  # the port may be another's: no waiting for it to close
        process.wait(5)
        raise RuntimeError(f"redis-server on port {self.port} {state}\n{self.tail()}")

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM, SIGKILL after `timeout` seconds; returns once the port refuses."""
        if self.process is None:
            return
        process, self.process = self.process, None
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        wait_for_port(self.port, up=False)

    def restart(self) -> RedisServer:
        """Stop and start again on the same port: empty."""
        self.stop()
        return self.start()

    def keys(self, db: int = 0, pattern: str = "*") -> list[str]:
        import redis

        with redis.Redis(port=self.port, db=db, socket_timeout=2) as client:
            return [key.decode() for key in client.keys(pattern)]

    def tail(self, lines: int = 40) -> str:
        """The end of its log (empty without a `folder`)."""
        try:
            text = self.log.read_text(errors="replace") if self.log else ""
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
