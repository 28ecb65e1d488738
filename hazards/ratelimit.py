"""A small rate limiter on Django's cache, for the public tip-off form.

Each limit is a counter per client that starts with the client's first request and expires
``seconds`` later (a fixed window opened by the first hit). The counter is created with
``cache.add`` and raised with ``cache.incr``, both atomic on Redis (and under a lock in the
local-memory cache), so two requests at the same moment cannot both take the last place.

The client is identified by a keyed hash of its address (:func:`client_fingerprint`): neither
the cache nor the database ever holds the address itself.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

KEY_PREFIX = "ratelimit"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds}s"


def parse_limits(spec: str | Iterable) -> tuple[Limit, ...]:
    """``"5/h, 20/d"`` or ``[(5, 3600), (20, 86400)]`` → limits. Units: s, m, h, d, optionally
    preceded by a number (``"10/15m"``)."""
    if isinstance(spec, str):
        items = [part.strip() for part in spec.split(",") if part.strip()]
        limits = []
        for item in items:
            count, _slash, period = item.partition("/")
            period = period.strip().lower()
            if not period or period[-1] not in _UNITS:
                raise ValueError(f"Unknown rate limit period in {item!r} (use s, m, h or d).")
            multiplier = int(period[:-1]) if period[:-1] else 1
            limits.append(Limit(int(count), multiplier * _UNITS[period[-1]]))
        return tuple(limits)
    return tuple(item if isinstance(item, Limit) else Limit(int(item[0]), int(item[1])) for item in spec)


def client_address(request) -> str:
    """The client's address. Behind ``TIP_OFF_TRUSTED_PROXIES`` reverse proxies (each appending
    the address it saw to X-Forwarded-For), the client is that many entries from the right:
    the entries further left are whatever the client chose to send."""
    proxies = int(getattr(settings, "TIP_OFF_TRUSTED_PROXIES", 0) or 0)
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or ""


def client_fingerprint(address: str) -> str:
    """A keyed hash (HMAC-SHA256 with SECRET_KEY) of a client address: the same address gives
    the same value, from which the address cannot be found without the key."""
    return hmac.new(settings.SECRET_KEY.encode(), (address or "").encode(), hashlib.sha256).hexdigest()


class RateLimiter:
    """``limits`` for one ``scope`` (a name such as "tip-off"), counted per client key."""

    def __init__(self, scope: str, limits: Sequence[Limit], cache_alias: str = "default"):
        self.scope = scope
        self.limits = tuple(limits)
        self.cache_alias = cache_alias

    @property
    def cache(self):
        return caches[self.cache_alias]

    def _key(self, client: str, limit: Limit) -> str:
        return f"{KEY_PREFIX}:{self.scope}:{limit.seconds}:{client}"

    def exceeded(self, client: str) -> bool:
        """Whether the client has used up one of its limits (reads only)."""
        keys = {self._key(client, limit): limit for limit in self.limits}
        counts = self.cache.get_many(list(keys))
        return any(counts.get(key, 0) >= limit.count for key, limit in keys.items())

    def hit(self, client: str) -> bool:
        """Count one request; True when it is within every limit. Every counter is raised
        even when one is exceeded, so that a client hammering the form stays limited."""
        allowed = True
        for limit in self.limits:
            if self._incr(self._key(client, limit), limit.seconds) > limit.count:
                allowed = False
        return allowed

    def _incr(self, key: str, seconds: int) -> int:
        cache = self.cache
        cache.add(key, 0, timeout=seconds)
        try:
            return cache.incr(key)
        except ValueError:
            # The counter expired between add() and incr(): this request opens a new window.
            cache.add(key, 0, timeout=seconds)
            return cache.incr(key)

    def reset(self, client: str) -> None:
        self.cache.delete_many([self._key(client, limit) for limit in self.limits])
