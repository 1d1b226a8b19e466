"""Hostile input: one corpus of bad values driven through every form, upload and command.

Every bad value must get a clear refusal (a 4xx with the error shown, an admin form
error, or a CommandError), never a 500 or an uncaught exception, and must leave the
database as it was. Values that are legitimate text (HTML, "javascript:" as words) may
be saved, and must then come out escaped on every page and in every export.

The 20 MB value is built once per module. Form posts refuse it before any field is read
(DATA_UPLOAD_MAX_MEMORY_SIZE); uploads and imported files by their size checks.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from quotes.models import (
    Article,
    Claim,
    Evidence,
    Rating,
    Source,
    Speaker,
    SpeakerAlias,
    Verdict,
)
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    SourceFactory,
    SpeakerFactory,
    VerdictFactory,
    rating,
)

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HTMX = {"HTTP_HX_REQUEST": "true"}
MODELS = (Article, Claim, Speaker, SpeakerAlias, Source, Evidence, Verdict)
HUGE_BYTES = 20 * 1024 * 1024


# -- the corpus ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    """One bad value: text, raw bytes, or HUGE (the 20 MB value, built once per module)."""

    name: str
    value: str | bytes

    def __str__(self) -> str:
        return self.name


HUGE = "<20 MB>"
CORPUS = [
    Hostile("empty", ""),
    Hostile("whitespace", " \t\r\n\u00a0\u2003\u3000 \n "),
    Hostile("20MB", HUGE),
    Hostile("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x08\x06\xff\xd8"),
    Hostile("invalid-utf8", b"caf\xe9 au lait \xff\xfe \xc3\x28 \xed\xa0\x80 said Pierre."),
    Hostile("nul", "before\x00after"),
    Hostile("long-line", "lorem ipsum dolor " * 17_000),  # 306,000 characters, no line break
    Hostile("html", '<script>alert("x")</script><img src=x onerror=alert(1)>'),
    Hostile("javascript-url", "javascript:alert(document.cookie)"),
    Hostile("data-url", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="),
]
# What a number or a foreign key can be forged into besides the corpus.
NUMBER_JUNK = ["1.5", "1e3", "9" * 30, "-1", "0x1f", "²", "NaN", "Infinity", "1; DROP TABLE"]
FK_JUNK = ["999999", "9" * 30, "-1", "abc", "1.5", "²", "1 OR 1=1"]


@pytest.fixture(scope="module")
def huge() -> str:
    """The 20 MB value, made once for the module."""
    return "x" * HUGE_BYTES


def resolve(value: str | bytes, huge: str) -> str | bytes:
    return huge if value is HUGE else value


def as_bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


# -- database snapshots ----------------------------------------------------------------------


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (*MODELS, Rating)}


def snapshot() -> dict[str, Any]:
    """Row counts and every row of the work tables: "unchanged" means nothing was written."""
    rows = {m.__name__: list(m.objects.order_by("pk").values()) for m in (*MODELS, Rating)}
    return {"counts": counts(), "rows": rows}


def assert_unchanged(before: dict[str, Any]) -> None:
    after = snapshot()
    assert after["counts"] == before["counts"]
    assert after["rows"] == before["rows"]


# -- posting forms ---------------------------------------------------------------------------


def post_form(client: Client, url: str, data: dict[str, Any], **extra: Any) -> Any:
    """POST `data` url-encoded by hand, so that values may be raw (invalid UTF-8) bytes."""
    body = urlencode([(k, v) for k, v in data.items() if v is not None], doseq=True)
    return client.post(url, body, content_type="application/x-www-form-urlencoded", **extra)


def admin_form_data(client: Client, url: str) -> dict[str, Any]:
    """The fields a browser would submit from an admin add/change page, as the page shows them.

    Reading the page (rather than guessing) picks up the inline management forms and the
    names Django gives each field.
    """
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    page = BeautifulSoup(response.content, "html.parser")
    form = page.find("form", id=re.compile(r"_form$"))
    assert form is not None, url
    data: dict[str, list[str]] = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or "__prefix__" in name:
            continue
        if field.name == "input":
            kind = field.get("type", "text")
            if kind in ("submit", "button", "image", "file", "reset"):
                continue
            if kind in ("checkbox", "radio"):
                if field.has_attr("checked"):
                    data.setdefault(name, []).append(field.get("value", "on"))
                continue
            data.setdefault(name, []).append(field.get("value", ""))
        elif field.name == "select":
            options = field.find_all("option")
            chosen = [o.get("value", o.text) for o in options if o.has_attr("selected")]
            if not chosen and options and not field.has_attr("multiple"):
                chosen = [options[0].get("value", options[0].text)]
            data[name] = chosen
        else:
            # Django writes a newline after <textarea>, which browsers drop
            data[name] = [field.text[1:] if field.text.startswith("\n") else field.text]
    return {k: v[0] if len(v) == 1 else v for k, v in data.items()}


def error_shown(response: Any) -> bool:
    """A refusal the user can read: an admin error note, a form error or an error message."""
    if response.status_code == 400 and b"Bad Request (400)" in response.content:
        return True  # Django's own answer to a body over DATA_UPLOAD_MAX_MEMORY_SIZE
    content = response.content.decode("utf-8", "replace")
    return any(
        marker in content
        for marker in ('class="errornote"', 'class="errorlist', 'role="alert"', 'class="error')
    )


def error_text(response: Any) -> str:
    page = BeautifulSoup(response.content, "html.parser")
    found = page.select(".errornote, .errorlist, [role=alert], .error")
    return " | ".join(e.get_text(" ", strip=True) for e in found)[:500]


# -- the forms -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A form field and what it takes: free text (with an optional length limit) or strict."""

    name: str
    kind: str  # text, url, int, choice, fk, date, slug, colour
    required: bool = False
    max_length: int | None = None
    forged: tuple[str, ...] = ()  # values of the right shape that must still be refused
    allows: tuple[str, ...] = ()  # junk that is valid for this field after all
    droppable: bool = False  # an inline row's id: a forged one may drop the row unsaved


@dataclass(frozen=True)
class Target:
    name: str
    user: str  # "checker" or "editor"
    setup: Callable[[], dict[str, Any]]
    url: Callable[[dict[str, Any]], str]
    base: Callable[[dict[str, Any]], dict[str, Any]]  # valid data; admin: over the page's
    fields: tuple[Field, ...]
    admin: bool = False

    def __str__(self) -> str:
        return self.name


def must_refuse(field: Field, hostile: Hostile) -> bool:
    """Whether `hostile` in `field` has to be refused (otherwise it may be saved as text)."""
    if hostile.name.startswith("forged:"):
        return hostile.value not in field.allows
    if hostile.name in ("20MB", "binary", "nul"):
        return True  # too large for a request; NUL bytes are never text
    if hostile.name in ("empty", "whitespace"):
        return field.required
    if field.kind != "text":
        return True  # no URL, number, date, choice or id looks like that
    if hostile.name == "long-line":
        return field.max_length is not None
    return False  # legitimate text: HTML and "javascript:" are words, escaped on output


BODY = "The minister said, “Prices fell by 3% last year.” Unemployment rose in May."
SECOND = (BODY.index("Unemployment"), len(BODY))  # the second sentence, free of claims


def claim_world() -> dict[str, Any]:
    claim = ClaimFactory(article=ArticleFactory(body=BODY))
    return {"claim": claim, "article": claim.article}


def two_claims_world() -> dict[str, Any]:
    world = claim_world()
    # the first sentence, next to the second: neighbours a reviewer may merge
    world["claim"].end = SECOND[0] - 1
    world["claim"].anchor()
    world["claim"].save()
    ClaimFactory(article=world["article"], start=SECOND[0], end=SECOND[1], speaker=None)
    return world


def review_world() -> dict[str, Any]:
    verdict = VerdictFactory(status=Verdict.Status.IN_REVIEW)
    return {"claim": verdict.claim, "verdict": verdict}


def article_change_world() -> dict[str, Any]:
    world = claim_world()
    world["other"] = ClaimFactory()  # a claim of another article
    return world


def speaker_world() -> dict[str, Any]:
    speaker = SpeakerFactory(name="Jane Doe")
    speaker.add_alias("The Minister")
    other = SpeakerFactory(name="John Roe")
    other.add_alias("Johnny")
    return {"speaker": speaker, "other": other}


