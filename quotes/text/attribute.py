"""Who said each quotation: explainable rules, each with its method, cue and confidence.

The rules are tried from the most to the least reliable; a confidence is the rule's
measured reliability on PolNeAR train:

=================  ================================================  ==========
method             pattern                                           confidence
=================  ================================================  ==========
after-quote        “…,” X said / “…,” said X / “…” X told CNN / ― X  0.95
before-quote       X said, “…” / X described Y as “…”                0.87
according-to       according to X, “…”                               0.85
next-sentence      “…” X said that. (a frame right after)            0.85
colon              X: “…”                                            0.8
continuation       the quote goes on, or a bare quote paragraph      <= 0.8
participle         X …, stating that … “…”                           0.75
reporting-clause   “…” and “…” of the capital, he added.             0.8
same-sentence      a second quote of an attributed sentence          <= 0.7
previous-sentence  X said … . “…”                                    0.35-0.4
sentence-subject   no speech verb, but a subject before the quote    0.4-0.45
previous-paragraph the subject of the paragraph before a bare quote  0.25-0.5
=================  ================================================  ==========

A pronoun as the source costs 0.1 and a descriptive reference ("the Hezbollah
chief") 0.15-0.3, since both go through resolution. A source the article does not
name ("a longtime adviser to Trump") becomes an unnamed entity: its words, no guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quotes.text.entities import Entities, Entity
from quotes.text.names import CORE_TITLES, PRONOUNS, Mention, find_mentions

_VERBS = (
    "said|says|say|saying|told|tells|telling|wrote|writes|writing|added|adds|adding|asked|asks|"
    "asking|tweeted|tweets|tweeting|posted|posts|noted|notes|noting|stated|states|stating|declared|"
    "declares|declaring|announced|announces|announcing|explained|explains|explaining|argued|"
    "argues|arguing|insisted|insists|insisting|warned|warns|warning|claimed|claims|claiming|"
    "replied|replies|replying|responded|responds|responding|continued|continues|acknowledged|"
    "acknowledges|admitted|admits|called|calls|calling|described|describes|describing|dubbed|"
    "labeled|labelled|branded|termed|urged|urges|urging|praised|praises|praising|criticized|"
    "criticised|criticizes|condemned|condemns|accused|accuses|blamed|blames|vowed|vows|vowing|"
    "promised|promises|pledged|predicted|predicts|suggested|suggests|recalled|recalls|recalling|"
    "joked|jokes|quipped|quips|complained|complains|conceded|concedes|countered|counters|"
    "emphasized|emphasised|emphasizes|stressed|stresses|stressing|observed|observes|remarked|"
    "wondered|mused|boasted|boasts|lamented|laments|cautioned|agreed|agrees|confirmed|confirms|"
    "denied|denies|repeated|echoed|shouted|yelled|screamed|whispered|testified|reported|reports|"
    "expressed|expresses|thundered|proclaimed|proclaims|concluded|concludes|opined|reads|read|"
    "wrote|cited|charged|charges|asserted|asserts|contended|contends|maintained|maintains|"
    "explained|speculated|acknowledged|recounted|reiterated|reiterates|insisted|retorted|"
    "sniped|scoffed|snapped|bragged|chided|tweet|writes|summed|put|remembered|remembers|"
    "exclaimed|interjected|chimed|reflected|advised|offered|insists|predicted|answered|answers|"
    "pleaded|demanded|demands|hinted|recounts|explains|joked|quoted|quotes|attacked|attacking|"
    "slammed|slamming|blasted|blasting|mocked|mocking|hailed|hailing|touted|touting|lauded|"
    "defended|defending|dismissed|dismissing|questioned|questioning|pointed|pointing|quip|"
    "found|finds|showed|shows|estimated|estimates|ruled|rules|ordered|summarized|summarised"
)
VERB = re.compile(rf"\b(?:{_VERBS})\b")
_PARTICIPLE = re.compile(r"ing$")
_AFTER_VERB_FIRST = re.compile(rf"^[\s,;:.!?—–-]*\b(?P<verb>{_VERBS})\b\s+(?P<rest>.*)$", re.S)
_THAT = re.compile(r"(?:that|how|why|what|whether|if)\b")
_AFTER_SOURCE_FIRST = re.compile(
    rf"^[\s,;:—–-]*(?P<source>[^,;:.!?“”\"]{{1,120}}?)\s+(?:(?:also|then|later|again|once|has|"
    rf"had|have|would|will|recently|previously|simply|further|quickly|once|just|had\s+)\s+)?"
    rf"(?P<verb>{_VERBS})\b",
    re.S,
)
_AFTER_APPOSITIVE = re.compile(
    rf"^[\s,;:—–-]*(?P<source>[^,;:.!?“”\"]{{1,80}}?),(?P<appositive>[^“”\"]{{1,200}}?),?\s+"
    rf"(?:(?:also|then|later)\s+)?(?P<verb>{_VERBS})\b",
    re.S,
)
_AFTER_NAME_VERBED = re.compile(
    r"^[\s,;—–-]*(?P<source>[A-Z][^,;:.!?“”\"]{0,60}?)\s+(?P<verb>[a-z]+ed)\b"
)
_RELAYED = re.compile(
    r",?\s+according\s+to\s+(?P<by>(?:(?:an?|the)\s+)?[A-Z][^,.;:“”\"\n]{1,60}?)(?=[,.;:“”\"\n]|$)"
)
_AFTER_DASH = re.compile(r"^[^\S\n]*[―—–]{1,2}[^\S\n]*(?P<source>[A-Z][^\n“”\"]{0,120})")
_LATER_SAID = re.compile(r",\s+(?P<verb>said|says|told|added|wrote)\s+(?P<rest>[^“”\"]{1,200})")
_ACCORDING = re.compile(r"\baccording\s+to\s+(?P<source>[^,;:.!?“”\"]{1,120})", re.I)
_COLON = re.compile(r"(?P<source>[^,;.!?“”\"]{1,100}?)\s*:\s*$")
_APPOSITIVE = re.compile(
    r",\s*(?:the|a|an|who|which|his|her|its|their|then|now|former)\b[^,]*,\s*$"
)
_RELATIVE = re.compile(r",\s*(?:who|which|whose)\b")
_CLAUSE_START = re.compile(r"(?:^|[;(]|\b(?:and|but|while|whereas|because|as|after|when)\s)")
_ROLE_PHRASE = re.compile(
    r"^(?:the|a|an|this|that)\s+(?P<role>(?:[\w’'\-]+\s+){0,3}[\w’'\-]+)$", re.I
)
# An unnamed source: "a longtime adviser to Trump", "one Trump campaign source",
# "a Pentagon readout". The article does not name the speaker, so neither do we.
_UNNAMED_HEADS = (
    "officials?|sources?|spokes(?:man|woman|person)|aides?|advis[eo]rs?|strategists?|members?|"
    "person|people|lawmakers?|donors?|supporters?|staffers?|operatives?|consultants?|"
    "confidants?|insiders?|diplomats?|officers?|analysts?|experts?|executives?|employees?|"
    "residents?|voters?|delegates?|activists?|allies|ally|friends?|veterans?|statement|"
    "reports?|letter|editorial|readout|memo|ad|post|tweet|e-?mail|release|filing|"
    "document|survey|poll|study|sign|website|account"
)
_UNNAMED = re.compile(
    rf"[\s,;:—–-]*(?P<np>(?i:a|an|one|another|two|three|several|some|many)\s+"
    rf"(?:[\w’'\-.]+\s+){{0,5}}?(?:{_UNNAMED_HEADS})\b"
    rf"(?:\s+(?:to|of|for|close\s+to|with|at|in|from|on)\s+(?:both\s+|the\s+)?"
    rf"[A-Z][\w’'\-.]*(?:\s+(?:of\s+)?[A-Z][\w’'\-.]*)*)?)",
)
_CHAIN_END = re.compile(r"[;!?\n“”\"]|\.(?=\s|$)|,\s+(?:who|which|adding|saying)\b")
# A finite verb in the first words after a name makes them a clause ("the wall is designed
# to …"); "a lawyer who has represented …" is still an appositive.
_CLAUSE_NOT_ROLE = re.compile(
    r"^(?:(?:the|a|an|this|that|it|they|we)\s+)?(?:[\w’'\-]+\s+)?"
    r"(?:is|are|was|were|will|would|has|have|had|can|could|should|must|does|did)\b"
)
_RELATIVE_START = re.compile(r"(?:who|whose|which)\b")
_POSSESSIVE_PRONOUNS = {"his": "he", "her": "she", "its": "it", "their": "they"}
_STATEMENTS = frozenset("statement communiqué communique release letter readout".split())
_SPOKES = frozenset("spokesman spokeswoman spokesperson".split())
# The bodies whose voice an article quotes: "the ministry said", "his office said".
_BODIES = frozenset(
    """
    ministry office army military government presidency agency council committee police
    bureau cabinet court parliament embassy palace kremlin secretariat command
    """.split()
)
_VOICE_PHRASE = re.compile(
    r"(?:(?P<article>[Tt]he|[Aa]n?|[Aa]nother)\s+)?"
    r"(?:(?P<owner>his|her|its|their|[A-Z][\w\-.]*(?:\s+[A-Z][\w\-.]*){0,3})"
    r"(?P<possessive>’s|'s|’|')?\s+)?"
    r"(?P<head>(?:[a-z][\w\-]*\s+){0,2}?[a-z][\w\-]*)"
    r"(?:\s+(?:(?:issued|released|put\s+out|published)\s+)?(?:by|from)\s+(?P<by>.{0,60}))?"
)
_OPENING_ROLE = re.compile(
    r"[\s“\"‘(]*(?P<np>The\s+(?:[A-Z][\w\-]*\s+)?(?:[a-z][\w\-]*\s+)?[a-z][\w\-]*)\s+"
    r"(?:also\s+)?(?:said|says|told|added|stated|noted|stressed|warned|denied|announced|"
    r"emphasized|emphasised|insisted|explained|argued|accused|called|described)\b"
)
_OPENING_BODY = re.compile(
    r"[\s“\"‘(]*The\s+(?P<np>(?:[a-z][\w\-]*\s+){0,2}(?:bureau|council|committee|ministry|"
    r"office|command|secretariat|cabinet|presidency)\s+of\s+(?:the\s+)?[A-Z][\w\-’']*"
    r"(?:\s+[A-Z][\w\-’']*){0,4})\s+(?:also\s+)?[a-z]+(?:ed|s)\b"
)
_OPENING_PRONOUN = re.compile(r"[\s“\"‘(]*(?P<p>He|She)\s+(?!is\b|was\b)")
# what the three openings above have in common, tried first on every sentence
_OPENING_WORD = re.compile(r"[\s“\"‘(]*(?:He|She|The)\s")
# ", the presidential office said on Thursday." at the end of a sentence
_REPORTING_END = re.compile(
    r",\s+(?P<source>(?:[A-Za-z][^,;:.!?“”\"\n]{0,80}?))\s+(?P<verb>said|says|told|added|"
    r"adds|stated|wrote|reported|announced|noted|stressed)\b[^,;:“”\"\n]{0,60}[.!?]?\s*$"
)
_REPORTING_VERB = re.compile(
    r"\b(?:said|says|told|added|adds|stated|wrote|reported|announced|noted|stressed)\b"
)
_ARTICLE_ONLY = re.compile(r"[\s,;:—–-]*(?:(?:the|a|an)\s+)?", re.I)
_PRONOUN = re.compile(r"\b(?P<p>he|she|they|it|He|She|They|It)\b")
# Periods of titles and initials are not the end of a source phrase: "said Sen. Ted Cruz".
_DESCRIPTION_START = re.compile(
    r"\s*\((?P<paren>[^()\n]{1,40})\)"
    # ", the …", ", who …", ", Obama’s deputy …", ", R-Ky.,"
    r"|,\s+(?=(?:the|a|an|who|whose|[a-z0-9][\w’'\-]*)\b|[A-Z][\w\-]*(?:’s|'s|’|')\s|[DRI]-[A-Z]"
    # ", Europe coordinator at …", ", Republican National Committee chairman"
    r"|(?:[A-Z][\w\-]*\s+){1,3}(?!and\b|or\b)[a-z]{3,})"
    r"|\s+(?=who\b)"
    # "Stephen Vladeck of the University of Texas School of Law"
    r"|\s+(?=of\s+(?:the\s+)?[A-Z])"
)
_DESCRIPTION_END = re.compile(rf"[.;!?](?=\s|$)|[“”\"‘\n:]|,?\s+(?:{_VERBS}|according)\b")
_ABBREVIATION_DOT = re.compile(
    r"\b(Sen|Rep|Gov|Gen|Dr|Mr|Mrs|Ms|Lt|Col|Adm|Rev|Prof|Sgt|Atty|Jr|Sr|St|Capt|Maj|Cmdr|"
    r"Supt|Det|Pres|Sec|Amb|Ft|Mt|Calif|Conn|Tex|Fla|Mass|Ind|Ill|Wis|Mich|Minn|Ariz|Nev|"
    r"Ore|Wash|Penn|Colo|Ky|Tenn|Ala|Ga|Va|La|Md|Mo|Okla|Neb|Kan|Ark|Miss|Del|Vt|Wyo|"
    r"[A-Z])\.(?=\s|[A-Z]\.|,)|\b(No)\.(?=\s+\d)"
    # "(D-Nev.)": a period before a closing bracket ends no sentence
    r"|(?<=\w)\.(?=\))"
)
# "… the Florida senator" at the end of the words before a verb
_ROLE_AT_END = re.compile(r"\b(?:the|a|an)\s+((?:[\w’'\-]+\s+){0,3}[\w’'\-]+)\s*$", re.I)
_PHRASE_END = re.compile(
    r"[,;:.!?“”\"()—–]|\s(?:in|on|at|during|after|before|when|while|who|which|that|because|"
    r"to|told|said|says|adding|and|but|about|as|from|with|last|this|on)\s"
)
# A description that is only its first word ("who", "the") says nothing.
_PARTY_STATE = re.compile(r"[DRI]-[A-Z]")
_EMPTY_DESCRIPTION = re.compile(r"^(?:[a-z]\S*)?$")


def _mask(window: str) -> str:
    """The window with abbreviation periods replaced by a same-length placeholder."""
    return _ABBREVIATION_DOT.sub(lambda m: m.group()[:-1] + "\u2024", window)


_PERSON_ROLES = frozenset(
    """
    senator president candidate nominee governor congressman congresswoman representative
    lawmaker mayor secretary minister leader chairman chairwoman spokesman spokeswoman
    spokesperson official frontrunner front-runner businessman billionaire mogul director
    chief speaker judge justice ambassador commander general adviser advisor aide strategist
    economist professor analyst attorney lawyer prosecutor sheriff officer founder ceo host
    """.split()
)
_LOCAL_CANDIDATES = 8
_LOCAL_MENTIONS = 40
_SUBJECT_PRONOUN = frozenset({"he", "she", "they", "it"})


@dataclass(frozen=True)
class Attribution:
    entity: Entity
    method: str
    cue: str | None
    confidence: float
    description: str = ""  # how the text described the speaker where it named them


class Context:
    """Pronoun antecedents seen so far: subjects first, most recent first."""

    def __init__(self, entities: Entities) -> None:
        self.entities = entities
        # insertion-ordered sets (dicts), latest last: moving an entity to the end is O(1)
        self.subjects: dict[Entity, None] = {}
        self.mentioned: dict[Entity, None] = {}
        self.last: Attribution | None = None
        self.statement_owner: Entity | None = None  # who issued "the statement" quoted

    def note(self, entity: Entity, subject: bool) -> None:
        target = self.subjects if subject else self.mentioned
        target.pop(entity, None)
        target[entity] = None
        if subject:
            self.mentioned.pop(entity, None)
        self.entities.mark_used(entity)

    def resolve_pronoun(self, pronoun: str, local: list[Entity]) -> Entity | None:
        gender = PRONOUNS.get(pronoun.lower(), "")
        wants_person = gender in ("m", "f")
        # In its own sentence a pronoun most often refers to the subject, the first named
        # ("Clinton said that she called Sanders … what she called"); before it, to the latest.
        last = [self.last.entity] if self.last is not None else []
        pools = (local, reversed(self.subjects), last, reversed(self.mentioned))
        for pool in pools:
            for entity in pool:
                if entity.kind == "place" or (entity.kind == "group" and gender != "p"):
                    continue  # "Tehran", "the Israelis" are never "he"
                if wants_person != (entity.kind == "person"):
                    continue
                if wants_person and entity.gender and entity.gender != gender:
                    continue
                if wants_person and not entity.gender:
                    entity.gender = gender
                return entity
        return None


def _candidates(mentions: list[Mention]) -> list[Mention]:
    return [
        m for m in mentions if not (m.prepositional or m.modifier or m.possessive or m.title_only)
    ]


def _speakers_first(mentions: list[Mention]) -> list[Mention]:
    """A place speaks only when nobody else is named: "Tehran denied", not "Tehran" over
    the minister named in the same clause."""
    people = [m for m in mentions if m.kind != "place"]
    return people or mentions


class Attributor:
    def __init__(self, text: str, entities: Entities, context: Context) -> None:
        self.last_description = ""
        self._subjects: dict[tuple[int, int], Attribution | None] = {}
        self.text = text
        self.entities = entities
        self.context = context

    # -- resolving a source phrase -------------------------------------------------

    def source(
        self, start: int, end: int, pick: str, possessive_ok: bool = True
    ) -> tuple[Entity, float] | None:
        """The speaker a source phrase text[start:end] names, with a confidence penalty.

        pick: "last" for a noun phrase whose head is its last name ("White House press
        secretary Josh Earnest"), "first" for a clause whose subject comes first.
        """
        chunk = self.text[start:end]
        if not chunk.strip():
            return None
        stripped = chunk.strip(" ,—–-")
        voiced = self._voice(stripped, start + chunk.find(stripped[:1]) if stripped else start)
        if voiced is not None:
            return voiced
        # "a senior White House official": the names in it are not the speaker
        unnamed = _UNNAMED.match(self.text, start)
        if unnamed and unnamed.start("np") - start < 4:
            return self.entities.unnamed(unnamed.group("np").replace("\u2024", ".")), 0.1
        mentions = [
            m for m in find_mentions(self.text, start, end) if not (m.modifier or m.title_only)
        ]
        # a preposition before the phrase ("according to the WHO") is not inside it
        usable = [
            m
            for m in mentions
            if not m.prepositional or _ARTICLE_ONLY.fullmatch(self.text[start : m.start])
        ]
        # "Trump’s campaign manager Corey Lewandowski": the name, not the possessor; but
        # "Trump’s campaign said" has only the possessor to offer.
        owners = [m for m in usable if not m.possessive] or usable
        if owners and (possessive_ok or not owners[0].possessive):
            mention = owners[-1] if pick == "last" else owners[0]
            named = self.entities.add(mention)
            self.describe(named, mention.end)
            if not self.last_description and _telling_role(mention.role):
                self.last_description = mention.role
            return named, 0.0
        pronoun = _PRONOUN.fullmatch(stripped)
        if pronoun:
            entity = self.context.resolve_pronoun(pronoun.group("p"), self._local(start))
            return (entity, 0.1) if entity is not None else None
        role = _ROLE_PHRASE.match(stripped)
        if role:
            entity = self.entities.by_role(role.group("role"))
            penalty = 0.15
            if entity is None:
                entity, penalty = self._by_role_noun(role.group("role")), 0.3
            if entity is not None:
                # the reviewer sees the words that pointed to the speaker: "the Florida senator"
                self.last_description = stripped
                return entity, penalty
        return None

    def _voice(self, phrase: str, at: int) -> tuple[Entity, float] | None:
        """A body, its statement or someone's office as the source of the words.

        "his office said" is the office holder; "the statement read" is whoever issued
        it; "the Syrian foreign ministry said" is that ministry, and a later "the
        ministry" is the same body; "the Kremlin spokesman" and "Abbas’s spokesman" are
        the person the article introduced in that role.
        """
        match = _VOICE_PHRASE.fullmatch(phrase)
        if match is None:
            return None
        owner, head = match.group("owner"), match.group("head").lower()
        noun = head.split()[-1]
        if match.group("by") is not None:
            # "a statement issued by presidential spokesman, Femi Adesina": the issuer,
            # named in the words after "by", appositive included
            by = at + match.start("by")
            named = _candidates(find_mentions(self.text, by, min(len(self.text), by + 120)))
            named = [m for m in named if not m.title_only]
            if named and noun in _STATEMENTS:
                entity = self.entities.add(named[0])
                self.context.statement_owner = entity
                return entity, 0.1
            return None
        if (match.group("article") or "").lower() in ("a", "an", "another"):
            return None  # "a spokesman said": someone new and unnamed, not the one before
        if owner and owner.lower() in _POSSESSIVE_PRONOUNS:
            # "his office", "its statement": the pronoun's referent speaks
            pronoun = _POSSESSIVE_PRONOUNS[owner.lower()]
            referent = self.context.resolve_pronoun(pronoun, [])
            return (referent, 0.15) if referent is not None else None
        if noun in _STATEMENTS:
            if owner:
                issuer = self._named(owner)
                return (issuer, 0.1) if issuer is not None else None
            if self.context.statement_owner is not None:
                return self.context.statement_owner, 0.15
            return (self.context.last.entity, 0.2) if self.context.last is not None else None
        if noun in _PERSON_ROLES or noun in _SPOKES:
            # "the Kremlin spokesman", "Abbas’s spokesman": the person given that role
            holder = self.entities.by_role(f"{owner or ''} {head}", loose=True)
            return (holder, 0.15) if holder is not None else None
        if noun in _BODIES:
            if owner and match.group("possessive"):
                officer = self._named(owner)  # "Netanyahu’s office said": the office holder
                return (officer, 0.1) if officer is not None else None
            if owner:
                return self.entities.body(f"{owner} {head}"), 0.1
            latest = self.entities.latest_body(noun)
            return (latest, 0.2) if latest is not None else None
        return None

    def _named(self, name: str) -> Entity | None:
        mentions = [m for m in find_mentions(name, 0, len(name)) if not m.title_only]
        return self.entities.add(mentions[-1]) if mentions else None

    def describe(self, entity: Entity, at: int) -> None:
        """What the text says about a speaker right after the name, as written.

        "Emily Kessel, advocacy director of the Korean American Service Consortium"
        and "Sen. Richard Blumenthal (D-Conn.)" tell a reviewer which Kessel or
        Blumenthal. The description of this attribution is kept for its quote; the
        first one an entity gets becomes its role if it has none.
        """
        start = _DESCRIPTION_START.match(self.text, at)
        if start is None:
            return
        window = _mask(self.text[start.end() : start.end() + 220])
        end = _DESCRIPTION_END.search(window)
        raw = window[: end.start() if end else len(window)].replace("\u2024", ".")
        text = raw.strip(" ,")
        paren = start.group("paren")
        if paren:
            # "Howard Dean (D), a Clinton supporter": the appositive goes on after the brackets
            appositive = _DESCRIPTION_START.match(raw) if raw.startswith(",") else None
            text = f"({paren}), {text}" if appositive and len(text.split()) > 1 else f"({paren})"
        elif _EMPTY_DESCRIPTION.match(text):
            return
        elif _CLAUSE_NOT_ROLE.search(text) and not _RELATIVE_START.match(text):
            return  # ", the wall is designed to withstand floods": a clause, not who they are
        elif _PARTY_STATE.match(text):
            text = text.split(",")[0]  # "R-Ky., delivered a message": the label alone
        if not text or (end is None and len(window) >= 220):
            return
        self.last_description = text
        if not entity.description:
            entity.description = text

    def _by_role_noun(self, phrase: str) -> Entity | None:
        """ "the Florida senator": the latest person made a subject, if the noun is a role."""
        head = phrase.split()[-1].lower().rstrip(".")
        if head not in _PERSON_ROLES and head not in CORE_TITLES:
            return None
        for entity in reversed(self.context.subjects):
            if entity.kind == "person":
                return entity
        return None

    def sentence_subject(self, start: int, end: int) -> Attribution | None:
        """No speech verb, but a subject before the quote: "Cruz coached Trump to “…”"."""
        # The subject opens the sentence: reading its first 300 characters keeps a sentence
        # of thousands of quotes linear.
        end = min(end, start + 300)
        if end <= start:
            return None
        # every quote past the sentence's first 300 characters reads the same opening
        key = (start, end)
        if key not in self._subjects:
            self._subjects = {key: self._sentence_subject(start, end)}
        return self._subjects[key]

    def _sentence_subject(self, start: int, end: int) -> Attribution | None:
        words = self.text[start:end].split(maxsplit=1)
        if words and words[0].lower().strip(",") in _SUBJECT_PRONOUN:
            entity = self.context.resolve_pronoun(words[0].strip(","), [])
            return Attribution(entity, "sentence-subject", None, 0.4) if entity else None
        mentions = _candidates(find_mentions(self.text, start, end))
        if mentions:
            entity = self.entities.add(mentions[0])
            self.describe(entity, mentions[0].end)
            return Attribution(entity, "sentence-subject", None, 0.45)
        return None

    def _local(self, before: int) -> list[Entity]:
        return self._sentence_subjects_before(before)

    def _sentence_subjects_before(self, before: int) -> list[Entity]:
        """The sentence's entities named before `before`, first first. A pronoun takes the
        first that fits, so a handful is enough, and a sentence of thousands of names costs
        no more than a short one."""
        found: list[Entity] = []
        for mention in self._sentence_mentions[:_LOCAL_MENTIONS]:
            if mention.end > before or len(found) == _LOCAL_CANDIDATES:
                break
            if not (mention.prepositional or mention.modifier):
                entity = self.entities.lookup(mention.name)
                if entity is not None and entity not in found:
                    found.append(entity)
        return found

    def subject_pronoun(self, start: int) -> Entity | None:
        """The referent of a pronoun opening a sentence ("He said …"), if it has one."""
        if _OPENING_WORD.match(self.text, start) is None:
            return None  # most sentences: none of the three openings below
        match = _OPENING_PRONOUN.match(self.text, start)
        if match is not None:
            return self.context.resolve_pronoun(match.group("p"), [])
        match = _OPENING_BODY.match(self.text, start)
        if match is not None:
            # "The political bureau of the Houthis issued a statement": a body is the subject
            return self.entities.body(" ".join(match.group("np").split()))
        match = _OPENING_ROLE.match(self.text, start)
        if match is not None:
            # "The Turkish president said …", "The ministry stated …"
            found = self.source(start + match.start("np"), start + match.end("np"), "last")
            return found[0] if found is not None and found[0].kind != "place" else None
        return None

    def reporting_clause(self, start: int, end: int) -> Attribution | None:
        """The speaker of a closing reporting clause: "…, Sing’oei said." or "…, said X."."""
        if not _REPORTING_VERB.search(self.text, max(start, end - 75), end):
            return None  # most sentences end without one: skip the masking below
        window = _mask(self.text[max(start, end - 160) : end])
        match = _REPORTING_END.search(window)
        if match is None:
            return None
        offset = max(start, end - 160)
        s, e = offset + match.start("source"), offset + match.end("source")
        found = self.source(s, e, "last")
        if found is None:
            return None
        return Attribution(found[0], "reporting-clause", match.group("verb"), 0.8 - found[1])

    # -- the rules -----------------------------------------------------------------

    _sentence_mentions: list[Mention] = []

    def after_quote(self, start: int, end: int) -> Attribution | None:
        """“…,” X said / “…,” said X: the frame right after the closing mark.

        A quotation relayed by another outlet keeps that in its description:
        "“…,” Sanders said, according to CNN" proposes Sanders, "according to CNN".
        """
        found = self._after_quote(start, end)
        if found is not None:
            relayed = _RELAYED.search(self.text, start, end)
            if relayed:
                by = " ".join(relayed.group("by").split())
                said = self.last_description
                self.last_description = (
                    f"{said}, according to {by}" if said else f"according to {by}"
                )
        return found

    def _after_quote(self, start: int, end: int) -> Attribution | None:
        window = _mask(self.text[start:end])
        # “…” ― Esther Tapia: a signed quotation, as in testimonials and epigraphs
        match = _AFTER_DASH.match(window)
        if match:
            found = self.source(start + match.start("source"), start + match.end("source"), "first")
            if found:
                return Attribution(found[0], "after-quote", "―", 0.9 - found[1])
        match = _AFTER_VERB_FIRST.match(window)
        # ”, adding that Donald Trump …: a participle goes on with the subject from before
        # the quote, and what follows it is not the speaker
        if match and not (
            _PARTICIPLE.search(match.group("verb")) or _THAT.match(match.group("rest"))
        ):
            rest_start = start + match.start("rest")
            rest_end = rest_start + _phrase_length(match.group("rest"))
            found = self.source(rest_start, rest_end, "last")
            if found is None:
                # "stressed HE Adviser to the Prime Minister and Official Spokesperson …
                # Dr Majed al-Ansari.": a chain of titles before the name
                titles = find_mentions(self.text, rest_start, rest_end)
                if titles and all(m.title_only for m in titles):
                    stop = _CHAIN_END.search(window, match.start("rest"))
                    chain_end = start + (stop.start() if stop else len(window))
                    found = self.source(rest_start, chain_end, "last")
            if found:
                return Attribution(found[0], "after-quote", match.group("verb"), 0.95 - found[1])
        match = _AFTER_SOURCE_FIRST.match(window)
        if match:
            found = self.source(start + match.start("source"), start + match.end("source"), "last")
            if found:
                return Attribution(found[0], "after-quote", match.group("verb"), 0.95 - found[1])
        # ” Amy Pope, deputy homeland security adviser, said …
        match = _AFTER_APPOSITIVE.match(window)
        if match:
            # ” Sanders’s campaign manager, Jeff Weaver, said: the appositive names him
            source = (start + match.start("source"), start + match.end("source"))
            appositive = (start + match.start("appositive"), start + match.end("appositive"))
            found = None
            if not _candidates(find_mentions(self.text, *source)):
                # ” another friend, Mariam Emara, told CNN: the name in the appositive
                found = self.source(*appositive, "first", False)
            found = (
                found
                or self.source(*source, "last", False)
                or self.source(*appositive, "first", False)
            )
            if found:
                self.last_description = (
                    self.last_description
                    or self.text[
                        start + match.start("source") : start + match.end("source")
                    ].strip()
                )
                return Attribution(found[0], "after-quote", match.group("verb"), 0.9 - found[1])
            found = self.source(start + match.start("source"), start + match.end("source"), "last")
            if found:
                self.describe(found[0], start + match.end("source"))
                return Attribution(found[0], "after-quote", match.group("verb"), 0.9 - found[1])
        # ” Trump assured Jones …: a name, then a verb in the past tense
        match = _AFTER_NAME_VERBED.match(window)
        if match:
            found = self.source(start + match.start("source"), start + match.end("source"), "last")
            if found and not found[1]:
                return Attribution(found[0], "after-quote", match.group("verb"), 0.75)
        # ” if she didn't win by more, said David Wasserman.
        match = _LATER_SAID.search(window)
        if match:
            rest_start = start + match.start("rest")
            rest_end = rest_start + _phrase_length(match.group("rest"))
            found = self.source(rest_start, rest_end, "last")
            if found:
                return Attribution(found[0], "after-quote", match.group("verb"), 0.8 - found[1])
        return None

    def paragraph_subject(self, start: int, end: int) -> Attribution | None:
        """A bare quote paragraph after "Viguerie is upbeat …" or "Karadsheh says:"."""
        window = self.text[start:end]
        colon = window.rstrip().endswith(":")
        words = window.split()
        if words and words[0].lower() in _SUBJECT_PRONOUN:
            entity = self.context.resolve_pronoun(words[0], [])
            if entity is not None:
                return Attribution(entity, "previous-paragraph", None, 0.45 if colon else 0.25)
        mentions = _candidates(find_mentions(self.text, start, end))
        if mentions:
            entity = self.entities.add(mentions[0])
            return Attribution(
                entity, "previous-paragraph", ":" if colon else None, 0.5 if colon else 0.3
            )
        return None

    def before_quote(self, start: int, end: int) -> Attribution | None:
        """The frame between the sentence's start (or the previous quote) and the quote."""
        window = self.text[start:end]
        if not window.strip():
            return None
        matches = list(_ACCORDING.finditer(window))
        if matches:
            according = matches[-1]
            s = start + according.start("source")
            found = self.source(s, s + _phrase_length(according.group("source")), "last")
            if found:
                return Attribution(found[0], "according-to", "according to", 0.85 - found[1])
        verbs = list(VERB.finditer(window))
        if verbs:
            verb = verbs[-1]
            participle = bool(_PARTICIPLE.search(verb.group()))
            region_end = start + verb.start()
            region = self.text[start:region_end]
            appositive = _APPOSITIVE.search(region)
            described_at = None
            # ", former Gov. Mike Huckabee agreed, praising …" is a clause, not an appositive
            if appositive and (
                _RELATIVE.match(appositive.group()) or not VERB.search(appositive.group())
            ):
                described_at = start + appositive.start()
                region_end = described_at
                region = self.text[start:region_end]
            clause = 0
            for clause_match in _CLAUSE_START.finditer(region):
                clause = clause_match.end()
            tail = region[clause:]
            pronoun = _tail_pronoun(tail)
            opening = _OPENING_PRONOUN.match(region) if participle else None
            if opening:
                # "He argued that Iran won, stating …": the participle's subject opens
                pronoun = opening.group("p")
            if pronoun:
                entity = self.context.resolve_pronoun(pronoun, self._local(start + clause))
                if entity is not None:
                    return Attribution(entity, "before-quote", verb.group(), 0.75)
            last_part = tail.rsplit(",", 1)[-1]
            voiced = self._voice(last_part.strip(), region_end - len(last_part.lstrip()))
            if voiced is not None and not participle:
                # "Abbas’s spokesman called …", "the ministry stated …"
                return Attribution(voiced[0], "before-quote", verb.group(), 0.85 - voiced[1])
            unnamed = _UNNAMED.match(self.text, start + clause, region_end)
            if unnamed and not participle:
                # "A spokesman for Platte River … said": the subject is the unnamed spokesman
                entity = self.entities.unnamed(unnamed.group("np"))
                return Attribution(entity, "before-quote", verb.group(), 0.8)
            mentions = _candidates(find_mentions(self.text, start + clause, region_end))
            if not mentions and clause:
                unnamed = _UNNAMED.match(self.text, start, region_end)
                if unnamed and not participle:
                    entity = self.entities.unnamed(unnamed.group("np"))
                    return Attribution(entity, "before-quote", verb.group(), 0.7)
                mentions = _candidates(find_mentions(self.text, start, region_end))
                # "Clinton said Trump is responsible … and accused him of “…”": the verb
                # right after "and" shares the sentence's subject
                coordinated = not region[clause:].strip()
            else:
                coordinated = False
            if mentions and all(m.kind == "place" for m in mentions) and clause:
                # "denied a rift between Saudi Arabia and the UAE, saying …": the clause
                # after "and" names only places; the subject is further back
                whole = _candidates(find_mentions(self.text, start, region_end))
                mentions = _speakers_first(whole) if whole else mentions
                coordinated = True
            mentions = _speakers_first(mentions)
            if mentions:
                mention = mentions[0] if participle or coordinated else mentions[-1]
                # "Swanson, who is a pastor at the … Church of Elizabeth, Colorado, slammed":
                # the name a relative clause describes is the subject
                for candidate in mentions:
                    if _RELATIVE.match(self.text, candidate.end):
                        mention = candidate
                        break
                method = "participle" if participle else "before-quote"
                confidence = 0.75 if participle else 0.87
                entity = self.entities.add(mention)
                self.describe(entity, mention.end)
                return Attribution(entity, method, verb.group(), confidence)
            role = self._role_before(start, region_end)
            if role is None:
                # "Iran’s Foreign Minister responded … by saying": a title without a name
                titles = [
                    m
                    for m in find_mentions(self.text, start + clause, region_end)
                    if m.title_only and not m.prepositional
                ]
                if titles:
                    words = f"{titles[0].role} {titles[0].name}".strip()
                    role = self.entities.by_role(words) or self._by_role_noun(words)
            if role is not None:
                return Attribution(role, "before-quote", verb.group(), 0.75)
        colon = _COLON.search(window)
        if colon:
            s = start + colon.start("source")
            found = self.source(s, start + colon.end("source"), "last")
            if found:
                return Attribution(found[0], "colon", ":", 0.8 - found[1])
            # "… so odd that a spokesman for Bernie Sanders could only quip: “…”"
            unnamed = _UNNAMED.search(self.text, s, start + colon.end("source"))
            if unnamed:
                return Attribution(self.entities.unnamed(unnamed.group("np")), "colon", ":", 0.6)
        return None

    def _role_before(self, start: int, end: int) -> Entity | None:
        match = _ROLE_AT_END.search(self.text[start:end])
        return self.entities.by_role(match.group(1)) if match else None

    def frame_sentence(self, start: int, end: int) -> Attribution | None:
        """A short sentence that only frames the quote next to it: "Smith said so."."""
        window = _mask(self.text[start:end])
        if len(window) > 160:
            return None
        match = _AFTER_SOURCE_FIRST.match(window)
        if match and len(window) - match.end() < 60:
            found = self.source(start + match.start("source"), start + match.end("source"), "last")
            if found:
                return Attribution(found[0], "next-sentence", match.group("verb"), 0.85 - found[1])
        return None

    def sentence_speaker(self, start: int, end: int) -> Attribution | None:
        """The subject of a sentence with a speech verb: "Smith said the plan would fail."."""
        window = self.text[start:end]
        verb = VERB.search(window)
        if verb is None:
            return None
        region_end = start + verb.start()
        tail = self.text[start:region_end]
        pronoun = _tail_pronoun(tail)
        if pronoun:
            entity = self.context.resolve_pronoun(pronoun, [])
            if entity is not None:
                return Attribution(entity, "previous-sentence", verb.group(), 0.35)
        mentions = _candidates(find_mentions(self.text, start, region_end))
        if mentions:
            return Attribution(
                self.entities.add(mentions[-1]), "previous-sentence", verb.group(), 0.4
            )
        return None


def _telling_role(role: str) -> bool:
    """A title worth showing beside the name: "Senate Minority Leader", not "Sen."."""
    words = role.split()
    return len(words) > 1 and not all(w.endswith(".") for w in words)


def _tail_pronoun(tail: str) -> str | None:
    words = tail.split()
    trimmed = [w.strip(",") for w in words[-3:]]
    for word in reversed(trimmed):
        if word.lower() in _SUBJECT_PRONOUN:
            return word
        if word.lower() not in (
            "also",
            "then",
            "later",
            "has",
            "had",
            "have",
            "would",
            "will",
            "again",
            "once",
        ):
            break
    return None


def _phrase_length(rest: str) -> int:
    """Where a source phrase after a verb ends: punctuation, a clause or a preposition."""
    match = _PHRASE_END.search(rest)
    return match.start() if match else len(rest)
