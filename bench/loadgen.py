"""A lean HTTP/1.1 load generator for the benchmarks: one asyncio loop, real TCP connections.

The benchmarks run the client on the same two cores as the server and the
database, so a heavy client (requests in threads costs ~1-2 ms of CPU per call)
would be measured as server time. This one costs a few tens of microseconds per
request. gunicorn's sync workers close the connection after each response, so
every request opens a new connection, as a phone in a WeChat group would.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Client:
    """One simulated person: a base URL and the cookies the server has set."""

    base: str
    cookies: dict[str, str] = field(default_factory=dict)

    async def request(self, method: str, path: str, *, json_body=None, form: dict | None = None,
                      headers: dict[str, str] | None = None) -> Response:
        parts = urlsplit(self.base)
        host, port = parts.hostname, parts.port or 80
        body = b""
        head = {"Host": f"{host}:{port}", "Connection": "close", "User-Agent": "branch-events-bench"}
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode()
            head["Content-Type"] = "application/json"
        elif form is not None:
            body = urlencode(form).encode()
            head["Content-Type"] = "application/x-www-form-urlencoded"
        if body or method == "POST":
            head["Content-Length"] = str(len(body))
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        head.update(headers or {})
        raw = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in head.items()) + "\r\n"
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(raw.encode("latin-1") + body)
            await writer.drain()
            data = await reader.read()  # Connection: close, so the response ends at EOF
        finally:
            writer.close()
        response = _parse(data)
        for name, value in response.headers:
            if name.lower() == "set-cookie":
                cookie = SimpleCookie()
                cookie.load(value)
                self.cookies.update({k: m.value for k, m in cookie.items()})
        return response


def _parse(data: bytes) -> Response:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:] if ":" in line]
    if any(k.lower() == "transfer-encoding" and "chunked" in v.lower() for k, v in headers):
        body = _dechunk(body)
    return Response(status, headers, body)  # type: ignore[arg-type]


def _dechunk(body: bytes) -> bytes:
    out, rest = bytearray(), body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        rest = rest[size + 2:]
    return bytes(out)


@dataclass
class Result:
    rate: float
    p50_ms: float
    p99_ms: float
    outcomes: Counter
    errors: int  # 5xx and connection failures


def run(total: int, clients: int, one: Callable[[int], Awaitable[tuple[int, str]]]) -> Result:
    """Run `one(i)` for i in range(total) with `clients` in flight; `one` returns (status, outcome)."""

    async def main() -> Result:
        queue = iter(range(total))
        latencies: list[float] = []
        outcomes: Counter = Counter()
        errors = 0

        async def worker():
            nonlocal errors
            for i in queue:
                started = time.perf_counter()
                try:
                    status, outcome = await one(i)
                except (OSError, ValueError) as exc:
                    status, outcome = 599, type(exc).__name__
                latencies.append(time.perf_counter() - started)
                outcomes[outcome] += 1
                errors += status >= 500

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - started
        latencies.sort()
        return Result(rate=total / elapsed, p50_ms=statistics.median(latencies) * 1000,
                      p99_ms=latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000,
                      outcomes=outcomes, errors=errors)

    return asyncio.run(main())


def healthz_ceiling(base: str, clients: int = 32, total: int = 2000) -> Result:
    """GET /healthz (one trivial query) as fast as it goes: what this server and client can do at best."""

    async def healthz(_i: int) -> tuple[int, str]:
        response = await Client(base).request("GET", "/healthz")
        return response.status, str(response.status)

    run(200, 8, healthz)  # warm-up: workers' first connections and imports
    return run(total, clients, healthz)