def claim_url(name: str) -> Callable[[dict[str, Any]], str]:
    return lambda w: reverse(f"quotes:{name}", args=[w["claim"].pk])


def admin_add(model: str) -> Callable[[dict[str, Any]], str]:
    return lambda w: reverse(f"admin:quotes_{model}_add")


def admin_change(model: str, key: str) -> Callable[[dict[str, Any]], str]:
    return lambda w: reverse(f"admin:quotes_{model}_change", args=[w[key].pk])


def as_shown(world: dict[str, Any]) -> dict[str, Any]:
    """A change form's base data is what its page shows: nothing to add."""
    return {}


TEXT = "text"
WORKBENCH_TARGETS = [
    Target(
        "import",
        "checker",
        dict,
        lambda w: reverse("quotes:import"),
        lambda w: {"title": "T", "text": "Jane Doe said, “Hello there, friends.”", "save": "1"},
        (
            Field("text", TEXT, required=True),
            Field("title", TEXT, required=True, max_length=300),
            Field("outlet", TEXT, max_length=200),
            Field("url", "url"),
            Field("published", "date", forged=("2022-02-30", "99999-01-01", "0000-00-00")),
            Field("byline", TEXT, max_length=300),
        ),
    ),
    Target(
        "claim_create",
        "checker",
        claim_world,
        lambda w: reverse("quotes:article_claim_create", args=[w["article"].pk]),
        lambda w: {"version": 1, "start": SECOND[0], "end": SECOND[1], "kind": "statement"},
        (
            Field("version", "int", required=True, forged=("0", "1.5")),
            Field("start", "int", required=True, forged=("80", str(SECOND[1]))),
            Field("end", "int", required=True, forged=("10000", "0", str(SECOND[0]))),
            Field("kind", "choice", required=True, forged=("opinion", "QUOTE")),
        ),
    ),
    Target(
        "claim_speaker",
        "checker",
        claim_world,
        claim_url("claim_speaker"),
        lambda w: {"version": 1, "speaker_name": w["claim"].speaker.name},
        (
            Field("version", "int", required=True, forged=("0", "2", "1.0.0")),
            # no letters; a name whose normalised key is longer than its column
            Field("speaker_name", TEXT, max_length=200, forged=("!!!", "\ufdfa" * 20)),
            Field("alias_of", TEXT, max_length=200, forged=("Nobody Known",)),
            Field("kind", "choice", forged=("robot",)),
        ),
    ),
    Target(
        "claim_speaker_create",
        "checker",
        claim_world,
        claim_url("claim_speaker"),
        lambda w: {"version": 1, "speaker_name": "Zoë Núñez", "create": "on", "kind": "person"},
        (
            Field("speaker_name", TEXT, max_length=200, forged=("!!!", "\ufdfa" * 20)),
            Field("kind", "choice", forged=("robot", "organization")),
        ),
    ),
    Target(
        "claim_kind",
        "checker",
        claim_world,
        claim_url("claim_kind"),
        lambda w: {"version": 1, "kind": "quote"},
        (
            Field("version", "int", required=True, forged=("7",)),
            Field("kind", "choice", required=True, forged=("opinion",)),
        ),
    ),
    Target(
        "claim_split",
        "checker",
        claim_world,
        claim_url("claim_split"),
        lambda w: {"version": 1, "at": 10},
        (
            Field("at", "int", required=True, forged=("0", "40", "10000")),
            Field("version", "int", required=True, forged=("2",)),
        ),
    ),
    Target(
        "claim_merge",
        "checker",
        two_claims_world,
        claim_url("claim_merge"),
        lambda w: {"version": 1},
        (Field("version", "int", required=True, forged=("2",)),),
    ),
    Target(
        "claim_evidence",
        "checker",
        claim_world,
        claim_url("claim_evidence"),
        lambda w: {"version": 1, "url": "https://example.org/r", "stance": "disputes"},
        (
            Field("version", "int", required=True, forged=("2", "x")),
            Field("url", "url", required=True),
            Field("stance", "choice", required=True, forged=("agrees", "lies")),
            Field("title", TEXT, max_length=500),
            Field("publisher", TEXT, max_length=200),
            Field("published", "date", forged=("2022-13-01",)),
            Field("excerpt", TEXT),
            Field("note", TEXT),
        ),
    ),
    Target(
        "claim_verdict",
        "checker",
        claim_world,
        claim_url("claim_verdict"),
        lambda w: {
            "version": 0,
            "rating": rating("false").pk,
            "rationale": "Because.",
            "status": "draft",
        },
        (
            Field("rationale", TEXT, required=True),
            Field("version", "int", required=True, forged=("1", "3")),
            # a slug where the form takes a pk
            Field("rating", "fk", required=True, forged=("false", "pants-fire")),
            # publishing is an editor's action, not a value of the form
            Field("status", "choice", required=True, forged=("published", "deleted")),
        ),
    ),
    Target(
        "claim_publish",
        "editor",
        review_world,
        claim_url("claim_publish"),
        lambda w: {"action": "publish", "version": 1},
        (
            Field("action", "choice", required=True, forged=("delete", "approve")),
            Field("version", "int", required=True, forged=("2", "0")),
        ),
    ),
]

ADMIN_TARGETS = [
    Target(
        "admin_article_add",
        "checker",
        dict,
        admin_add("article"),
        lambda w: {"title": "T", "body": "Some body text."},
        (
            Field("body", TEXT, required=True),
            Field("title", TEXT, required=True, max_length=300),
            Field("outlet", TEXT, max_length=200),
            Field("url", "url"),
            Field("published", "date", forged=("2022-02-30",)),
            Field("byline", TEXT, max_length=300),
        ),
        admin=True,
    ),
    Target(
        # an article's details are an editor's; its claims are listed, not edited, here
        "admin_article_change",
        "editor",
        article_change_world,
        admin_change("article", "article"),
        as_shown,
        (
            Field("title", TEXT, required=True, max_length=300),
            Field("url", "url"),
            Field("expected_version", "int", required=True, forged=("0", "x")),
        ),
        admin=True,
    ),
    Target(
        "admin_speaker_add",
        "checker",
        speaker_world,
        admin_add("speaker"),
        lambda w: {"name": "New Person"},
        (
            Field(
                "name",
                TEXT,
                required=True,
                max_length=200,
                # no letters; another speaker's name; a name whose key outgrows its column
                forged=("!!!", "JANE  doe", "\ufdfa" * 20),
            ),
            Field("kind", "choice", required=True, forged=("robot",)),
            Field("role", TEXT, max_length=300),
            Field("party", TEXT, max_length=100),
            Field("state", TEXT, max_length=100),
            Field(
                "aliases-0-alias",
                TEXT,
                max_length=200,
                forged=("john roe", "the minister", "\ufdfa" * 20),
            ),
        ),
        admin=True,
    ),
    Target(
        "admin_speaker_change",
        "checker",
        speaker_world,
        admin_change("speaker", "speaker"),
        as_shown,
        (
            Field("name", TEXT, required=True, max_length=200, forged=("John Roe",)),
            Field("aliases-0-alias", TEXT, required=True, max_length=200, forged=("johnny",)),
            # the id of another speaker's alias
            Field("aliases-0-id", "fk", required=True, forged=("<other-alias>",), droppable=True),
        ),
        admin=True,
    ),
    Target(
        "admin_source_add",
        "checker",
        lambda: {"existing": SourceFactory(url="https://example.org/taken")},
        admin_add("source"),
        lambda w: {"url": "https://example.org/new"},
        (
            Field("url", "url", required=True, forged=("https://example.org/taken",)),
            Field("title", TEXT, max_length=500),
            Field("publisher", TEXT, max_length=200),
            Field("published", "date", forged=("2022-02-30",)),
            Field("archived_url", "url"),
        ),
        admin=True,
    ),
    Target(
        "admin_evidence_add",
        "checker",
        lambda: {"claim": ClaimFactory(), "source": SourceFactory()},
        admin_add("evidence"),
        lambda w: {"claim": w["claim"].pk, "source": w["source"].pk, "stance": "disputes"},
        (
            Field("claim", "fk", required=True),
            Field("source", "fk", required=True),
            Field("stance", "choice", required=True, forged=("agrees",)),
            Field("excerpt", TEXT),
            Field("note", TEXT),
        ),
        admin=True,
    ),
    Target(
        "admin_verdict_add",
        "checker",
        lambda: {"claim": ClaimFactory(), "judged": VerdictFactory().claim},
        admin_add("verdict"),
        lambda w: {
            "claim": w["claim"].pk,
            "rating": rating("false").pk,
            "rationale": "Because.",
            "status": "draft",
        },
        (
            Field("rationale", TEXT, required=True),
            # a claim that already has a verdict
            Field("claim", "fk", required=True, forged=("<judged>",)),
            Field("rating", "fk", required=True, forged=("false",)),
            # publishing is an editor's call: not a value a fact-checker can post
            Field("status", "choice", required=True, forged=("published", "deleted")),
            # no "reviewer": it is read-only to fact-checkers (a posted one is ignored,
            # tests/test_admin.py::test_only_an_editor_names_another_reviewer)
        ),
        admin=True,
    ),
    Target(
        "admin_rating_add",
        "editor",
        dict,
        admin_add("rating"),
        lambda w: {"label": "Sort of", "slug": "sort-of", "colour": "#123456", "order": "9"},
        (
            Field("label", TEXT, required=True, max_length=100, forged=("False",)),
            Field("slug", "slug", required=True, forged=("false", "has space", "a}b{")),
            Field(
                "colour",
                "colour",
                required=True,
                forged=("red", "#12345g", "#123456;}</style>", "#1234567", "#fff"),
            ),
            Field("value", "int", allows=("-1",)),  # a value may be below zero
            Field("order", "int", required=True),
            Field("description", TEXT),
        ),
        admin=True,
    ),
]

