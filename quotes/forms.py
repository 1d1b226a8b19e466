"""Forms of the workbench: every user input is validated here, server-side."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from bs4 import BeautifulSoup
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from quotes.dates import validate_sane_date
from quotes.imports.speakers import find_speaker
from quotes.imports.text import ImportRefused, read_text
from quotes.models import (
    NAME_KEY_LENGTH,
    TOO_LONG_A_NAME,
    Claim,
    Evidence,
    Rating,
    Speaker,
    Verdict,
)
from quotes.services import ArticleRejected, check_body
from quotes.text import normalize_name

UPLOAD_SUFFIXES = {".txt", ".md", ".html", ".htm"}


def html_to_text(html: str) -> str:
    """The readable article text of an HTML page: <article> or <main> or <body>, paragraphs kept."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "aside", "form"]):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    blocks = [
        " ".join(node.get_text(" ", strip=True).split())
        for node in root.find_all(["h1", "h2", "h3", "p", "li", "blockquote"])
    ]
    blocks = [b for b in blocks if b]
    if not blocks:
        blocks = [" ".join(root.get_text(" ", strip=True).split())]
    return "\n\n".join(blocks)


class ArticleImportForm(forms.Form):
    title = forms.CharField(max_length=300)
    outlet = forms.CharField(max_length=200, required=False)
    url = forms.URLField(label="URL", max_length=2000, required=False, assume_scheme="https")
    published = forms.DateField(
        label="Publication date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_sane_date],
    )
    byline = forms.CharField(max_length=300, required=False)
    text = forms.CharField(
        label="Article text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Paste the article, or upload a file below.",
    )
    file = forms.FileField(
        label="or upload a file",
        required=False,
        help_text=".txt, .md or .html (HTML is reduced to its article text).",
    )

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        if url and not url.lower().startswith(("http://", "https://")):
            raise ValidationError("Only http and https URLs are accepted.")
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = data.get("text") or ""
        upload = data.get("file")
        if upload and text.strip():
            raise ValidationError("Paste the text or upload a file, not both.")
        if upload:
            suffix = PurePath(upload.name).suffix.lower()
            if suffix not in UPLOAD_SUFFIXES:
                self.add_error("file", "Upload a .txt, .md or .html file.")
                return data
            limit = settings.MAX_ARTICLE_CHARS * 4
            if upload.size > limit:
                self.add_error("file", f"The file is larger than {limit:,} bytes.")
                return data
            try:
                text = read_text(upload.read(), name="The file")
            except ImportRefused as exc:
                self.add_error("file", str(exc))
                return data
            if suffix in (".html", ".htm"):
                text = html_to_text(text)
        elif not text.strip():
            self.add_error("text", "Paste the article text or upload a file.")
            return data
        # Browsers send a textarea's line breaks as CRLF, and the HTML parser turns CRLF
        # back into LF when the page is shown: store LF, so that the offsets a browser
        # selection gives (counted on the page) are offsets into the stored body.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        try:
            data["body"] = check_body(text)
        except ArticleRejected as exc:
            self.add_error("file" if upload else "text", str(exc))
        return data


