"""Serve the review app with waitress (a production WSGI server in pure Python, no build step)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from analyzer.errors import UsageError
from analyzer.web.app import create_app

LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")


def is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(out: str | Path, host: str = "127.0.0.1", port: int = 8765, threads: int = 4, on_ready=None) -> None:
    from waitress.server import create_server

    # on localhost only local names are accepted (DNS rebinding); on a network address, the names given to it
    trusted = [*LOCAL_NAMES, *([] if is_local(host) else [host])]
    app = create_app(out, trusted_hosts=[name for name in trusted] + [f"{name}:{port}" for name in trusted])
    try:
        server = create_server(app, host=host, port=port, threads=threads, ident="interaction-analyzer")
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    if on_ready:
        on_ready(f"http://{'[' + host + ']' if ':' in host else host}:{server.effective_port}/")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
