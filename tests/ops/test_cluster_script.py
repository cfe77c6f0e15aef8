"""The pieces of ``make cluster`` (benchmarks/cluster.py) that can be checked without a
cluster: the round-robin proxy in front of the web nodes, the sorting of failed requests and
the order of uploads. The whole test needs PostgreSQL, Redis and minutes; this takes a second."""

from __future__ import annotations

import importlib.util
import sys
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "cluster.py"


@pytest.fixture(scope="module")
def cluster() -> Iterator[ModuleType]:
    """benchmarks/cluster.py as a module (the folder is not a package). It puts benchmarks/ on
    sys.path to import load.py and web.py; that is undone afterwards."""
    path, modules = list(sys.path), set(sys.modules)
    spec = importlib.util.spec_from_file_location("microcred_bench_cluster", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path[:] = path
        for name in set(sys.modules) - modules:
            del sys.modules[name]


def _node(name: str) -> ThreadingHTTPServer:
    class Answer(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body = name.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")  # as gunicorn's sync workers do
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def nodes() -> Iterator[list[ThreadingHTTPServer]]:
    servers = [_node("A"), _node("B")]
    yield servers
    for server in servers:
        server.shutdown()
        server.server_close()


def test_the_proxy_takes_turns_and_skips_a_node_that_refuses(
        cluster: ModuleType, nodes: list[ThreadingHTTPServer]) -> None:
    dead_port = cluster._free_port()  # nothing listens there: a killed node
    a, b = (("127.0.0.1", server.server_address[1]) for server in nodes)
    proxy = cluster.RoundRobinProxy([a, ("127.0.0.1", dead_port), b])
    proxy.start()
    try:
        answers = []
        for _ in range(6):
            with urllib.request.urlopen(f"http://127.0.0.1:{proxy.port}/", timeout=10) as r:
                answers.append(r.read().decode())
    finally:
        proxy.stop()
    assert answers == ["A", "B", "A", "B", "A", "B"]
    assert proxy.connections == {0: 3, 2: 3}
    assert proxy.refused == {1: 3}


def test_failed_requests_are_told_apart(cluster: ModuleType) -> None:
    killed = 1000.0
    timings = [["autosave", 5.0, True, killed + 0.1],   # in flight on the killed node
               ["score", 5.0, True, killed + 9.0],      # still within the window
               ["upload", 60_000.0, True, killed - 200],  # timed out long before
               ["verify", 5.0, True, killed + 30],       # a real failure
               ["autosave", 5.0, False, killed + 30]]
    messages = {"upload": " | RetriesExceeded('...', 0, original=timed out)",
                "verify": " | CatchResponseError('500: ...')"}
    found = cluster._failures({"timings": timings}, killed, messages)
    assert found["total"] == 4
    assert found["within_kill_window"] == 2
    assert found["timed_out_elsewhere"] == 1
    assert found["elsewhere"] == 1 and found["elsewhere_sample"] == [["verify", 30.0]]


def test_uploads_are_numbered_in_the_order_they_were_sent(cluster: ModuleType) -> None:
    assert cluster._upload_seq("uploader3@load.example.test notes 12 9f1c\nnotes notes") == 12
    assert cluster._upload_seq(None) == -1
    assert cluster._upload_seq("something else") == -1