TARGETS = WORKBENCH_TARGETS + ADMIN_TARGETS


def forged_value(value: str, world: dict[str, Any]) -> str:
    """Placeholders for ids that exist only once the world is built."""
    if value == "<other>":
        return str(world["other"].pk)
    if value == "<other-alias>":
        return str(SpeakerAlias.objects.get(speaker=world["other"]).pk)
    if value == "<judged>":
        return str(world["judged"].pk)
    return value


def values_for(field: Field, first: bool) -> Iterator[Hostile]:
    for hostile in CORPUS:
        # the 20 MB body is refused before any field is read: once per form is enough
        if hostile.name != "20MB" or first:
            yield hostile
    junk = NUMBER_JUNK if field.kind == "int" else FK_JUNK if field.kind == "fk" else []
    for value in (*field.forged, *junk):
        yield Hostile(f"forged:{value!r}", value)


FIELD_CASES = [
    pytest.param(target, field, n == 0, id=f"{target}-{field.name}")
    for target in TARGETS
    for n, field in enumerate(target.fields)
]


@pytest.fixture
def clients(fact_checker: User, editor: User) -> dict[str, Client]:
    result = {}
    for key, user in (("checker", fact_checker), ("editor", editor)):
        # a crash must come back as a 500 to be reported, not end the loop over values
        client = Client(raise_request_exception=False)
        client.force_login(user)
        result[key] = client
    return result


def build_request(target: Target, clients: dict[str, Client]) -> tuple[Any, str, dict[str, Any]]:
    world = target.setup()
    url = target.url(world)
    data = admin_form_data(clients[target.user], url) if target.admin else {}
    data.update(target.base(world))
    return world, url, data


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_the_untouched_form_is_accepted(target: Target, clients: dict[str, Client]) -> None:
    """The baseline each hostile case starts from is valid: a refusal is the value's doing."""
    _world, url, data = build_request(target, clients)
    response = post_form(clients[target.user], url, data)
    assert response.status_code == 302, (response.status_code, error_text(response))


def judge(target: Target, field: Field, hostile: Hostile, response: Any, before: Any) -> str:
    """What is wrong with how the form answered `hostile` (empty: nothing)."""
    status = response.status_code
    if status >= 500:
        return f"answered {status}"
    refused = status >= 400 or (target.admin and status == 200)
    if must_refuse(field, hostile) and not refused:
        if field.droppable and snapshot() == before:
            return ""  # Django dropped the row whose id was not one of this record's
        return f"accepted ({status})"
    if refused:
        if target.admin and status == 200 and b'class="errornote"' not in response.content:
            return "admin page without an error note"
        if not error_shown(response):
            return f"refused ({status}) without saying why"
        if snapshot() != before:
            return f"refused ({status}) but wrote to the database"
    return ""


@pytest.mark.parametrize(("target", "field", "first"), FIELD_CASES)
def test_the_corpus_in_every_form_field(
    target: Target, field: Field, first: bool, clients: dict[str, Client], huge: str
) -> None:
    """Each value of the corpus, and the field's forgeries, in one field of one form."""
    world, url, data = build_request(target, clients)
    client = clients[target.user]
    before = snapshot()
    problems = []
    for hostile in values_for(field, first):
        if hostile.name.startswith("forged:"):
            value: str | bytes = forged_value(str(hostile.value), world)
        else:
            value = resolve(hostile.value, huge)
        client.cookies.pop("messages", None)
        # each value starts from `before`: what an accepted one wrote is rolled back
        with transaction.atomic():
            response = post_form(client, url, {**data, field.name: value})
            problem = judge(target, field, hostile, response, before)
            transaction.set_rollback(True)
        if problem:
            problems.append(f"{hostile}: {problem} {error_text(response)[:120]}")
    assert not problems, "\n".join(problems)


# -- uploads ---------------------------------------------------------------------------------

UPLOAD_ACCEPTS = {"long-line", "html", "javascript-url", "data-url"}


@pytest.mark.parametrize("hostile", CORPUS, ids=str)
def test_the_corpus_as_an_uploaded_file(
    checker_client: Client, hostile: Hostile, huge: str
) -> None:
    content = as_bytes(resolve(hostile.value, huge))
    upload = SimpleUploadedFile("article.txt", content, content_type="text/plain")
    before = snapshot()
    response = checker_client.post(
        reverse("quotes:import"), {"title": "Upload", "file": upload, "save": "1"}
    )
    if hostile.name in UPLOAD_ACCEPTS:
        assert response.status_code == 302
        assert Article.objects.get().body == content.decode()
    else:
        assert response.status_code == 400
        assert response.context["form"].errors["file"]
        assert_unchanged(before)


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("article.exe", "Jane Doe said, “Hi there.”".encode(), False),
        ("no-suffix", b"Jane Doe said hi.", False),
        (".txt", b"Jane Doe said hi.", False),  # a dot file has no suffix
        ("article.txt.php", b"<?php system($_GET['c']); ?>", False),
        ("article.html", b"<html><body><script>alert(1)</script></body></html>", False),
        ("article.html", b"<html><body><p>caf\xe9</p></body></html>", False),
        ("article.htm", b"\x00<html>", False),
        ("article.md", b"\xef\xbb\xbf", False),  # a byte-order mark and nothing else
        ("article.txt", "Jane Doe said hi.".encode("utf-16"), False),
        ("article.txt", gzip.compress(b"Jane Doe said hi.", mtime=0), False),
        ("article.txt", b"Jane Doe said \xe2\x80", False),  # cut inside a character
        ("../../../etc/passwd.txt", b"Jane Doe said hi.", True),  # the path is dropped
        ("REPORT.TXT", b"Jane Doe said hi.", True),
        ('a"b<script>.txt', b"Jane Doe said hi.", True),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_hostile_file_names_and_formats(
    checker_client: Client, name: str, content: bytes, accepted: bool
) -> None:
    before = snapshot()
    upload = SimpleUploadedFile(name, content)
    response = checker_client.post(
        reverse("quotes:import"), {"title": "Upload", "file": upload, "save": "1"}
    )
    if accepted:
        assert response.status_code == 302
    else:
        assert response.status_code == 400
        assert error_shown(response)
        assert_unchanged(before)


def test_a_20mb_upload_beside_a_20mb_field_is_refused(checker_client: Client, huge: str) -> None:
    before = snapshot()
    upload = SimpleUploadedFile("big.txt", huge.encode())
    response = checker_client.post(
        reverse("quotes:import"), {"title": "Big", "file": upload, "outlet": huge}
    )
    assert response.status_code == 400
    assert_unchanged(before)


# -- offsets and ids ---------------------------------------------------------------------------

