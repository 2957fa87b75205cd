"""What one client address may take: open websockets, new sessions, messages.

The address is the peer's IP, or, when the peer is a trusted proxy (`trusted_proxies`), the
nearest address in `X-Forwarded-For` that is not one: a client cannot choose its own address
by sending the header, and a proxy's visitors are told apart.

>>> proxies = parse_networks(["10.0.0.0/8"])
>>> client_address({"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": "203.0.113.9, 10.0.0.7"}, proxies)
'203.0.113.9'
>>> client_address({"REMOTE_ADDR": "198.51.100.4", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, proxies)
'198.51.100.4'
"""
from __future__ import annotations

import ipaddress
import math
import threading

from assistant.ratelimit import RateLimiter

ADDRESS_KEYS = 4096            # addresses each per-address limiter remembers at most (least recent forgotten)


def parse_networks(values) -> tuple:
    """IP networks from addresses or CIDR ranges ("127.0.0.1", "10.0.0.0/8"); ValueError if one is not."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values)


def _in(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(environ, trusted_proxies) -> str:
    """The address a request came from (see the module's docstring)."""
    peer = environ.get("REMOTE_ADDR") or "unknown"
    if not trusted_proxies or not _in(peer, trusted_proxies):
        return peer
    hops = [hop.strip() for hop in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):                   # the last hop was added by the nearest proxy
        if not _in(hop, trusted_proxies):
            return hop[:64]
    return peer


def forwarded_scheme(environ, trusted_proxies) -> str:
    """The scheme the client used: X-Forwarded-Proto from a trusted proxy, else the server's own."""
    scheme = environ.get("wsgi.url_scheme", "http")
    if trusted_proxies and _in(environ.get("REMOTE_ADDR", ""), trusted_proxies):
        forwarded = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[0].strip().lower()
        if forwarded in ("http", "https"):
            return forwarded
    return scheme


class AddressSlots:
    """Open connections per address, at most `per_address` each; the table holds only addresses
    with a connection open."""

    def __init__(self, per_address: int):
        self.per_address = per_address
        self._open: dict[str, int] = {}
        self._lock = threading.Lock()

    def take(self, address: str) -> bool:
        with self._lock:
            count = self._open.get(address, 0)
            if count >= self.per_address:
                return False
            self._open[address] = count + 1
            return True

    def give_back(self, address: str):
        with self._lock:
            count = self._open.get(address, 0) - 1
            if count > 0:
                self._open[address] = count
            else:
                self._open.pop(address, None)

    def count(self, address: str) -> int:
        return self._open.get(address, 0)


class Refusal(Exception):
    """A client over one of its address's limits: the error code, message and seconds to wait."""

    def __init__(self, code: str, message: str, retry_after: float):
        super().__init__(message)
        self.code, self.message, self.retry_after = code, message, retry_after


class ClientPolicy:
    """The per-address limits, over limiters keyed by address (any store with `wait_time(key)`)."""

    def __init__(self, settings: dict, messages: RateLimiter | None = None, new_sessions: RateLimiter | None = None):
        self.trusted_proxies = parse_networks(settings["trusted_proxies"])
        self.messages = messages or RateLimiter(settings["address_rate_limit_messages"],
                                                settings["rate_limit_window"], max_keys=ADDRESS_KEYS)
        self.new_sessions = new_sessions or RateLimiter(settings["address_new_sessions"],
                                                        settings["address_new_sessions_window"], max_keys=ADDRESS_KEYS)
        self.connections = AddressSlots(settings["max_connections_per_address"])

    def address(self, environ) -> str:
        return client_address(environ, self.trusted_proxies)

    def message_key(self, address: str) -> str:
        """The key `messages` counts an address's messages under."""
        return "address:" + address

    def check_message(self, address: str, wait: float | None = None):
        """Count one message from `address`, or Refusal when it has sent too many; given `wait`, the
        message was counted already (with its session's, `RateLimiter.wait_times`) and that is what
        the count said."""
        if wait is None:
            wait = self.messages.wait_time(self.message_key(address))
        if wait:
            raise Refusal("rate_limited", f"Too many messages from your address: at most {self.messages.limit} every "
                                          f"{self.messages.window:g} seconds. Try again in {math.ceil(wait)} s.", wait)

    def check_new_session(self, address: str):
        """Count one new conversation started from `address`, or Refusal when it started too many."""
        wait = self.new_sessions.wait_time("new-session:" + address)
        if wait:
            raise Refusal("too_many_sessions", f"Too many new conversations from your address: at most "
                                               f"{self.new_sessions.limit} every {self.new_sessions.window:g} seconds. "
                                               f"Try again in {math.ceil(wait)} s.", wait)
