"""A whole site on one machine as it runs on many: real processes (gunicorn,
the job worker, nginx), each in a process group of its own so that stopping
one stops everything it started. Its Redis is tests/redis_server.py's.

Used by tests/integration/operations/test_many_machines.py. nginx serves
the deploy recipe itself (deploy/nginx/etalase.conf) with the addresses,
ports and paths of the test put in (`nginx_site`).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECIPE = ROOT / "deploy" / "nginx" / "etalase.conf"
NGINX = "/usr/sbin/nginx"


def wait_until(check: Callable[[], object], timeout: float, what: str, every: float = 0.2):
    """Call `check` until it returns something true (returned) or `timeout`
    seconds pass (AssertionError naming `what`). Exceptions count as "not yet"."""
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        try:
            result = check()
        except Exception as error:  # not up yet
            result, last = None, error
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not after {timeout:.0f} s (last: {last!r})")
        time.sleep(every)


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Process:
    """A child in its own process group, its output in `log`."""

    def __init__(self, name: str, args: list[str], log: Path, **popen) -> None:
        self.name = name
        self.log = log
        with open(log, "ab") as out:
            self.popen = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **popen,
            )

    @property
    def running(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM to the whole group, SIGKILL after `timeout` seconds."""
        if not self.running:
            return
        try:
            os.killpg(self.popen.pid, signal.SIGTERM)
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(5)
        except ProcessLookupError:
            self.popen.wait(5)

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for https://127.0.0.1 that the test's client trusts."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _replace(text: str, pattern: str, replacement, count: int | None = None) -> str:
    """re.sub that insists the recipe still has what the test replaces."""
    result, made = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    assert made and (count is None or made == count), (
        f"{RECIPE.name} changed: {pattern!r} matched {made} times"
    )
    return result


def nginx_site(
    *,
    upstreams: list[str],
    http_port: int,
    https_port: int,
    certificate: tuple[Path, Path],
    cache: Path,
    static: Path = ROOT / "static",
) -> str:
    """The deploy recipe with the test's machines, ports and paths.

    Two changes beyond addresses: every proxied answer names the app machine
    that gave it (X-Upstream, so the test can tell that both answered), and
    the optional image cache is off, so every request reaches an app machine.
    """
    text = RECIPE.read_text()
    machines = iter(upstreams)
    text = _replace(
        text, r"server 10\.0\.0\.\d+:8000", lambda _m: f"server {next(machines)}", len(upstreams)
    )
    text = _replace(text, r"^\s*listen \[::\]:.*\n", "", 2)
    text = _replace(text, r"listen 80;", f"listen 127.0.0.1:{http_port};", 1)
    text = _replace(text, r"listen 443 ", f"listen 127.0.0.1:{https_port} ", 1)
    cert, key = certificate
    text = _replace(text, r"ssl_certificate /\S+;", f"ssl_certificate {cert};", 1)
    text = _replace(text, r"ssl_certificate_key /\S+;", f"ssl_certificate_key {key};", 1)
    text = _replace(text, r"alias /srv/etalase/static/;", f"alias {static}/;", 1)
    text = _replace(
        text, r"proxy_cache_path /var/cache/nginx/etalase ", f"proxy_cache_path {cache} "
    )
    text = _replace(text, r"proxy_cache etalase_media;", "proxy_cache off;")
    return _replace(
        text,
        r"proxy_pass http://etalase_app;",
        "proxy_pass http://etalase_app;\n        add_header X-Upstream $upstream_addr always;",
    )


def start_nginx(folder: Path, site: str, port: int) -> Process:
    """nginx in the foreground with `site` as its only server, from `folder`."""
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi", "cache"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    # As root nginx's workers would be "nobody", who cannot enter pytest's folders.
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
{site}
}}
"""
    )
    args = [NGINX, "-p", str(folder), "-c", str(conf), "-e", "stderr"]
    checked = subprocess.run([*args, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    nginx = Process("nginx", [*args, "-g", "daemon off;"], folder / "nginx.log")
    wait_until(lambda: port_open(port) or not nginx.running, 15, f"nginx on :{port}")
    assert nginx.running, nginx.tail()
    return nginx