S, E = (str(n) for n in SECOND)
OFFSETS = [
    ("reversed", E, S),
    ("equal", S, S),
    ("past-the-end", S, str(len(BODY) + 1)),
    ("far-past-the-end", "10000", "20000"),
    ("negative", "-5", "10"),
    ("both-negative", "-10", "-5"),
    ("huge", "9" * 30, "9" * 31),
    ("non-numeric", "abc", "def"),
    ("float", f"{S}.5", f"{E}.5"),
    ("exponent", "5e1", "6e1"),
    ("hex", "0x32", "0x3c"),
    ("unicode-digits", "٥٠", "²"),
    ("empty", "", ""),
    ("nul", f"{S}\x00", f"{E}\x00"),
    ("only-white-space", str(SECOND[0] - 1), S),  # the space between the sentences
    ("overlapping", "0", "40"),  # exactly the existing claim
]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_bad_offsets_create_no_claim(checker_client: Client, htmx: bool) -> None:
    world = claim_world()
    url = reverse("quotes:article_claim_create", args=[world["article"].pk])
    before = snapshot()
    problems = []
    for name, start, end in OFFSETS:
        data = {"start": start, "end": end, "kind": "statement"}
        response = post_form(checker_client, url, data, **(HTMX if htmx else {}))
        if response.status_code != 400 or not error_shown(response):
            problems.append(f"{name}: {response.status_code}")
    assert not problems, problems
    assert_unchanged(before)


