"""analyze(): article text in, claims with offsets and proposed speakers out."""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left
from collections.abc import Iterable
from itertools import islice

from quotes.text.attribute import Attribution, Attributor, Context
from quotes.text.entities import Entities, Entity
from quotes.text.names import Mention, find_mentions
from quotes.text.quotations import Quotation, find_quotations
from quotes.text.segment import Span, paragraphs, sentences
from quotes.text.types import Analysis, ClaimSpan, KnownSpeaker, ProposedSpeaker

_OUTLET = re.compile(
    r"^(?:source|via|originally published (?:by|in|at|on)|published (?:by|in)|from)\s*"
    r"(?:[»:>|\-–—]\s*)?(?P<outlet>[^\n]{1,80})$",
    re.I,
)
_WORD = re.compile(r"\w+")
_TITLE_WORD = re.compile(
    r"^(?:[A-Z0-9][\w’'\-:.,!?]*|of|the|a|an|and|in|on|at|to|for|with|from|or|vs\.?)$"
)
_FRAMED = frozenset({"after-quote", "before-quote", "according-to", "colon"})
_IN_STATEMENT = re.compile(r"\b(?:in|issued|released)\s+an?\s+(?:\w+\s+)?statement\b")
# A statement needs some substance: a dateline or a "Read more" line is not a claim.
MIN_STATEMENT_WORDS = 4
_CLOSING = frozenset('.!?:"”’')


def _outlet(text: str, paras: list[Span]) -> tuple[str | None, list[Span]]:
    """A closing "Source » outlet" line names the outlet; it is not a claim."""
    if paras:
        start, end = paras[-1]
        match = _OUTLET.match(text[start:end])
        if match and len(_WORD.findall(match.group("outlet"))) <= 6:
            return match.group("outlet").strip(), paras[:-1]
    return None, paras


def _is_title(words: list[str]) -> bool:
    """“Saturday Night Live”: every word capitalised, as titles of works are."""
    return len(words) <= 8 and all(_TITLE_WORD.match(w) for w in words) and words[0][:1].isupper()


def analyze(text: str, registry: Iterable[KnownSpeaker] = ()) -> Analysis:
    """Split an article into claims and propose a speaker for every direct quotation.

    Claims are one per top-level quotation (kind "quote") and one per sentence of
    the article's own voice (kind "statement"); `claims` is sorted by start offset.
    """
    paras = paragraphs(text)
    outlet, paras = _outlet(text, paras)
    quotations = find_quotations(text, paras)
    entities = Entities(list(registry))
    context = Context(entities)
    attributor = Attributor(text, entities, context)
    claims: list[ClaimSpan] = []
    previous_paragraph_speaker: Attribution | None = None
    previous_paragraph: Span | None = None  # last sentence of a paragraph without quotes

    for (p_start, p_end), quotes in zip(paras, quotations, strict=True):
        outers = [q.outer for q in quotes]
        opens = [outer[0] for outer in outers]  # in order: each sentence's quotes by bisection
        sents = sentences(text, p_start, p_end, outers)
        paragraph_speaker: Attribution | None = None
        for index, (s_start, s_end) in enumerate(sents):
            inside = quotes[bisect_left(opens, s_start) : bisect_left(opens, s_end)]
            mentions = []
            cursor = s_start
            for quote in [*inside, None]:
                stop = quote.outer[0] if quote else s_end
                mentions.extend(find_mentions(text, cursor, stop))
                cursor = quote.outer[1] if quote else s_end
            attributor._sentence_mentions = mentions
            # each name's entity, found once for the attribution below and for the pronouns
            named = [
                (mention, entities.add(mention))
                for mention in mentions
                if not (mention.modifier or mention.title_only)
            ]
            previous_end = s_start
            sentence_speaker: Attribution | None = None
            in_statement: bool | None = None
            for position, quote in enumerate(inside):
                if _is_title(text[quote.start : quote.end].split()):
                    # “Face the Nation,” “State of the Union”: a title, nobody's words; it
                    # neither gets a speaker nor passes one on
                    continue
                attributor.last_description = ""
                after_end = inside[position + 1].outer[0] if position + 1 < len(inside) else s_end
                found = attributor.after_quote(
                    quote.outer[1], after_end
                ) or attributor.before_quote(previous_end, quote.outer[0])
                if found is None and sentence_speaker is not None:
                    found = Attribution(
                        sentence_speaker.entity,
                        "same-sentence",
                        sentence_speaker.cue,
                        min(0.7, sentence_speaker.confidence),
                        sentence_speaker.description,
                    )
                if found is None and position + 1 < len(inside):
                    # “…” and “…” of the capital, he added: the clause closing the sentence
                    found = attributor.reporting_clause(inside[-1].outer[1], s_end)
                if found is None:
                    found = _around(
                        attributor,
                        sents,
                        index,
                        paragraph_speaker,
                        previous_paragraph_speaker,
                        quote,
                        inside,
                    )
                if found is None and index == 0 and previous_paragraph is not None:
                    found = attributor.paragraph_subject(*previous_paragraph)
                if found is None and quote.continued and previous_paragraph_speaker is not None:
                    found = Attribution(
                        previous_paragraph_speaker.entity,
                        "continuation",
                        previous_paragraph_speaker.cue,
                        min(0.8, previous_paragraph_speaker.confidence),
                        previous_paragraph_speaker.description,
                    )
                previous_end = quote.outer[1]
                if found is not None and not found.description and attributor.last_description:
                    found = dataclasses.replace(found, description=attributor.last_description)
                claims.append(_quote_claim(text, quote, found))
                if found is not None and found.method in _FRAMED:
                    if in_statement is None:  # once per sentence, however many quotes it has
                        in_statement = _IN_STATEMENT.search(text, s_start, s_end) is not None
                    if in_statement:
                        # "…,” the ministry said in a statement: "the statement read" is it
                        context.statement_owner = found.entity
                if found is not None:
                    sentence_speaker = found
                    paragraph_speaker = found
                    context.last = found
                    context.note(found.entity, subject=True)
            if _is_heading(text, s_start, s_end):
                # "XP Simulator", "Free tool": a cross-heading or an ad line names no subject
                for _, entity in named:
                    context.note(entity, subject=False)
            else:
                _note_mentions(attributor, context, named, attributor.subject_pronoun(s_start))
            reporter = sentence_speaker or (
                attributor.reporting_clause(s_start, s_end) if not inside else None
            )
            if reporter is not None:
                # "…, Sing’oei said.": whoever speaks in a sentence is its focus, more than
                # the names in what they said
                context.note(reporter.entity, subject=True)
            statement = _statement(text, s_start, s_end, inside)
            if statement is not None:
                claims.append(statement)
        previous_paragraph = sents[-1] if sents and not quotes else None
        previous_paragraph_speaker = paragraph_speaker or (
            previous_paragraph_speaker if not quotes else None
        )
        if not quotes and paragraph_speaker is None:
            previous_paragraph_speaker = None

    claims = [c for c in claims if c.kind != "quote" or c.speaker or _keep_unattributed(c)]
    claims.sort(key=lambda c: (c.start, c.end, c.kind))
    return Analysis(claims=claims, speakers=_speakers(entities, claims), outlet=outlet)


