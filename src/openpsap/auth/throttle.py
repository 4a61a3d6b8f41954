"""Slowing down password guessing at the login: failed attempts are counted per user name *from one client address*
and per client address, with a maintained rate-limit library (`limits`, moving windows in this server's memory), and
a login is refused with 429 before any password is hashed once either limit is reached. Counting a user name per
address means nobody can lock a dispatcher out from elsewhere by failing on purpose. The address is the
connection's, or, behind a proxy listed in OPENPSAP_TRUSTED_PROXIES, the one it forwards. Each server counts its own
(behind a load balancer, N servers allow N times the attempts; `limits` can keep them in Redis instead)."""

from __future__ import annotations

import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from openpsap.errors import TooManyRequests


class LoginThrottle:
    def __init__(self, per_user: str = "5/minute", per_client: str = "30/minute") -> None:
        self.per_user = parse(per_user)
        self.per_client = parse(per_client)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def _wait(self, item: RateLimitItem, *key: str) -> float:
        stats = self.limiter.get_window_stats(item, *key)
        return max(1.0, stats.reset_time - time.time())

    def check(self, username: str, client: str) -> None:
        """Refuse (429) when this user name or this client has failed too often lately."""
        for item, key, who in ((self.per_user, "user", f"user {username!r} from this address"),
                               (self.per_client, "client", f"address {client}")):
            ident = f"{username.lower()}|{client}" if key == "user" else client
            if not self.limiter.test(item, "login", key, ident):
                wait = self._wait(item, "login", key, ident)
                raise TooManyRequests(f"too many failed logins for {who}; try again in {wait:.0f} s", retry_after_s=round(wait))

    def failed(self, username: str, client: str) -> None:
        self.limiter.hit(self.per_user, "login", "user", f"{username.lower()}|{client}")
        self.limiter.hit(self.per_client, "login", "client", client)
