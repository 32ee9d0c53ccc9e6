"""A private redis-server for tests that stop and restart Redis (never the machine's shared one)."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
import redis

from tests.server import free_port


class RedisServer:
    def __init__(self, bind: str = "127.0.0.1") -> None:
        if shutil.which("redis-server") is None:
            pytest.skip("redis-server is not installed")
        self.bind = bind
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{self.bind}:{self.port}/0"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", self.bind, "--save", "", "--appendonly", "no",
             "--protected-mode", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(host=self.bind, port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return self
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)

    def kill(self) -> None:
        """Redis dies at once (SIGKILL), as when its host is lost."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis(host=self.bind, port=self.port, socket_connect_timeout=0.5)

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.kill()