def _around(
    attributor: Attributor,
    sents: list[Span],
    index: int,
    paragraph_speaker: Attribution | None,
    previous_paragraph_speaker: Attribution | None,
    quote: Quotation,
    inside: list[Quotation],
) -> Attribution | None:
    """A quote with no frame in its own sentence: look at the sentences around it."""
    if index + 1 < len(sents):
        found = attributor.frame_sentence(*sents[index + 1])
        if found is not None:
            return found
    if paragraph_speaker is not None:
        return Attribution(
            paragraph_speaker.entity,
            "continuation",
            paragraph_speaker.cue,
            # a continuation is no surer than the attribution it continues
            min(0.8, paragraph_speaker.confidence),
            paragraph_speaker.description,
        )
    # "Gov. Jerry Brown endorsed her, citing her “…”": the quote's own subject is surer
    # than the speaker of the sentence or paragraph before
    found = attributor.sentence_subject(sents[index][0], quote.outer[0])
    if found is not None:
        return found
    if index > 0:
        found = attributor.sentence_speaker(*sents[index - 1])
        if found is not None:
            return found
    if index == 0 and previous_paragraph_speaker is not None:
        return Attribution(
            previous_paragraph_speaker.entity,
            "continuation",
            previous_paragraph_speaker.cue,
            min(0.7, previous_paragraph_speaker.confidence),
            previous_paragraph_speaker.description,
        )
    return None


def _is_heading(text: str, start: int, end: int) -> bool:
    """A short line without a sentence's closing punctuation: a heading or an ad line."""
    if text[end - 1 : end] in _CLOSING or end <= start:
        return False  # most sentences: read no further
    line = text[start:end]
    return "\n" not in line and len(line.split()) <= 5


def _note_mentions(
    attributor: Attributor,
    context: Context,
    named: list[tuple[Mention, Entity]],
    pronoun: Entity | None,
) -> None:
    """Remember the sentence's names for pronouns: its subject, or the others mentioned.

    When the sentence opens with a pronoun ("He said the Israelis …"), its referent is
    the subject again and the names after it are only mentioned.
    """
    first = pronoun is None
    if pronoun is not None:
        context.note(pronoun, subject=True)
    for mention, entity in named:
        subject = first and not (mention.prepositional or mention.possessive)
        if subject and not entity.description:
            # "Nabil Abu Rudeineh, the spokesman for …": a later "Abbas’s spokesman" is him
            said = attributor.last_description
            attributor.describe(entity, mention.end)
            attributor.last_description = said
        context.note(entity, subject=subject)
        if not (mention.prepositional or mention.possessive):
            first = False


def _quote_claim(text: str, quote: Quotation, found: Attribution | None) -> ClaimSpan:
    if found is None:
        return ClaimSpan("quote", quote.start, quote.end, text[quote.start : quote.end])
    return ClaimSpan(
        "quote",
        quote.start,
        quote.end,
        text[quote.start : quote.end],
        speaker=found.entity.name,
        method=found.method,
        cue=found.cue,
        confidence=round(max(0.05, min(1.0, found.confidence)), 2),
        speaker_description=found.description,
    )


def _keep_unattributed(claim: ClaimSpan) -> bool:
    """Scare quotes and titles of works are not anybody's quotation."""
    words = claim.text.split()
    if len(words) < 3:
        return False
    return not _is_title(words)


def _statement(text: str, start: int, end: int, inside: list[Quotation]) -> ClaimSpan | None:
    quoted = sum(q.outer[1] - q.outer[0] for q in inside)
    if quoted * 2 > end - start:
        return None
    if next(islice(_WORD.finditer(text, start, end), MIN_STATEMENT_WORDS - 1, None), None) is None:
        return None  # fewer words than that: counting stops at the fourth
    return ClaimSpan("statement", start, end, text[start:end], method="sentence")


def _speakers(entities: Entities, claims: list[ClaimSpan]) -> list[ProposedSpeaker]:
    named = {c.speaker for c in claims if c.speaker}
    return [p for p in entities.proposals() if p.name in named]


__all__ = ["Analysis", "Entity", "analyze"]
