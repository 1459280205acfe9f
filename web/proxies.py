"""Client addresses behind a proxy: X-Forwarded-For and -Proto are believed only from the proxies configured.

A client that reaches the app directly (gunicorn bound to an open address, no nginx in front) can send any
X-Forwarded-For; believed, it would let one client pass for many (the login limit counts per address). Here
the headers are applied (werkzeug's ProxyFix, PROXY_HOPS deep) only when the connection itself comes from an
address in TRUSTED_PROXIES; from anyone else they are removed, and the connection's own address is the client's.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterable

from werkzeug.middleware.proxy_fix import ProxyFix

__all__ = ["TrustedProxies", "trusted_networks"]
FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT",
             "HTTP_X_FORWARDED_PREFIX", "HTTP_FORWARDED")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(setting: str | Iterable[str]) -> tuple[Network, ...]:
    """The addresses and networks of TRUSTED_PROXIES ("127.0.0.1, ::1, 10.0.0.0/24" or a list of them);
    ValueError names an entry that is neither."""
    entries = re.split(r"[\s,]+", setting) if isinstance(setting, str) else [str(e) for e in setting]
    networks = []
    for entry in filter(None, (e.strip() for e in entries)):
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"TRUSTED_PROXIES holds {entry!r}, which is neither an address nor a network "
                             "such as 10.0.0.0/24") from None
    return tuple(networks)


class TrustedProxies:
    """WSGI middleware: ProxyFix for connections from a trusted proxy, the forwarded headers dropped otherwise."""

    def __init__(self, app, trusted: str | Iterable[str], hops: int = 1):
        if hops < 1:
            raise ValueError(f"PROXY_HOPS must be 1 or more behind proxies, got {hops}")
        self.app = app
        self.networks = trusted_networks(trusted)
        self.fixed = ProxyFix(app, x_for=hops, x_proto=hops)
        self.trusts = functools.lru_cache(maxsize=1024)(self._trusts)  # a few proxies, asked on every request

    def _trusts(self, peer: str) -> bool:
        """Whether a connection from `peer` (REMOTE_ADDR) comes from a trusted proxy."""
        if not peer:
            return True  # a Unix socket: only processes of this host that may open its file reach it
        try:
            address = ipaddress.ip_address(peer.split("%", 1)[0])  # fe80::1%eth0: the zone is not the address
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:  # ::ffff:127.0.0.1
            address = address.ipv4_mapped
        return any(address in network for network in self.networks)

    def __call__(self, environ: dict, start_response):
        if self.trusts(environ.get("REMOTE_ADDR") or ""):
            return self.fixed(environ, start_response)
        for key in FORWARDED:  # the client's own claims: never read, by this app or anything below it
            environ.pop(key, None)
        return self.app(environ, start_response)