class VersionedForm(forms.Form):
    """Carries the version the user saw, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SpeakerForm(VersionedForm):
    speaker_name = forms.CharField(
        label="Who said it",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": "speaker-names", "autocomplete": "off"}),
        help_text="A name or alias from the registry; empty removes the speaker.",
    )
    create = forms.BooleanField(
        label="Create a new speaker with this name if none matches", required=False
    )
    kind = forms.ChoiceField(
        label="Kind of new speaker", choices=Speaker.Kind.choices, initial="person", required=False
    )
    alias_of = forms.CharField(
        label="…or add the name as an alias of",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": "speaker-names", "autocomplete": "off"}),
        help_text="An existing speaker's name, e.g. the full name for a nickname.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("speaker_name", "alias_of"):
            self.fields[name].widget.attrs["data-autocomplete"] = reverse("quotes:speaker_search")

    def clean_alias_of(self) -> Speaker | None:
        name = self.cleaned_data["alias_of"].strip()
        if not name:
            return None
        speaker = find_speaker(name)
        if speaker is None:
            raise ValidationError(f"No speaker is called “{name}”.")
        return speaker

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = (data.get("speaker_name") or "").strip()
        data["speaker"] = None
        if not name:
            return data
        if not normalize_name(name):
            self.add_error("speaker_name", "Enter a name with letters in it.")
            return data
        if len(normalize_name(name)) > NAME_KEY_LENGTH:
            self.add_error("speaker_name", TOO_LONG_A_NAME)
            return data
        speaker = find_speaker(name)
        if speaker is None and data.get("alias_of") is not None:
            data["new_alias"] = name
            speaker = data["alias_of"]
        elif speaker is None and not data.get("create"):
            self.add_error(
                "speaker_name",
                f"No speaker is called “{name}”. Tick “create” to add one, or add it as an alias.",
            )
            return data
        elif speaker is None:
            data["new_speaker"] = Speaker(name=name, kind=data.get("kind") or "person")
        data["speaker"] = speaker
        return data


class KindForm(VersionedForm):
    kind = forms.ChoiceField(choices=Claim.Kind.choices)


class SplitForm(VersionedForm):
    at = forms.IntegerField(
        label="Split after character",
        min_value=1,
        help_text="Position inside the claim's text (click inside the claim to fill it).",
    )


class CreateClaimForm(forms.Form):
    # the article's version the selection was made on: a claim created meanwhile that
    # overlaps it makes the request stale (409), not a plain refusal
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=1)
    kind = forms.ChoiceField(choices=Claim.Kind.choices, initial=Claim.Kind.STATEMENT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "start" in data and "end" in data and data["end"] <= data["start"]:
            raise ValidationError("The selection must end after it starts.")
        return data


class EvidenceForm(VersionedForm):
    """A source to attach; `version` is the claim's, as the panel showed it."""

    url = forms.URLField(label="Source URL", max_length=2000, assume_scheme="https")
    title = forms.CharField(max_length=500, required=False)
    publisher = forms.CharField(max_length=200, required=False)
    published = forms.DateField(
        label="Publication date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_sane_date],
    )
    stance = forms.ChoiceField(choices=Evidence.Stance.choices)
    excerpt = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The passage that matters.",
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        if not url.lower().startswith(("http://", "https://")):
            raise ValidationError("Only http and https URLs are accepted.")
        return url


class VerdictForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)
    # No rating until the reviewer picks one: a preselected "True" got saved unread.
    rating = forms.ModelChoiceField(
        queryset=Rating.objects.all(),
        empty_label="Choose a rating…",
        error_messages={"required": "Choose a rating."},
    )
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))
    status = forms.ChoiceField(
        label="Save as",
        choices=[(Verdict.Status.DRAFT, "Draft"), (Verdict.Status.IN_REVIEW, "Ready for review")],
    )


class PublishForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("publish", "Publish"),
            ("send_back", "Send back to the fact-checker"),
            ("unpublish", "Unpublish"),
        ]
    )
    version = forms.IntegerField(min_value=1)
    note = forms.CharField(
        label="Reason or note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Unpublishing: why (kept as the correction note). Sending back: what the "
        "fact-checker should change.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The panel also holds the evidence form, whose note would take the same id: each
        # label must name its own field.
        kwargs.setdefault("auto_id", "id_publish_%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        note = (data.get("note") or "").strip()
        if data.get("action") == "send_back" and not note:
            self.add_error("note", "Say what the fact-checker should change.")
        if data.get("action") == "unpublish" and not note:
            self.add_error("note", "Say why: it is kept as the correction note.")
        return data


class UrlImportForm(forms.Form):
    page_url = forms.URLField(
        label="Article URL",
        max_length=2000,
        assume_scheme="https",
        help_text="The page is fetched and its article text extracted; you preview it first.",
    )
    background = forms.BooleanField(
        label="Import in the background without a preview",
        required=False,
        help_text="It appears on the dashboard once fetched and analysed.",
    )

    def clean_page_url(self) -> str:
        url: str = self.cleaned_data["page_url"]
        if not url.lower().startswith(("http://", "https://")):
            raise ValidationError("Only http and https URLs can be fetched.")
        return url
