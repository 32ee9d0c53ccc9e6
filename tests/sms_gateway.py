"""A real local SMS platform for tests and benchmarks: an HTTP server that checks every signature and
records what it received.

`with sms_gateway(secret) as gateway:` serves on a free local port (`gateway.url`); `gateway.received`
lists each accepted message (the JSON body), `gateway.counts()` how often each id arrived and
`gateway.bad_signatures` how many posts were refused for their signature. `gateway.fail_first(n)`
answers 500 to the first n attempts of every id; `gateway.status` / `gateway.delay` change every answer.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections import Counter
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Gateway:
    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.lock = threading.Lock()
        self.received: list[dict] = []
        self.attempts: Counter[str] = Counter()
        self.bad_signatures = 0
        self.status = 200
        self.delay = 0.0
        self._fail_first = 0
        self.url = ""

    def fail_first(self, attempts: int) -> None:
        self._fail_first = attempts

    def counts(self) -> Counter[str]:
        with self.lock:
            return Counter(message["id"] for message in self.received)

    def ids(self) -> list[str]:
        with self.lock:
            return [message["id"] for message in self.received]

    def handle(self, body: bytes, signature: str | None) -> int:
        expected = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        if not signature or not hmac.compare_digest(expected, signature):
            with self.lock:
                self.bad_signatures += 1
            return 401
        message = json.loads(body.decode("utf-8"))
        with self.lock:
            self.attempts[message["id"]] += 1
            if self.attempts[message["id"]] <= self._fail_first or not 200 <= self.status < 300:
                return self.status if not 200 <= self.status < 300 else 500
            self.received.append(message)
        return self.status


def _handler(gateway: Gateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real platform
        disable_nagle_algorithm = True  # headers and body go out at once (no 40 ms delayed-ACK stalls)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if gateway.delay:
                threading.Event().wait(gateway.delay)
            status = gateway.handle(body, self.headers.get("X-Signature"))
            answer = json.dumps({"ok": 200 <= status < 300}).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except (BrokenPipeError, ConnectionResetError):  # the sender gave up waiting (a timeout test)
                pass

        def log_message(self, *_args):
            pass

    return Handler


@contextmanager
def sms_gateway(secret: str = "test-gateway-secret"):
    gateway = Gateway(secret)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(gateway))
    server.daemon_threads = True
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/sms/send"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()