def int_routes() -> Iterator[tuple[str, URLPattern]]:
    def walk(patterns: list[Any], namespace: str | None) -> Iterator[tuple[str, URLPattern]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in ("quotes", "reports"):
                    yield from walk(entry.url_patterns, entry.namespace)
            elif namespace and entry.name and "pk" in entry.pattern.converters:
                yield f"{namespace}:{entry.name}", entry

    yield from walk(get_resolver().url_patterns, None)


@pytest.mark.parametrize("pk", [999_999, 10**30], ids=["missing", "beyond-bigint"])
def test_unknown_ids_in_every_url_are_404(editor_client: Client, pk: int) -> None:
    VerdictFactory(published=True)
    before = snapshot()
    routes = list(int_routes())
    assert len(routes) >= 12
    for name, pattern in routes:
        kwargs: dict[str, Any] = {"pk": pk}
        if "fmt" in pattern.pattern.converters:
            kwargs["fmt"] = "csv"
        if "evidence_pk" in pattern.pattern.converters:
            kwargs["evidence_pk"] = pk
        url = reverse(name, kwargs=kwargs)
        for method in ("get", "post"):
            response = getattr(editor_client, method)(url, {"version": 1, "action": "publish"})
            assert response.status_code in (404, 405), (name, method, response.status_code)
    assert_unchanged(before)


def test_bad_claim_ids_in_the_workbench_url_open_no_panel(checker_client: Client) -> None:
    world = claim_world()
    other = ClaimFactory()
    url = world["article"].get_absolute_url()
    for value in ["²", "١", "9" * 40, "-1", "1.0", "abc", "\x00", " 1", str(other.pk)]:
        response = checker_client.get(url, {"claim": value})
        assert response.status_code == 200, value
        assert b'class="claim-panel"' not in response.content, value


# (route, parameter, whether any value is fine: free text and page numbers)
GET_PARAMETERS = [
    ("quotes:claims", "q", True),
    ("quotes:claims", "article", False),
    ("quotes:claims", "speaker", False),
    ("quotes:claims", "kind", False),
    ("quotes:claims", "has_evidence", True),  # "Any" for what it cannot read
    ("quotes:claims", "stance", False),
    ("quotes:claims", "rating", False),
    ("quotes:claims", "status", False),
    ("quotes:claims", "reviewer", False),
    ("quotes:claims", "date_after", False),
    ("quotes:claims", "page", True),
    ("quotes:speakers", "q", True),
    ("quotes:speakers", "page", True),
    ("quotes:speaker_search", "q", True),
    ("quotes:dashboard", "page", True),
    ("reports:claims_export", "rating", False),
    ("reports:claims_export", "q", True),
]


@pytest.mark.parametrize(
    ("route", "param", "lenient"), GET_PARAMETERS, ids=[f"{r}-{p}" for r, p, _ in GET_PARAMETERS]
)
def test_the_corpus_in_every_query_parameter(
    checker_client: Client, route: str, param: str, lenient: bool
) -> None:
    """Filters refuse what they cannot use with a 400; free text and page numbers never fail."""
    ClaimFactory()
    url = reverse(route, args=["csv"]) if route.startswith("reports:") else reverse(route)
    before = snapshot()
    problems = []
    for hostile in CORPUS:
        if hostile.value is HUGE:
            continue  # no URL is 20 MB long
        response = checker_client.get(f"{url}?{param}={quote(hostile.value)}")
        expected = {200, 400} if lenient or hostile.name in ("empty", "whitespace") else {400}
        if response.status_code not in expected:
            problems.append(f"{hostile}: {response.status_code}")
    assert not problems, problems
    assert_unchanged(before)


# -- the admin beyond its forms ----------------------------------------------------------------

FORGED_SELECTIONS = [["abc"], ["1.5"], ["9" * 30], ["²"], ["-1"], ["\x00"], ["1", "abc"], [""]]


@pytest.mark.parametrize(
    ("model", "action"),
    [
        ("speaker", "merge_speakers"),
        ("speaker", "delete_selected"),
        ("verdict", "publish_verdicts"),
        ("verdict", "unpublish_verdicts"),
        ("article", "delete_selected"),
        ("claim", "delete_selected"),
        ("source", "delete_selected"),
        ("evidence", "delete_selected"),
        ("rating", "delete_selected"),
    ],
)
def test_admin_actions_with_forged_selections(
    editor_client: Client, model: str, action: str
) -> None:
    EvidenceFactory(claim=VerdictFactory(status=Verdict.Status.IN_REVIEW).claim)
    SpeakerFactory()
    url = reverse(f"admin:quotes_{model}_changelist")
    before = snapshot()
    for selected in FORGED_SELECTIONS:
        response = post_form(editor_client, url, {"action": action, "_selected_action": selected})
        assert response.status_code in (200, 302), (selected, response.status_code)
    assert_unchanged(before)


@pytest.mark.parametrize("target", ["<outsider>", "abc", "9" * 30, ""], ids=repr)
def test_merging_into_a_speaker_outside_the_selection_is_refused(
    editor_client: Client, target: str
) -> None:
    keep, other, outsider = SpeakerFactory(), SpeakerFactory(), SpeakerFactory()
    ClaimFactory(speaker=other)
    before = snapshot()
    response = post_form(
        editor_client,
        reverse("admin:quotes_speaker_changelist"),
        {
            "action": "merge_speakers",
            "_selected_action": [keep.pk, other.pk],
            "apply": "1",
            "target": str(outsider.pk) if target == "<outsider>" else target,
        },
    )
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert_unchanged(before)


@pytest.mark.parametrize(
    ("model", "field"), [("claim", "speaker"), ("evidence", "source"), ("article", "nothing")]
)
def test_admin_autocomplete_with_hostile_terms(
    checker_client: Client, model: str, field: str
) -> None:
    SpeakerFactory(name="Jane Doe")
    SourceFactory()
    url = reverse("admin:autocomplete")
    for term in ["a\x00b", "\x00", "x" * 60_000, "<script>", "%", "_", "\\"]:
        query = {"term": term, "app_label": "quotes", "model_name": model, "field_name": field}
        response = checker_client.get(url, query)
        assert response.status_code in (200, 403), (term[:10], response.status_code)
        if response.status_code == 200:
            assert isinstance(response.json()["results"], list)


@pytest.mark.parametrize("model", ["article", "claim", "speaker", "source", "evidence", "verdict"])
def test_admin_change_lists_with_hostile_parameters(checker_client: Client, model: str) -> None:
    EvidenceFactory()
    url = reverse(f"admin:quotes_{model}_changelist")
    before = snapshot()
    for query in [
        "q=a%00b",
        "q=" + "x" * 60_000,
        "q=%ff%fe",
        "kind=robot",
        "stance=lies",
        "verdict__rating__id__exact=abc",
        "claim__id__exact=" + "9" * 30,
        "o=99",
        "o=abc",
        "p=-1",
        "p=abc",
        "created__gte=yesterday",
        "_to_field=password",
        "e=1",
    ]:
        response = checker_client.get(f"{url}?{query}")
        assert response.status_code in (200, 302, 400), (query[:30], response.status_code)
    assert_unchanged(before)


@pytest.mark.parametrize(
    "model", ["article", "claim", "speaker", "source", "evidence", "verdict", "rating"]
)
def test_admin_pages_of_records_that_do_not_exist(editor_client: Client, model: str) -> None:
    before = snapshot()
    for pk in ["999999", "abc", "9" * 30, "-1", "%00"]:
        for page in ("change", "delete", "history", "history/abc", "history/1"):
            url = reverse(f"admin:quotes_{model}_changelist") + f"{pk}/{page}/"
            for method in ("get", "post"):
                response = getattr(editor_client, method)(url)
                assert response.status_code in (302, 404), (pk, page, method)
    assert_unchanged(before)


def test_claims_cannot_be_added_in_the_admin(editor_client: Client) -> None:
    """Claims are spans of an article body: made by import or by selecting text."""
    article = ArticleFactory()
    before = snapshot()
    url = reverse("admin:quotes_claim_add")
    assert editor_client.get(url).status_code == 403
    response = post_form(
        editor_client,
        url,
        {"article": article.pk, "kind": "quote", "position": 1, "context": "", "subjects": ""},
    )
    assert response.status_code == 403
    assert_unchanged(before)


def test_a_claim_cannot_be_moved_to_another_article_in_the_admin(editor_client: Client) -> None:
    claim = ClaimFactory()
    other = ArticleFactory(body="Short.")
    url = reverse("admin:quotes_claim_change", args=[claim.pk])
    data = admin_form_data(editor_client, url)
    data["article"] = other.pk
    response = post_form(editor_client, url, data)
    assert response.status_code in (200, 302)
    claim.refresh_from_db()
    assert claim.article_id != other.pk


def test_a_verdict_cannot_be_moved_to_another_claim_in_the_admin(editor_client: Client) -> None:
    verdict = VerdictFactory()
    other = ClaimFactory()
    url = reverse("admin:quotes_verdict_change", args=[verdict.pk])
    data = admin_form_data(editor_client, url)
    data["claim"] = other.pk
    post_form(editor_client, url, data)
    verdict.refresh_from_db()
    assert verdict.claim_id != other.pk


def test_two_aliases_with_the_same_key_in_one_save_are_refused(editor_client: Client) -> None:
    url = reverse("admin:quotes_speaker_add")
    data = admin_form_data(editor_client, url)
    data.update(
        {
            "name": "National Council of Resistance of Iran",
            "aliases-TOTAL_FORMS": "2",
            "aliases-0-alias": "NCRI",
            "aliases-1-alias": "the ncri.",
        }
    )
    before = snapshot()
    response = post_form(editor_client, url, data)
    assert response.status_code == 200
    assert b'class="errornote"' in response.content
    assert_unchanged(before)


def test_admin_article_body_is_held_to_the_import_limit(
    editor_client: Client, settings: Any
) -> None:
    settings.MAX_ARTICLE_CHARS = 1000
    url = reverse("admin:quotes_article_add")
    data = admin_form_data(editor_client, url)
    data.update({"title": "Long", "body": "word " * 400})
    before = snapshot()
    response = post_form(editor_client, url, data)
    assert response.status_code == 200
    assert "limit is 1,000 characters" in response.content.decode()
    assert_unchanged(before)


def test_admin_article_body_stores_browser_line_breaks_as_the_page_shows_them(
    editor_client: Client,
) -> None:
    url = reverse("admin:quotes_article_add")
    data = admin_form_data(editor_client, url)
    data.update({"title": "CRLF", "body": "One.\r\n\r\nTwo."})
    assert post_form(editor_client, url, data).status_code == 302
    assert Article.objects.get().body == "One.\n\nTwo."


@pytest.mark.parametrize("change", ["status", "rationale"])
def test_a_fact_checker_cannot_change_a_published_verdict_in_the_admin(
    checker_client: Client, change: str
) -> None:
    verdict = VerdictFactory(published=True)
    before = snapshot()
    url = reverse("admin:quotes_verdict_change", args=[verdict.pk])
    page = checker_client.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # shown read-only
    data = {
        "claim": verdict.claim_id,
        "rating": rating("true").pk,
        "rationale": "Rewritten after publication." if change == "rationale" else verdict.rationale,
        "status": "draft" if change == "status" else "published",
        "reviewer": "",
    }
    response = post_form(checker_client, url, data)
    assert response.status_code == 403
    assert_unchanged(before)


def test_a_fact_checker_cannot_change_a_published_verdict_through_the_claim_admin(
    checker_client: Client,
) -> None:
    verdict = VerdictFactory(published=True)
    url = reverse("admin:quotes_claim_change", args=[verdict.claim_id])
    data = admin_form_data(checker_client, url)
    # forge the inline fields the read-only page no longer offers
    data.update(
        {
            "verdict-TOTAL_FORMS": "1",
            "verdict-INITIAL_FORMS": "1",
            "verdict-0-id": verdict.pk,
            "verdict-0-claim": verdict.claim_id,
            "verdict-0-rating": rating("true").pk,
            "verdict-0-rationale": "Rewritten after publication.",
            "verdict-0-reviewer": "",
        }
    )
    post_form(checker_client, url, data)
    verdict.refresh_from_db()
    assert verdict.rationale != "Rewritten after publication."
    assert verdict.rating.slug != "true"
    assert verdict.status == Verdict.Status.PUBLISHED


def test_an_editor_unpublishes_a_published_verdict_before_editing_it(
    editor_client: Client,
) -> None:
    verdict = VerdictFactory(published=True)
    url = reverse("admin:quotes_verdict_change", args=[verdict.pk])
    data = admin_form_data(editor_client, url)
    data["rationale"] = "Corrected by the editor."
    post_form(editor_client, url, data)  # the published text is read-only, for everyone
    verdict.refresh_from_db()
    assert verdict.is_published and verdict.rationale != "Corrected by the editor."
    response = post_form(editor_client, url, {**data, "_unpublish": "1", "reason": "Wrong year."})
    assert response.status_code == 302
    data = admin_form_data(editor_client, url)
    data["rationale"] = "Corrected by the editor."
    assert post_form(editor_client, url, data).status_code == 302
    verdict.refresh_from_db()
    assert verdict.rationale == "Corrected by the editor." and verdict.status == "review"


def test_a_fact_checker_still_edits_a_draft_in_the_admin(checker_client: Client) -> None:
    verdict = VerdictFactory()
    url = reverse("admin:quotes_verdict_change", args=[verdict.pk])
    data = admin_form_data(checker_client, url)
    data.update({"rationale": "Better reasoning.", "status": "review"})
    assert post_form(checker_client, url, data).status_code == 302
    verdict.refresh_from_db()
    assert verdict.rationale == "Better reasoning." and verdict.status == "review"


# -- javascript: and data: URLs everywhere a URL is stored -------------------------------------

BAD_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript://example.org/%0Aalert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.org/file",
    "http://",
    "https://exa mple.org/",
    "https://example.org/\x00",
    "<script>alert(1)</script>",
    "https://example.org/" + "a" * 2000,
]
URL_FIELDS = [
    ("admin_source_add", "url"),
    ("admin_source_add", "archived_url"),
    ("admin_article_add", "url"),
    ("admin_article_change", "url"),
    ("import", "url"),
    ("claim_evidence", "url"),
]


@pytest.mark.parametrize(
    ("target_name", "field"), URL_FIELDS, ids=[f"{t}-{f}" for t, f in URL_FIELDS]
)
def test_only_web_addresses_are_stored(
    clients: dict[str, Client], target_name: str, field: str
) -> None:
    target = next(t for t in TARGETS if t.name == target_name)
    _world, post_url, data = build_request(target, clients)
    before = snapshot()
    for url in BAD_URLS:
        response = post_form(clients[target.user], post_url, {**data, field: url})
        assert response.status_code in (200, 400), (url, response.status_code)
        assert error_shown(response), url
    assert_unchanged(before)


