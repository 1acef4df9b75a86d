"""Which addresses of this machine phones on the venue network can reach.

Found the way network tools find them, never from the hostname: Debian and Ubuntu map the hostname
to 127.0.1.1 in /etc/hosts, so resolving it yields a loopback address on a typical venue laptop.

- The *chosen* address is the one of the interface that routes outward: a UDP socket `connect()`ed
  to a public address sends nothing, but the kernel picks the source address it would use.
- The *others* are every other non-loopback IPv4 address of every interface (a hotspot, a second
  network card, a docker bridge), listed so the host can pick one when the chosen one is wrong.

The system calls are parameters (`probe`, `adapters`) so tests can fake any machine.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# TEST-NET-2 (RFC 5737): never assigned, so nothing is ever contacted; connect() on a UDP socket
# only asks the routing table which source address would be used.
PROBE_TARGET = ("198.51.100.1", 9)

Probe = Callable[[], str | None]
Adapters = Callable[[], Iterable[tuple[str, str]]]


@dataclass(frozen=True, slots=True)
class Interface:
    name: str  # the interface's name as the system shows it (eth0, wlan0, "Wi-Fi")
    address: str  # an IPv4 address of it


@dataclass(frozen=True, slots=True)
class Addresses:
    chosen: Interface | None  # where the links point; None: only loopback was found
    others: tuple[Interface, ...]  # every other non-loopback IPv4 address, best first

    @property
    def loopback_only(self) -> bool:
        return self.chosen is None

    def all(self) -> tuple[Interface, ...]:
        return ((self.chosen,) if self.chosen else ()) + self.others


def udp_probe() -> str | None:
    """The source address of the route outward, or None when there is no such route."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(PROBE_TARGET)
            return str(probe.getsockname()[0])
    except OSError:  # no route (offline laptop, loopback only)
        return None


def system_adapters() -> list[tuple[str, str]]:
    """(interface name, IPv4 address) for every address of every interface, loopback included."""
    try:
        import ifaddr  # maintained, pure Python; only needed when the server starts
    except ImportError:  # an install that predates the dependency: the probe alone still finds the LAN
        return []
    found = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if ip.is_IPv4 and isinstance(ip.ip, str):
                found.append((str(adapter.nice_name), ip.ip))
    return found


def _usable(address: str) -> bool:
    try:
        ip = ipaddress.IPv4Address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_unspecified or ip.is_multicast)


def _rank(interface: Interface) -> int:
    # Private LAN addresses first (what venue Wi-Fi hands out), then public ones, link-local
    # (169.254/16: no DHCP answered) last; ties keep the system's order (sorted() is stable).
    ip = ipaddress.IPv4Address(interface.address)
    return 2 if ip.is_link_local else 0 if ip.is_private else 1


def discover(probe: Probe = udp_probe, adapters: Adapters = system_adapters) -> Addresses:
    """The chosen address and the others (see the module's docstring)."""
    interfaces: list[Interface] = []
    for name, address in adapters():
        if _usable(address) and all(i.address != address for i in interfaces):
            interfaces.append(Interface(name, address))
    outward = probe()
    chosen: Interface | None = None
    if outward is not None and _usable(outward):
        chosen = next((i for i in interfaces if i.address == outward), Interface("", outward))
    ranked = sorted(interfaces, key=_rank)
    if chosen is None and ranked:
        chosen = ranked[0]  # no route outward (an offline hotspot): the best-looking interface
    others = tuple(i for i in ranked if chosen is None or i.address != chosen.address)
    return Addresses(chosen, others)


def is_loopback_name(host: str) -> bool:
    """localhost, 127.x.x.x or ::1: an address only this machine can open."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    """Listening on every interface (0.0.0.0, ::, or empty)."""
    return host.strip("[]") in ("", "0.0.0.0", "::")
