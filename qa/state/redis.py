"""The Redis backend of the state store: shared by every app server behind a load balancer."""

from __future__ import annotations

import math

PREFIX = "qa:"  # every key of the assistant, so that a shared Redis can hold other things too
TIMEOUT_SECONDS = 0.5  # a Redis that does not answer in this time counts as down: answers go on without it


class RedisBackend:
    """Key → JSON text with an expiry, in Redis: expiry is Redis's own, a claim is SET NX PX (atomic)."""

    name = "redis"

    def __init__(self, url: str):
        import redis  # imported here: only a store configured with redis:// needs the client

        self.url = url
        self.client = redis.Redis.from_url(url, socket_timeout=TIMEOUT_SECONDS,
                                           socket_connect_timeout=TIMEOUT_SECONDS, health_check_interval=30)

    @staticmethod
    def _ms(expires: float, now: float) -> int:
        """Milliseconds from now to the expiry (at least 1)."""
        return max(1, math.ceil((expires - now) * 1000))

    @staticmethod
    def damaged(exc: BaseException) -> bool:
        """Redis's data is never damaged from here: an error means it is down or unreachable."""
        return False

    def reset(self) -> str:
        """Drop the pooled connections (they reconnect on the next command)."""
        self.client.connection_pool.disconnect()
        return ""

    def get(self, key: str, now: float) -> str | None:
        value = self.client.get(PREFIX + key)
        return value.decode("utf-8") if value is not None else None

    def put(self, key: str, value: str, expires: float, space: str, now: float) -> None:
        self.client.set(PREFIX + key, value, px=self._ms(expires, now))

    def claim(self, key: str, value: str, expires: float, space: str, now: float) -> bool:
        return bool(self.client.set(PREFIX + key, value, px=self._ms(expires, now), nx=True))

    def delete(self, key: str) -> None:
        self.client.delete(PREFIX + key)

    def incr(self, key: str, expires: float, space: str, now: float) -> int:
        pipe = self.client.pipeline()
        pipe.incr(PREFIX + key)
        pipe.pexpire(PREFIX + key, self._ms(expires, now), nx=True)  # the window starts at the first count
        return int(pipe.execute()[0])

    def prune(self, space: str, keep: int, now: float) -> None:
        """Nothing to do: Redis expires keys itself (and its maxmemory policy bounds the rest)."""

    def count(self, space: str | None = None) -> int:
        return sum(1 for _ in self.client.scan_iter(match=PREFIX + (f"{space}:*" if space else "*"), count=1000))

    def ping(self) -> None:
        self.client.ping()

    def close(self) -> None:
        self.client.close()