def test_the_import_command_refuses_scripted_urls(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Jane Doe said, “Hello there.”", encoding="utf-8")
    before = snapshot()
    for url in BAD_URLS:
        with pytest.raises(CommandError):
            run("import_article", str(path), "--url", url)
    assert_unchanged(before)


def assert_only_web_urls() -> None:
    stored = [
        *Article.objects.values_list("url", flat=True),
        *Source.objects.values_list("url", flat=True),
        *Source.objects.values_list("archived_url", flat=True),
    ]
    assert all(u == "" or re.fullmatch(r"https?://\S+", u) for u in stored), stored


def test_claimreview_import_drops_scripted_urls(tmp_path: Path) -> None:
    reviews = [
        {
            "@type": "ClaimReview",
            "url": bad,
            "claimReviewed": f"Claim number {n}.",
            "reviewRating": {"alternateName": "False"},
            "itemReviewed": {"appearance": [{"url": bad}], "url": bad},
        }
        for n, bad in enumerate(BAD_URLS)
    ]
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps(reviews), encoding="utf-8")
    run("import_claimreview", str(path))
    assert Claim.objects.count() == len(BAD_URLS)
    assert_only_web_urls()


def test_a_backup_with_scripted_urls_is_not_restored(tmp_path: Path) -> None:
    created = "2024-01-01T00:00:00Z"
    backup = tmp_path / "backup.json"
    records = [
        {
            "model": "quotes.source",
            "pk": 1,
            "fields": {"url": "javascript:alert(1)", "title": "x", "created": created},
        },
        {
            "model": "quotes.article",
            "pk": 1,
            "fields": {
                "title": "x",
                "body": "Text.",
                "url": "data:text/html,<script>alert(1)</script>",
                "created": created,
            },
        },
    ]
    backup.write_text(json.dumps(records), encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError, match="http"):
        run("import_all", str(backup))
    assert_unchanged(before)


# -- management commands -----------------------------------------------------------------------

# command -> (file name, corpus values it imports: an article may say anything)
IMPORTERS = {
    "import_article": ("article.txt", {"long-line", "html", "javascript-url", "data-url"}),
    "import_liar": ("liar.tsv", set()),
    "import_claimreview": ("reviews.json", set()),
    "import_all": ("backup.json", set()),
}


@pytest.fixture(scope="module")
def huge_file(tmp_path_factory: pytest.TempPathFactory, huge: str) -> Path:
    path = tmp_path_factory.mktemp("huge") / "huge.json"
    path.write_text(huge, encoding="ascii")
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("command", list(IMPORTERS))
def test_the_corpus_as_a_file_for_every_importer(
    tmp_path: Path, command: str, huge_file: Path
) -> None:
    name, accepts = IMPORTERS[command]
    problems = []
    for hostile in CORPUS:
        if hostile.value is HUGE:
            path = huge_file
        else:
            path = tmp_path / name
            path.write_bytes(as_bytes(hostile.value))
        with transaction.atomic():
            before = snapshot()
            try:
                run(command, str(path))
            except CommandError:
                if snapshot() != before:
                    problems.append(f"{hostile}: refused but wrote to the database")
            else:
                if hostile.name not in accepts:
                    problems.append(f"{hostile}: accepted")
            transaction.set_rollback(True)
    assert not problems, problems


def truncated(path: Path, fraction: float = 0.5) -> bytes:
    data = path.read_bytes()
    return data[: int(len(data) * fraction)]


def deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


LIAR = FIXTURES / "liar_sample.tsv"
CLAIMREVIEW = FIXTURES / "claimreview_quirks.json"
BAD_FILES = [
    ("import_article", "utf16", "Jane Doe said, “Hi there.”".encode("utf-16")),
    ("import_article", "gzip", gzip.compress(b"Jane Doe said hi.", mtime=0)),
    ("import_article", "cut-character", b"Jane Doe said \xe2\x80"),
    ("import_article", "bom-only", b"\xef\xbb\xbf"),
    ("import_article", "line-breaks-only", b"\r\n\r\n\n"),
    ("import_article", "latin1", "Zoë said, «Bonjour».".encode("latin-1")),
    ("import_liar", "truncated", truncated(LIAR, 0.4)),
    ("import_liar", "json", CLAIMREVIEW.read_bytes()),
    ("import_liar", "csv", LIAR.read_bytes().replace(b"\t", b",")),
    ("import_liar", "header-only", b"id\tlabel\tstatement\tsubjects\tspeaker\tspeaker_job_title\n"),
    ("import_liar", "utf16", LIAR.read_text("utf-8").encode("utf-16")),
    ("import_liar", "cut-character", LIAR.read_bytes()[:-1] + b"\xc3"),
    ("import_claimreview", "truncated", truncated(CLAIMREVIEW)),
    ("import_claimreview", "tsv", LIAR.read_bytes()),
    ("import_claimreview", "deep-nesting", deep(100_000)),
    ("import_claimreview", "nesting-past-recursion", deep(5_000)),
    ("import_claimreview", "nesting-just-inside-json", deep(900)),
    ("import_claimreview", "string", b'"ClaimReview"'),
    ("import_claimreview", "number", b"42"),
    ("import_claimreview", "null", b"null"),
    ("import_claimreview", "nan", b"[NaN, Infinity]"),
    ("import_claimreview", "graph-of-junk", b'{"@graph": [1, "x", null, {"@graph": 5}]}'),
    ("import_claimreview", "utf16", '[{"@type": "ClaimReview"}]'.encode("utf-16")),
    ("import_all", "truncated", b'[{"model": "quotes.rating", "fields": {"label": "X'),
    ("import_all", "deep-nesting", deep(100_000)),
    ("import_all", "nesting-past-recursion", deep(5_000)),
    ("import_all", "nesting-just-inside-json", deep(900)),
    ("import_all", "empty-list", b"[]"),
    ("import_all", "claimreview", CLAIMREVIEW.read_bytes()),
    ("import_all", "list-of-junk", b'[1, "x", null]'),
    ("import_all", "utf16", "[]".encode("utf-16")),
    ("import_all", "missing-model", b'[{"pk": 1, "fields": {}}]'),
]


@pytest.mark.parametrize(
    ("command", "content"),
    [(c, data) for c, _, data in BAD_FILES],
    ids=[f"{c}-{name}" for c, name, _ in BAD_FILES],
)
def test_importers_refuse_truncated_and_wrong_format_files(
    tmp_path: Path, command: str, content: bytes
) -> None:
    path = tmp_path / IMPORTERS[command][0]
    path.write_bytes(content)
    before = snapshot()
    with pytest.raises(CommandError):
        run(command, str(path))
    assert_unchanged(before)


@pytest.mark.parametrize("command", list(IMPORTERS))
def test_importers_refuse_paths_that_are_not_files(tmp_path: Path, command: str) -> None:
    before = snapshot()
    for path in [
        str(tmp_path / "nope" / "missing.txt"),
        str(tmp_path),  # a directory
        "",
        str(tmp_path / "a\x00b.txt"),
        "/dev/null",
    ]:
        with pytest.raises(CommandError):
            run(command, path)
    assert_unchanged(before)


@pytest.mark.parametrize(
    "options",
    [
        ["--published", "2022-02-30"],
        ["--published", "tomorrow"],
        ["--published", "\x00"],
        ["--url", "https://example.org/" + "a" * 2000],
    ],
    ids=lambda o: repr(o)[:40],
)
def test_import_article_refuses_bad_options(tmp_path: Path, options: list[str]) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Jane Doe said, “Hello there.”", encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError):
        run("import_article", str(path), *options)
    assert_unchanged(before)


@pytest.mark.parametrize(
    "review",
    [
        {"claimReviewed": "a\u0000b"},  # NUL inside a JSON string
        {"author": {"name": "Checker " * 200}},  # longer than any column
        {"itemReviewed": {"author": {"name": "\ufdfa" * 30}}},  # a key longer than its column
        {"claimReviewed": "x" * 400_000},
        {"reviewRating": {"alternateName": "<script>alert(1)</script>" * 10}},
    ],
    ids=["nul", "long-author", "expanding-speaker", "long-claim", "script-label"],
)
def test_claimreview_values_that_do_not_fit_never_crash(
    tmp_path: Path, review: dict[str, Any]
) -> None:
    base = {
        "@type": "ClaimReview",
        "url": "https://checker.example.org/r",
        "claimReviewed": "The claim.",
        "reviewRating": {"alternateName": "False"},
    }
    path = tmp_path / "r.json"
    path.write_text(json.dumps([{**base, **review}]), encoding="utf-8")
    before = snapshot()
    try:
        run("import_claimreview", str(path))
    except CommandError:
        assert_unchanged(before)
    else:
        assert "\x00" not in Claim.objects.get().exact
        assert_stored_values_fit()


