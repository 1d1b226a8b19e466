"""The address a request comes from, for login throttling (django-axes)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the address the proxy reports when CLIENT_IP_HEADER is configured.

    Behind a reverse proxy every request comes from the proxy's address. The proxy names the
    client in a header (X-Forwarded-For, X-Real-IP); anyone can send such a header too, so it
    is read only when the deployment says a proxy sets it, and then only the entry the
    trusted proxies appended: the TRUSTED_PROXY_COUNT-th from the right.
    """
    header: str = settings.CLIENT_IP_HEADER
    if header:
        key = "HTTP_" + header.upper().replace("-", "_")
        entries = [e.strip() for e in request.META.get(key, "").split(",") if e.strip()]
        count: int = settings.TRUSTED_PROXY_COUNT
        if len(entries) >= count:
            return entries[-count]
    return str(request.META.get("REMOTE_ADDR", ""))
