"""System checks for deployment: `manage.py check --deploy`."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

# Public URLs go into every ClaimReview, PDF link, CSV row and permalink we hand out:
# a local address there points readers at their own machine.
PUBLIC_URL_SETTINGS = ("PUBLIC_BASE_URL", "FACTCHECK_ORG_URL")
LOCAL_NAMES = {"localhost", "localhost.localdomain", ""}


def is_local_url(url: str) -> bool:
    """True when `url` is empty, not http(s), or names this machine or a private network."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https"):
        return True
    host = (parts.hostname or "").lower()
    if host in LOCAL_NAMES or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." not in host  # a bare machine name ("web1") is no public address
    return address.is_loopback or address.is_private or address.is_unspecified


@register(Tags.security, deploy=True)
def check_public_urls(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    errors: list[CheckMessage] = []
    for name in PUBLIC_URL_SETTINGS:
        value = getattr(settings, name, "")
        if is_local_url(value):
            errors.append(
                Error(
                    f"{name} is {value!r}, which readers cannot open: exports, ClaimReview "
                    "markup and permalinks would point there.",
                    hint=f"Set {name} to the public https:// address of this site.",
                    id="quotes.E001",
                )
            )
    return errors