@pytest.mark.parametrize("speaker", ["\ufdfa" * 30, "a-" * 200], ids=["expanding", "long"])
def test_liar_speakers_that_do_not_fit_stay_unattributed(tmp_path: Path, speaker: str) -> None:
    row = [
        "1.json",
        "false",
        "The claim.",
        "economy",
        speaker,
        "",
        "",
        "",
        "0",
        "0",
        "0",
        "0",
        "0",
        "",
    ]
    path = tmp_path / "liar.tsv"
    path.write_text("\t".join(row) + "\n", encoding="utf-8")
    run("import_liar", str(path))
    assert Claim.objects.get().speaker is None
    assert_stored_values_fit()


def assert_stored_values_fit() -> None:
    """Every stored CharField value fits its column (SQLite does not enforce the length)."""
    for model in (*MODELS, Rating):
        for field in model._meta.concrete_fields:
            max_length = getattr(field, "max_length", None)
            if not max_length or field.is_relation:
                continue
            for value in model.objects.values_list(field.attname, flat=True):
                assert value is None or len(str(value)) <= max_length, (model, field.name)


@pytest.mark.parametrize(
    "args",
    [
        ["abc"],
        ["-5"],
        ["999999"],
        ["9" * 30],
        ["1.5"],
        ["<id>", "--format", "exe"],
        ["<id>", "--format", "pdf"],  # binary, to a terminal
        ["<id>", "-o", "<tmp>/missing/dir/report.html"],
        ["<id>", "-o", "<tmp>"],  # a directory
        ["<id>", "-o", "<tmp>/a\x00b.html"],
        [],
    ],
    ids=lambda a: repr(a)[:40],
)
def test_export_report_refuses_bad_arguments(tmp_path: Path, args: list[str]) -> None:
    article = ClaimFactory().article
    args = [a.replace("<id>", str(article.pk)).replace("<tmp>", str(tmp_path)) for a in args]
    before = snapshot()
    with pytest.raises(CommandError):
        run("export_report", *args)
    assert_unchanged(before)
    assert not list(tmp_path.glob("**/*.partial"))


def test_export_all_refuses_places_it_cannot_write(tmp_path: Path) -> None:
    ClaimFactory()
    for path in [
        str(tmp_path / "missing" / "backup.json"),
        str(tmp_path),  # a directory
        str(tmp_path / "a\x00b.json"),
    ]:
        with pytest.raises(CommandError):
            run("export_all", path)


# -- escaping: markup saved through the real forms ---------------------------------------------


def payload(tag: str) -> str:
    return f'{tag}</script><script>alert("{tag}")</script>"><img src=x onerror=alert("{tag}")>'


FORMULA = '=HYPERLINK("http://evil.example","x")'
MD_LINK = "[click](javascript:alert(1))"


@pytest.fixture
def xss(clients: dict[str, Client]) -> dict[str, Any]:
    """An article, speaker, alias, source, rating and published verdict full of markup,
    all entered through the workbench and admin forms as users would."""
    checker, boss = clients["checker"], clients["editor"]
    body = (
        f"{payload('body')} {MD_LINK}. "
        f"Jane Doe said, “{payload('quote')} is true.” The end of the story."
    )
    response = post_form(
        checker,
        reverse("quotes:import"),
        {
            "title": FORMULA + payload("title"),
            "outlet": payload("outlet"),
            "byline": payload("byline"),
            "url": "https://news.example.org/a?x=%22%3E%3Cscript%3E",
            "text": body,
            "save": "1",
        },
    )
    assert response.status_code == 302, error_text(response)
    article = Article.objects.get()
    claim = next(c for c in article.claims.order_by("start") if "body" in c.exact)

    def version() -> int:
        return Claim.objects.get(pk=claim.pk).version

    speaker_url = reverse("quotes:claim_speaker", args=[claim.pk])
    for data in (
        {"speaker_name": payload("speaker"), "create": "on", "kind": "person"},
        {"speaker_name": payload("alias"), "alias_of": payload("speaker")},
    ):
        response = post_form(checker, speaker_url, {"version": version(), **data})
        assert response.status_code == 302, error_text(response)
    response = post_form(
        checker,
        reverse("quotes:claim_evidence", args=[claim.pk]),
        {
            "url": 'https://example.org/r?a="><script>alert(1)</script>',
            "title": payload("source"),
            "publisher": payload("publisher"),
            "excerpt": payload("excerpt") + " " + MD_LINK,
            "note": payload("note"),
            "stance": "disputes",
            "version": version(),
        },
    )
    assert response.status_code == 302, error_text(response)
    url = reverse("admin:quotes_rating_add")
    data = admin_form_data(boss, url)
    data.update(
        {
            "label": payload("rating"),
            "slug": "xss-rating",
            "colour": "#123456",
            "order": "99",
            "description": payload("description"),
        }
    )
    response = post_form(boss, url, data)
    assert response.status_code == 302, error_text(response)
    new_rating = Rating.objects.get(slug="xss-rating")
    response = post_form(
        checker,
        reverse("quotes:claim_verdict", args=[claim.pk]),
        {
            "version": 0,
            "rating": new_rating.pk,
            "rationale": payload("rationale") + "\n\n" + MD_LINK,
            "status": "review",
        },
    )
    assert response.status_code == 302, error_text(response)
    response = post_form(
        boss, reverse("quotes:claim_publish", args=[claim.pk]), {"action": "publish", "version": 1}
    )
    assert response.status_code == 302, error_text(response)
    claim.refresh_from_db()
    speaker = Speaker.objects.get(name=payload("speaker"))
    assert claim.speaker == speaker and speaker.aliases.get().alias == payload("alias")
    return {
        "article": article,
        "claim": claim,
        "speaker": speaker,
        "verdict": claim.verdict,
        "evidence": claim.evidence.get(),
        "source": claim.evidence.get().source,
        "rating": new_rating,
    }


def escaped(tag: str) -> str:
    return f"&lt;script&gt;alert(&quot;{tag}&quot;)&lt;/script&gt;"


def inert_html_problems(html: str, tags: tuple[str, ...]) -> list[str]:
    """What of the payloads became markup, and which tagged payloads are not shown escaped."""
    problems = []
    page = BeautifulSoup(html, "html.parser")
    for script in page.find_all("script"):
        if script.get("type") == "application/ld+json":
            try:
                json.loads(script.string or "")
            except ValueError:  # a "</script>" inside would have cut the block short
                problems.append("JSON-LD block cut short")
        elif "alert(" in (script.string or ""):
            problems.append(f"live script: {script}")
    for element in page.find_all(True):
        for name, value in element.attrs.items():
            if name.lower().startswith("on"):
                problems.append(f"event handler: {element.name} {name}")
            if name in ("href", "src", "action", "formaction"):
                target = "".join(str(value).split()).lower()
                if target.startswith(("javascript:", "data:", "vbscript:")):
                    problems.append(f"scripted link: {element.name} {name}={value}")
    if page.find("img", src="x"):
        problems.append("live <img src=x>")
    problems += [f"{tag} not shown escaped" for tag in tags if escaped(tag) not in html]
    return problems


PAGES: list[tuple[str, Callable[[dict[str, Any]], str], tuple[str, ...]]] = [
    ("dashboard", lambda w: reverse("quotes:dashboard"), ("title", "outlet")),
    ("workbench", lambda w: w["article"].get_absolute_url(), ("title", "outlet", "byline")),
    (
        "workbench with the claim open",
        lambda w: f"{w['article'].get_absolute_url()}?claim={w['claim'].pk}",
        ("speaker", "source", "publisher", "excerpt", "rationale"),
    ),
    (
        "claim page",
        lambda w: w["claim"].get_absolute_url(),
        ("title", "body", "speaker", "source", "excerpt", "rationale"),
    ),
    ("claims", lambda w: reverse("quotes:claims"), ("title", "body")),
    ("claims search", lambda w: reverse("quotes:claims") + "?q=" + quote(payload("q")), ()),
    ("speakers", lambda w: reverse("quotes:speakers"), ("speaker",)),
    ("speakers search", lambda w: reverse("quotes:speakers") + "?q=" + quote(payload("q")), ()),
    ("speaker", lambda w: w["speaker"].get_absolute_url(), ("speaker", "alias", "title")),
    (
        "public verdict",
        lambda w: w["verdict"].get_public_url(),
        ("title", "body", "speaker", "source", "excerpt", "rationale"),
    ),
    (
        "article report",
        lambda w: reverse("reports:article_export", args=[w["article"].pk, "html"]),
        ("title", "outlet", "byline", "body", "speaker", "source", "publisher", "excerpt"),
    ),
    (
        "claims report",
        lambda w: reverse("reports:claims_export", args=["html"]),
        ("title", "body", "speaker", "rationale"),
    ),
    (
        "claims report with a filter",
        lambda w: reverse("reports:claims_export", args=["html"]) + "?q=" + quote(payload("q")),
        ("q",),
    ),
]


