"""Typed requests for the views (the pattern of healthchecks' hc/accounts/http.py)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """Any request, as django-htmx's middleware leaves it."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A request behind @login_required: its user is a real account."""

    user: User
