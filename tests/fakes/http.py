"""Serving a WSGI app (a fake HTTP API, or the shop for a live-server test)
on 127.0.0.1 for the length of a test: the one server starter."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server


@contextmanager
def serve_wsgi(app) -> Iterator[str]:
    """Serve `app` on a free port of 127.0.0.1 from a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