def test_saved_markup_is_escaped_on_every_page(xss: dict[str, Any], editor_client: Client) -> None:
    problems = []
    for name, url, tags in PAGES:
        response = editor_client.get(url(xss))
        assert response.status_code == 200, name
        # reports stream (flat memory), pages do not: read either whole
        body = b"".join(response.streaming_content) if response.streaming else response.content
        problems += [f"{name}: {p}" for p in inert_html_problems(body.decode(), tags)]
    response = editor_client.get(
        reverse("quotes:claim", args=[xss["claim"].pk]), {"workbench": "1"}, **HTMX
    )
    tags = ("speaker", "source", "excerpt", "rationale")
    problems += [f"htmx panel: {p}" for p in inert_html_problems(response.content.decode(), tags)]
    assert not problems, "\n".join(problems)


def test_form_values_shown_back_are_escaped(xss: dict[str, Any], checker_client: Client) -> None:
    response = post_form(
        checker_client,
        reverse("quotes:claim_evidence", args=[xss["claim"].pk]),
        {"url": "javascript:alert(1)", "title": payload("echo"), "stance": "disputes"},
    )
    assert response.status_code == 400
    assert not inert_html_problems(response.content.decode(), ("echo",))
    response = post_form(
        checker_client,
        reverse("quotes:import"),
        {"title": payload("echo"), "text": payload("preview") + " more text.", "preview": "1"},
    )
    assert response.status_code == 200
    assert not inert_html_problems(response.content.decode(), ("echo", "preview"))


ADMIN_PAGES = [
    ("article", "article", ("title", "outlet", "byline", "body")),
    ("claim", "claim", ("body", "rationale")),
    ("speaker", "speaker", ("speaker", "alias")),
    ("source", "source", ("source", "publisher")),
    ("evidence", "evidence", ("excerpt", "note")),
    ("verdict", "verdict", ("rationale",)),
    ("rating", "rating", ("description",)),
]


def test_saved_markup_is_escaped_in_the_admin(xss: dict[str, Any], editor_client: Client) -> None:
    problems = []
    for model, key, tags in ADMIN_PAGES:
        obj = xss[key]
        for page, url, expected in [
            ("changelist", reverse(f"admin:quotes_{model}_changelist"), ()),
            ("change", reverse(f"admin:quotes_{model}_change", args=[obj.pk]), tags),
            ("history", reverse(f"admin:quotes_{model}_history", args=[obj.pk]), ()),
        ]:
            response = editor_client.get(url)
            assert response.status_code == 200, (model, page)
            found = inert_html_problems(response.content.decode(), expected)
            problems += [f"{model} {page}: {p}" for p in found]
    assert not problems, "\n".join(problems)


def test_the_ratings_stylesheet_holds_no_label(xss: dict[str, Any], checker_client: Client) -> None:
    css = checker_client.get(reverse("quotes:ratings_css")).content.decode()
    assert ".rating-xss-rating { --verdict: #123456; }" in css
    assert "<" not in css and "alert" not in css


def export_text(client: Client, xss: dict[str, Any], fmt: str, scope: str) -> tuple[Any, str]:
    if scope == "article":
        url = reverse("reports:article_export", args=[xss["article"].pk, fmt])
    else:
        url = reverse("reports:claims_export", args=[fmt])
    response = client.get(url)
    assert response.status_code == 200
    chunks = response.streaming_content if response.streaming else [response.content]
    return response, b"".join(chunks).decode("utf-8-sig")


@pytest.mark.parametrize("scope", ["article", "claims"])
def test_saved_markup_is_data_in_every_export(
    xss: dict[str, Any], checker_client: Client, scope: str
) -> None:
    claim = xss["claim"]

    _, text = export_text(checker_client, xss, "md", scope)
    assert "<script" not in text and "<img" not in text
    assert "](javascript:" not in text
    for tag in ("body", "speaker", "rationale", "excerpt", "title"):
        assert f'&lt;script&gt;alert("{tag}")' in text, tag
    assert not any(line.startswith(("<", "=")) for line in text.splitlines())

    response, text = export_text(checker_client, xss, "csv", scope)
    assert response["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.DictReader(io.StringIO(text)))
    row = next(r for r in rows if r["claim_id"] == str(claim.pk))
    assert row["article_title"] == "'" + FORMULA + payload("title")  # the formula is defused
    assert row["text"] == claim.exact
    assert row["speaker"] == payload("speaker")
    assert row["rating"] == payload("rating")
    for r in rows:
        for column in ("article_title", "text", "speaker", "rating", "reviewer"):
            assert not r[column].startswith(("=", "+", "-", "@")), (column, r[column])

    response, text = export_text(checker_client, xss, "json", scope)
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    record = next(c for c in json.loads(text)["claims"] if c["id"] == claim.pk)
    assert record["speaker"]["name"] == payload("speaker")
    assert record["speaker"]["aliases"] == [payload("alias")]
    assert record["evidence"][0]["source"]["title"] == payload("source")
    assert record["verdict"]["rationale"].startswith(payload("rationale"))
    assert record["article"]["title"] == FORMULA + payload("title")

    response, text = export_text(checker_client, xss, "claimreview", scope)
    assert response["Content-Type"].startswith("application/ld+json")
    assert response["X-Content-Type-Options"] == "nosniff"
    (review,) = json.loads(text)
    assert review["claimReviewed"] == claim.short_summary
    assert review["itemReviewed"]["text"] == claim.exact
    assert review["reviewRating"]["alternateName"] == payload("rating")
    assert review["itemReviewed"]["author"]["name"] == payload("speaker")


def test_the_public_page_embeds_claimreview_that_cannot_end_its_script(
    xss: dict[str, Any], client: Client
) -> None:
    page = client.get(xss["verdict"].get_public_url()).content.decode()
    block = BeautifulSoup(page, "html.parser").find("script", type="application/ld+json")
    review = json.loads(block.string)
    assert review["claimReviewed"] == xss["claim"].short_summary
    assert review["itemReviewed"]["text"] == xss["claim"].exact
    assert review["itemReviewed"]["author"]["name"] == payload("speaker")
    assert page.count("</script") == page.count("<script")


def test_saved_markup_is_inert_in_command_exports(xss: dict[str, Any], tmp_path: Path) -> None:
    article = str(xss["article"].pk)
    for fmt in ("html", "md", "csv", "json", "claimreview"):
        target = tmp_path / f"report.{fmt}"
        run("export_report", article, "-f", fmt, "-o", str(target))
        text = target.read_bytes().decode()  # as written: CSV lines end in CRLF
        if fmt == "html":
            tags = ("title", "body", "speaker", "excerpt", "rationale")
            assert not inert_html_problems(text, tags)
        elif fmt == "md":
            assert "<script" not in text and "](javascript:" not in text
        elif fmt == "csv":
            assert text.startswith("\ufeff")  # the BOM by which Excel reads UTF-8
            rows = csv.DictReader(io.StringIO(text[1:]))
            (row,) = [r for r in rows if r["claim_id"] == str(xss["claim"].pk)]
            assert row["article_title"].startswith("'" + FORMULA)
        else:
            json.loads(text)
        if fmt in ("csv", "claimreview"):  # the others are stamped with the time
            assert run("export_report", article, "-f", fmt) == text
    backup = tmp_path / "backup.json"
    run("export_all", str(backup))
    records = json.loads(backup.read_text(encoding="utf-8"))
    names = [r["fields"].get("name") for r in records if r["model"] == "quotes.speaker"]
    assert payload("speaker") in names
