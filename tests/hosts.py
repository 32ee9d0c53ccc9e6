"""Two app hosts on one PostgreSQL and one Redis, for tests/test_two_hosts.py and bench/bench_two_hosts.py.

Each host is a network namespace (`ip netns add`) joined to a bridge by a veth pair, so each
gunicorn has its own address and reaches PostgreSQL and Redis only over the network, as separate
machines would. The machine's PostgreSQL listens on 127.0.0.1 only, so a small TCP relay on the
bridge address stands in for "db.internal". Where namespaces cannot be made (no root, no `ip`),
the hosts are two gunicorns on two ports of 127.0.0.1 (`Network.isolated` says which).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import requests
import sqlalchemy as sa

from tests.redis_server import RedisServer
from tests.server import ROOT, free_port


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=10)


@dataclass
class Network:
    isolated: bool
    service_address: str  # where the hosts reach PostgreSQL and Redis
    addresses: list[str]  # each host's own address
    namespaces: list[str | None]
    _bridge: str | None = None

    def prefix(self, host: int) -> list[str]:
        namespace = self.namespaces[host]
        return ["ip", "netns", "exec", namespace] if namespace else []

    def teardown(self) -> None:
        for namespace in self.namespaces:
            if namespace:
                subprocess.run(["ip", "netns", "del", namespace], capture_output=True, timeout=10)
        if self._bridge:
            subprocess.run(["ip", "link", "del", self._bridge], capture_output=True, timeout=10)


def make_network(hosts: int = 2) -> Network:
    """Namespaces on a bridge when the machine allows it, else two ports on loopback."""
    if os.geteuid() == 0 and shutil.which("ip"):
        tag = f"{os.getpid() % 100000}"
        subnet = f"10.{200 + os.getpid() % 50}.{os.getpid() % 250}"
        bridge = f"bevbr{tag}"
        network = Network(True, f"{subnet}.1", [f"{subnet}.{i + 2}" for i in range(hosts)],
                          [f"bev{tag}h{i}" for i in range(hosts)], bridge)
        try:
            _ip("link", "add", bridge, "type", "bridge")
            _ip("addr", "add", f"{subnet}.1/24", "dev", bridge)
            _ip("link", "set", bridge, "up")
            for i, namespace in enumerate(network.namespaces):
                outside, inside = f"bev{tag}v{i}", f"bev{tag}p{i}"
                _ip("netns", "add", namespace)
                _ip("link", "add", outside, "type", "veth", "peer", "name", inside)
                _ip("link", "set", inside, "netns", namespace)
                _ip("link", "set", outside, "master", bridge)
                _ip("link", "set", outside, "up")
                _ip("-n", namespace, "addr", "add", f"{network.addresses[i]}/24", "dev", inside)
                _ip("-n", namespace, "link", "set", inside, "up")
                _ip("-n", namespace, "link", "set", "lo", "up")
            return network
        except (subprocess.SubprocessError, OSError):
            network.teardown()
    return Network(False, "127.0.0.1", ["127.0.0.1"] * hosts, [None] * hosts)


class TcpRelay:
    """Forwards connections from (listen_host, port) to a target, in a thread of its own."""

    def __init__(self, listen_host: str, target: tuple[str, int]) -> None:
        self.listen_host, self.target = listen_host, target
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    async def _pipe(self, reader, writer) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_reader, client_writer) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer))

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, self.listen_host, self.port, backlog=512))
        self._ready.set()
        self._loop.run_forever()

    def start(self) -> TcpRelay:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


@dataclass
class AppHost:
    index: int
    base: str
    process: subprocess.Popen
    env: dict = field(repr=False)


@dataclass
class Cluster:
    network: Network
    database_url: str  # as the hosts see it
    redis: RedisServer
    hosts: list[AppHost]

    def run_on(self, host: int, *args: str, **popen) -> subprocess.Popen:
        """A command of the app (`flask …`) on one host, with that host's environment."""
        command = [*self.network.prefix(host), sys.executable, "-m", "flask", "--app", "wsgi", *args]
        return subprocess.Popen(command, cwd=ROOT, env=self.hosts[host].env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, **popen)


def _wait_healthy(base: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if requests.get(base + "/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn at {base} did not start")
        time.sleep(0.2)


def _host_database_url(database_url: str, service_address: str, relay: TcpRelay | None) -> str:
    url = sa.engine.make_url(database_url)
    if relay is not None:
        url = url.set(host=service_address, port=relay.port)
    return url.render_as_string(hide_password=False)


@contextmanager
def two_hosts(database_url: str, workers: int = 2, extra_env: dict | None = None, hosts: int = 2):
    """Yields a Cluster of `hosts` gunicorns (own namespace each where possible) on one database and Redis."""
    network = make_network(hosts)
    relay = None
    processes: list[subprocess.Popen] = []
    try:
        if network.isolated:
            url = sa.engine.make_url(database_url)
            relay = TcpRelay(network.service_address, (url.host or "127.0.0.1", url.port or 5432)).start()
        host_db = _host_database_url(database_url, network.service_address, relay)
        with RedisServer(bind=network.service_address) as redis_server:
            app_hosts = []
            for i in range(hosts):
                port = free_port() if not network.isolated else 8000
                env = {**os.environ, "DATABASE_URL": host_db, "REDIS_URL": redis_server.url,
                       "SECRET_KEY": "test-secret-key-not-for-production", "APP_ENV": "development",
                       **(extra_env or {})}
                command = [*network.prefix(i), sys.executable, "-m", "gunicorn", "--workers", str(workers),
                           "--bind", f"{network.addresses[i]}:{port}", "--log-level", "warning",
                           "--timeout", "60", "wsgi:app"]
                process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
                processes.append(process)
                app_hosts.append(AppHost(i, f"http://{network.addresses[i]}:{port}", process, env))
            for host in app_hosts:
                _wait_healthy(host.base, host.process)
            yield Cluster(network, host_db, redis_server, app_hosts)
    finally:
        for process in processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        if relay is not None:
            relay.stop()
        network.teardown()

