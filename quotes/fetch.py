"""Fetching pages and feeds from the web: a security boundary.

A URL typed by a user or found in a feed makes this server open a connection, so a
hostile URL could reach the machines behind it (databases, cloud metadata at
169.254.169.254, admin consoles on loopback). Every address a host name resolves to is
checked before connecting, the connection goes to that checked address (so a second DNS
answer cannot swap it), and redirects are followed by hand so that each hop is checked
the same way. Bodies are read up to a size cap, with connect and read timeouts and an
overall deadline, and only the content types the caller accepts are read at all.

Every refusal is a FetchRefused whose message is meant for the user.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings

PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    # many feeds are served with a generic type
    "text/plain",
    "text/html",
)
MAX_REDIRECTS = 5
USER_AGENT = "FactcheckWorkbench/1.0 (article import)"


class FetchRefused(ValueError):
    """A URL we will not fetch, or a response we will not read; the message says why."""


class FetchFailed(FetchRefused):
    """A failure that may pass (timeout, connection refused, server error): worth a retry."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content_type: str
    charset: str | None
    content: bytes

    def text(self) -> str:
        try:
            return self.content.decode(self.charset or "utf-8")
        except (LookupError, UnicodeDecodeError):
            return self.content.decode("utf-8", errors="replace")


def _allowed(host: str, port: int) -> bool:
    """Hosts named in FETCH_ALLOWED_HOSTS ("host" or "host:port") skip the address check.

    For tests and for a newsroom's own intranet feeds; empty in production."""
    allowed: list[str] = settings.FETCH_ALLOWED_HOSTS
    return host in allowed or f"{host}:{port}" in allowed


def check_address(address: str) -> None:
    """Refuse addresses that are not on the public internet."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        raise FetchRefused(f"It points to this machine ({ip}, a loopback address).")
    if ip.is_link_local:
        raise FetchRefused(f"It points to a link-local address ({ip}).")
    if ip.is_multicast:
        raise FetchRefused(f"It points to a multicast address ({ip}).")
    if ip.is_private or ip.is_unspecified or ip.is_reserved or not ip.is_global:
        raise FetchRefused(f"It points to a private or reserved address ({ip}).")


def _resolve(host: str, port: int) -> str:
    """One checked address for `host`: every address it resolves to must be public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchRefused(f"The host name {host} could not be resolved.") from exc
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise FetchRefused(f"The host name {host} has no address.")
    if not _allowed(host, port):
        for address in addresses:
            check_address(address)
    return addresses[0]


def _split(url: str) -> tuple[str, str, int, str]:
    if len(url) > 2000:
        raise FetchRefused("The URL is longer than 2,000 characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchRefused("This is not a valid URL.") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchRefused("Only http and https URLs can be fetched.")
    if not parts.hostname:
        raise FetchRefused("The URL has no host name.")
    if parts.username or parts.password:
        raise FetchRefused("URLs with a user name or password are not fetched.")
    host = parts.hostname
    port = port or (443 if scheme == "https" else 80)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return scheme, host, port, target


def _media_type(header: str) -> tuple[str, str | None]:
    if not header.strip():
        return "", None  # email's parser would call a missing type text/plain
    message = Message()
    message["content-type"] = header
    return message.get_content_type(), message.get_param("charset")  # type: ignore[return-value]


def fetch(url: str, *, accept: tuple[str, ...] = PAGE_TYPES) -> Fetched:
    """GET `url` within the limits above and return the body; raise FetchRefused otherwise.

    FetchFailed (a subclass) marks failures that may pass on a retry: timeouts, refused
    connections, 5xx and 429 answers.
    """
    deadline = time.monotonic() + settings.FETCH_TOTAL_TIMEOUT
    limit: int = settings.FETCH_MAX_BYTES
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port, target = _split(url)
        address = _resolve(host, port)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchFailed("The site took too long to answer.")
        timeout = urllib3.Timeout(
            connect=min(settings.FETCH_CONNECT_TIMEOUT, remaining),
            read=min(settings.FETCH_READ_TIMEOUT, remaining),
        )
        headers = {
            "Host": host if port in (80, 443) else f"{host}:{port}",
            "User-Agent": USER_AGENT,
            "Accept": ", ".join(accept) + ";q=1.0, */*;q=0.1",
            "Accept-Encoding": "gzip, deflate",
        }
        # Connect to the address we checked, not to the name: a second DNS lookup could
        # answer differently (DNS rebinding). TLS still checks the certificate for the name.
        pool: urllib3.HTTPConnectionPool
        if scheme == "https":
            pool = urllib3.HTTPSConnectionPool(
                address,
                port,
                timeout=timeout,
                retries=False,
                server_hostname=host,
                assert_hostname=host,
                cert_reqs="CERT_REQUIRED",
            )
        else:
            pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
        try:
            response = pool.urlopen(
                "GET", target, headers=headers, redirect=False, preload_content=False
            )
        except urllib3.exceptions.SSLError as exc:
            raise FetchRefused(f"The secure connection to {host} failed: {exc}.") from exc
        except urllib3.exceptions.TimeoutError as exc:
            raise FetchFailed(f"{host} did not answer in time.") from exc
        except urllib3.exceptions.HTTPError as exc:
            raise FetchFailed(f"Could not connect to {host}.") from exc
        try:
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("Location", "")
                if not location:
                    raise FetchRefused("The site redirected without saying where to.")
                url = urljoin(url, location)
                continue
            if response.status == 429 or response.status >= 500:
                raise FetchFailed(f"The site answered with an error ({response.status}).")
            if response.status != 200:
                raise FetchRefused(f"The site answered {response.status}, not the page.")
            media, charset = _media_type(response.headers.get("Content-Type", ""))
            if media not in accept:
                raise FetchRefused(
                    f"The URL gives {media or 'an unknown type'}, not a web page or text."
                    if accept == PAGE_TYPES
                    else f"The URL gives {media or 'an unknown type'}, not a feed."
                )
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FetchRefused(_too_large(limit))
            content = _read(response, limit, deadline, host)
            return Fetched(url=url, content_type=media, charset=charset, content=content)
        finally:
            response.release_conn()
            pool.close()
    raise FetchRefused(f"The site redirected more than {MAX_REDIRECTS} times.")


def _too_large(limit: int) -> str:
    return f"The page is larger than the limit of {limit:,} bytes."


def _read(
    response: urllib3.response.BaseHTTPResponse, limit: int, deadline: float, host: str
) -> bytes:
    """The body, decompressed, refusing more than `limit` bytes (a small gzip can unpack
    to gigabytes) and stopping at the deadline (a server can trickle bytes forever)."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.stream(64 * 1024, decode_content=True):
            size += len(chunk)
            if size > limit:
                raise FetchRefused(_too_large(limit))
            if time.monotonic() > deadline:
                raise FetchFailed(f"{host} took too long to send the page.")
            chunks.append(chunk)
    except urllib3.exceptions.TimeoutError as exc:
        raise FetchFailed(f"{host} stopped sending the page.") from exc
    except urllib3.exceptions.HTTPError as exc:
        raise FetchFailed(f"The page from {host} arrived broken.") from exc
    return b"".join(chunks)
