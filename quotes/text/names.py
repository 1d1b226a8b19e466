"""Speaker mentions without a trained model: capitalised name sequences, titles, acronyms.

A mention is a run of capitalised words ("Mohammad Bagher Ghalibaf", "National
Council of Resistance of Iran"), with leading function words and titles stripped
("The", "Foreign Minister"): the title is kept as the speaker's role. Flags say
what the grammar around it shows: a prepositional object ("of the NCRI"), a
possessive ("Lebanon’s"), or a modifier ("the Iranian regime").
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from quotes.text.naming import HONORIFICS, RANKS
from quotes.text.places import is_place

_CAP = (
    r"(?:(?:[A-Z]\.){2,}|(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Adm|Rev|Prof|Sgt|Atty|Jr|Sr|St|"
    r"Capt|Maj|Cmdr|Supt|Det|Mt|Ft)\.|[A-Z]\.(?=\s+[A-Z])|Mc[A-Z][\w’'\-]*|"
    r"(?:al|el|ad|as|ash|bin|ibn|abu|abd|abdel|abdul)-[A-Z][\w’'\-]*|[A-Z][\w’'\-]*)"
)
_JOIN = (
    r"(?:\s+(?:of|of\s+the|for|for\s+the|de|del|de\s+la|la|le|van|von|der|den|da|du|di|dos|"
    r"bin|bint|ibn|al|el)\s+|[ \t]+)"
)
MENTION = re.compile(rf"(?<![\w’'\-]){_CAP}(?:{_JOIN}{_CAP})*")

PRONOUNS = {
    "he": "m",
    "him": "m",
    "his": "m",
    "she": "f",
    "her": "f",
    "they": "p",
    "them": "p",
    "their": "p",
    "it": "n",
    "its": "n",
}

# Capitalised at a sentence start or in titles, never a name on their own.
STOP_WORDS = frozenset(
    """
    a an the in on at by for from of to with without into onto over under after before
    during since until as and but or nor so yet if when while where whereas though although
    because despite unless whether then than this that these those there here it its he she
    they we i you his her their our my your me us them him who whom whose what which why how
    also still even just only now not no yes all both each every many most much more some
    any other another such same one two three four five six seven eight nine ten first second
    third last next new meanwhile however moreover furthermore instead indeed perhaps maybe
    according asked said says told added like unlike among between against about above below
    around through throughout toward towards upon within without beyond behind near amid
    is was are were been do does did has have had should could would must might shall can
    early late shortly soon recently already finally eventually afterward afterwards
    separately similarly likewise additionally specifically ultimately initially
    mr mrs ms dr sir madam dear oh well please thanks thank today tomorrow yesterday tonight
    now later earlier source sources read see watch click update editor note photo image
    video related advertisement share comment comments subscribe sign breaking exclusive
    up down out off
    """.split()
)

DATE_WORDS = frozenset(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday mon tue tues wed thu thurs fri sat sun christmas easter thanksgiving
    """.split()
)

# Words that make a leading part of a mention a title or role, not a name.
TITLE_WORDS = (
    frozenset(
        """
    president vice sen senator rep representative gov governor mayor secretary minister
    foreign prime defense defence interior finance justice home state dr mr mrs ms mx prof
    professor gen general judge chief speaker director commissioner attorney pope king queen
    prince princess lt col adm admiral rev reverend ambassador spokesman spokeswoman
    spokesperson leader sheikh ayatollah imam former candidate nominee chairman chairwoman chair
    ceo founder sgt officer detective sheriff deputy majority minority whip press white house
    senate congressman congresswoman councilman councilwoman councilmember assemblyman
    assemblywoman lawmaker democratic democrat republican gop presidential elect president-elect
    u.s. us federal national security adviser advisor counsel staff executive homeland
    sen. rep. gov. gen. dr. mr. mrs. ms. lt. col. adm. rev. prof. sgt. atty. supreme court
    commander lieutenant colonel captain major sergeant corporal private brigadier marshal
    mullah cardinal bishop archbishop father sister brother lord lady dame sir baroness baron
    emir crown caliph grand supreme independent libertarian green labour labor conservative
    liberal
    """.split()
    )
    | HONORIFICS
    | RANKS
)

# The core of a title: one of these must be present before anything is stripped, so
# "National Council of Resistance of Iran" keeps its "National".
CORE_TITLES = (
    frozenset(
        """
    president vice-president president-elect sen senator rep representative gov governor
    mayor secretary minister dr mr mrs ms mx prof professor gen general judge justice chief
    speaker director commissioner attorney pope king queen prince princess lt col adm admiral
    rev reverend ambassador spokesman spokeswoman spokesperson leader sheikh ayatollah imam
    chairman chairwoman chair ceo founder sgt officer detective sheriff deputy whip
    congressman congresswoman councilman councilwoman councilmember assemblyman assemblywoman
    lawmaker candidate nominee commander lieutenant colonel captain major sergeant adviser
    advisor counsel mullah cardinal bishop archbishop emir caliph lord lady dame sir
    spokesperson
    """.split()
    )
    | (HONORIFICS - {"he", "crown", "grand"})
    | (RANKS - {"field"})
)

ORG_WORDS = frozenset(
    """
    council party ministry department agency committee organization organisation group
    association institute university college corps force forces guard guards army navy police
    bank fund commission court campaign office administration house congress senate parliament
    union federation foundation center centre network coalition alliance front movement
    company corporation inc corp co ltd llc plc times post news journal press tribune herald
    review magazine agency service services bureau board authority government regime cabinet
    church mosque club team league station channel radio tv television times hezbollah hamas
    palace kremlin
    taliban isis nato un eu fbi cia nsa irgc mek pmoi ncri gop dnc rnc aclu who imf opec
    """.split()
)

FEMALE_TITLES = frozenset({"mrs", "ms", "madam", "queen", "princess", "lady", "dame", "sister"})
MALE_TITLES = frozenset({"mr", "king", "prince", "sir", "lord", "father", "brother"})


class Mention(NamedTuple):  # a tuple: built tens of thousands of times per MB of text
    start: int
    end: int
    name: str  # the name with leading stop words and titles stripped
    role: str  # the stripped title, if any ("Foreign Minister")
    kind: str  # "person" or "organisation"
    gender: str  # "m", "f" or "" when the text does not show it
    prepositional: bool  # "of the NCRI", "in Iraq"
    possessive: bool  # "Lebanon’s"
    modifier: bool  # "the Iranian regime": an adjective, not a speaker
    acronym_of: str | None = None  # "(NCRI)" right after this mention defines an acronym
    title_only: bool = False  # "the DP", "Adviser": a title that refers to someone, no name


_PREPOSITIONS = frozenset(
    "of in at on from to into onto by with without for against about over under after before "
    "during since until toward towards upon within among between across through near amid "
    "like versus via".split()
)
_WORD_AFTER = re.compile(r"\s*([A-Za-z’'\-]+)")
# "(NCRI)", "(MoD)"; not a party and state "(D-Conn.)" nor a state "(Tex.)"
_ACRONYM_AFTER = re.compile(r"\s*\((?![DRI]-)([A-Z][a-z&./\-]?[A-Z][A-Za-z&./\-]{0,11})\)")
_DEMONYM = re.compile(r"(?:ian|ean|ese|ish|ic|i)$")
_HEADISH = frozenset(
    """
    said says say told tells wrote writes added adds asked asks tweeted tweets posted noted
    notes stated states declared declares announced announces explained explains argued argues
    insisted insists warned warns claimed claims replied replies responded responds continued
    continues acknowledged acknowledges admitted admits called calls described describes urged
    urges praised praises criticized criticised criticizes condemned condemns accused accuses
    blamed blames vowed vows promised promises predicted predicts suggested suggests recalled
    recalls joked jokes quipped complained complains conceded concedes countered counters
    emphasized emphasised stressed stresses observed observes remarked remarks wondered
    is was are were has had have will would could can may might should must did does do
    also then later previously spokesman spokeswoman spokesperson who which and or but
    that whose whom as if because while when where said, says,
    """.split()
)


# After a capitalised common noun at a sentence start: "Targets could …", "Conflict in …"
_COMMON_NOUN_NEXT = frozenset(
    "could would should can may might must will in of on at for over across to from".split()
)
_ARTICLE_BEFORE = re.compile(r"(?:^|\s)(?:the|The|a|an)\s$")
_ORG_TAILS = frozenset("affairs relations security defence defense affair".split())
_SPEECH = frozenset("said says told tells added adds wrote writes asked asks".split())
_COMMON_VERBS = frozenset(
    """
    wants thinks believes knows seems appears remains needs gets goes makes takes gives sees
    hopes plans expects faces leads runs wins loses holds keeps leaves comes becomes tries
    did does won lost met came went made took gave saw led ran held kept left became tried
    never always still now just recently again already earlier once first
    """.split()
)
# Where the story was filed, at the start of a line: "BAGHDAD (Reuters) -", "CAIRO, May 2
# (Reuters) -", "Doha, Qatar:", "Mexico City—", "Iran (IMNA) -", "MANCHESTER, N.H. -".
_DATELINE = re.compile(
    r"(?P<place>[A-Z][\w’'.\-]*(?:[ \t]+[A-Z][\w’'.\-]*){0,3})"
    r"(?P<where>,[ \t]*[A-Z][\w.’'\- ]{0,30}?)?(?P<agency>[ \t]*\([^()\n]{1,30}\))?"
    r"[ \t]*(?:[—–]|--?|:)(?=[ \t]|[A-Z])"
)
_PARTY_LABEL = re.compile(r"^[DRI]-[A-Z][\w.]*$")
_MAX_NAME_WORDS = 7
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s|\n)[\s“\"‘(]*$")
_LOWER_WORD = re.compile(r"\b[a-z][a-z’'\-]*\b")


@functools.lru_cache(maxsize=4)
def _lowercase_words(text: str) -> frozenset[str]:
    """Every word the text writes in lower case (one article at a time, so a small cache)."""
    return frozenset(_LOWER_WORD.findall(text))


_CAPITAL_WORD = re.compile(r"[A-Z][a-z]+")


def _written_once(text: str, word: str) -> bool:
    """Whether the text writes this capitalised word ("Targets") once and only once.

    Asked of few words, so the text is searched for that word alone rather than
    counting every capitalised word of every article.
    """
    if _CAPITAL_WORD.fullmatch(word) is None:
        return False
    return len(re.findall(rf"\b{word}\b", text)) == 1


def dateline_end(text: str, line_start: int) -> int:
    """The end of the dateline opening the line at line_start, or -1 if it has none.

    A dateline's place is in capitals, a known place, or followed by an agency in
    brackets; "Araghchi: “…”" is a headline with a speaker, not a dateline.
    """
    match = _DATELINE.match(text, line_start)
    if match is None:
        return -1
    place = match.group("place")
    where = (match.group("where") or "").strip(" ,")
    capitals = sum(1 for c in place if c.isupper()) > len(place.replace(" ", "")) // 2
    if match.group("agency") or (capitals and len(place) >= 3) or is_place(place):
        return match.end()
    if where and is_place(where):
        return match.end()
    return -1


@functools.lru_cache(maxsize=4)
def _datelines(text: str) -> dict[int, int]:
    """The dateline ends found so far in one article, by line start.

    Per article, at most four: a cache keyed by (text, line) kept up to 256 articles
    alive (20 one-line articles of 1 MB analysed in a row left 20.7 MB held; now 4.3).
    """
    return {}


def _line_dateline(text: str, line_start: int) -> int:
    found = _datelines(text)
    end = found.get(line_start)
    if end is None:
        end = found[line_start] = dateline_end(text, line_start)
    return end


_DEMONYM_PLURAL = re.compile(r"(?:ians|eans|is|ese)$")


_ROLE_HEADS = frozenset(
    """
    spokesman spokeswoman spokesperson secretary manager adviser advisor director strategist
    aide chairman chairwoman counsel pollster consultant analyst economist professor lawyer
    attorney official minister leader founder president ceo editor correspondent reporter
    writer author historian expert activist candidate nominee senator governor mayor
    """.split()
)
_ROLE_BEFORE = re.compile(
    r"(?<![\w’'])(?P<role>(?:[A-Z][\w.’'\-]*\s+){0,3}"
    r"(?:(?!(?:said|says|told|the|a|an|and|or|of|by|to|with|for|as|at|in|on)\s)[a-z][\w\-]*\s+)?"
    rf"(?:{'|'.join(sorted(_ROLE_HEADS))}))\s+$"
)
_ARTICLES = frozenset("the a an his her its their this that our".split())
_TRAILING_WORD = re.compile(r"[A-Za-z’'\-]+$")


def _word_before(text: str, at: int) -> str:
    """The word before a mention, looking past an article ("in the Great Recession"),
    never across a sentence end ("discriminated against. Hayek confirmed")."""
    words = text[max(0, at - 30) : at].rsplit(None, 2)  # the last two words are enough
    if len(words) > 1 and words[-1].lower() in _ARTICLES and text[at - 1 : at].isspace():
        words.pop()
    return _bare_word(words[-1]) if words else ""


@functools.lru_cache(maxsize=4096)  # "the", "of", "said": the same few words before names
def _bare_word(word: str) -> str:
    """ "(Sen." -> "", "“Obama’s" -> "obama’s": a token as a word, or "" past a sentence end."""
    core = word.rstrip('“"‘(,;:—–-')
    if len(word) - len(core) > 2 or core.endswith((".", "!", "?")):
        return ""
    match = _TRAILING_WORD.search(core)
    return match.group().lower() if match else ""


def _line_start(text: str, at: int, within: int) -> int:
    """The start of the line holding `at` if it is at most `within` characters back, else -1.

    The search is bounded: a text of one 2-million-character line must not be scanned
    back to its start for every name in it.
    """
    floor = max(0, at - within - 1)
    newline = text.rfind("\n", floor, at)
    if newline != -1:
        return newline + 1
    return 0 if floor == 0 else -1


def _starts_sentence(text: str, at: int) -> bool:
    """Whether a word opens a sentence, the first after a dateline included."""
    if _SENTENCE_START.search(text, max(0, at - 3), at):
        return True
    line_start = _line_start(text, at, 60)
    if line_start < 0:
        return False
    end = _line_dateline(text, line_start)
    return end != -1 and not text[end:at].strip()


_POSSESSIVE_ENDS = ("’s", "'s", "’", "'")


def _strip_possessive(word: str) -> tuple[str, bool]:
    if word.endswith(_POSSESSIVE_ENDS):
        for suffix in _POSSESSIVE_ENDS:
            if word.endswith(suffix) and len(word) > len(suffix):
                return word[: -len(suffix)], True
    return word, False


def _bare(token: str) -> str:
    return token.lower().rstrip(".")


_LEAD_WORDS = STOP_WORDS | DATE_WORDS
_TITLE_OR_JOIN = TITLE_WORDS | {"of", "the", "for"}
_TITLE_OR_JOIN_TO = _TITLE_OR_JOIN | {"to"}
_NOT_A_NAME_START = frozenset(("of", "the", "for", "and"))


def _gender(titles: list[str]) -> str:
    """ "f" or "m" when a title says so ("Mrs", "Prince"), else ""."""
    if not FEMALE_TITLES.isdisjoint(titles):
        return "f"
    return "m" if not MALE_TITLES.isdisjoint(titles) else ""


class _Parsed(NamedTuple):
    """What a run of capitalised words says by itself, wherever the article has it."""

    tokens: tuple[str, ...]  # the name's words
    name: str
    role_tokens: tuple[str, ...]
    role: str
    lead_words: tuple[str, ...]  # the stripped leading words, lower-cased
    gender: str  # as the title and lead words show it
    start: int  # where the mention starts within the run, past its lead words
    cut: int  # where the run is cut before "of" ("Stephen Vladeck of …"), or -1
    possessive: bool
    kind: str
    is_acronym: bool
    title_only: bool
    demonym: bool  # its first word ends like a demonym ("Iranian")


# An article names the same people again and again, and "The", "But" or "Trump" come back
# across articles: the reading of a run of capitalised words depends only on the run, so
# it is done once per distinct run. The cache is bounded in entries (4,096; an article
# has some 25 distinct runs; 9,000 unique long names fill it, and the place and name
# caches they pass through, with 6 MB in all) and in their length (a name and its titles
# fit in 120 characters; a wall of capitalised words is read each time), so neither
# unique names nor megabyte runs make it grow.
_CACHED_RUN = 120


def _parse(run: str) -> _Parsed | None:
    return _read_run(run) if len(run) > _CACHED_RUN else _read_run_cached(run)


def _read_run(run: str) -> _Parsed | None:
    """How a run of capitalised words splits into lead words, title and name; None when
    the run names nobody by itself (a sentence's opening "The", a date, a headline)."""
    tokens = run.split()
    if len(tokens) == 1 and _bare(tokens[0]) in _LEAD_WORDS:
        return None  # most runs: a lone "The", "But", "He", "Monday"
    # Leading function words and sentence-initial capitals: "The", "In", "But". Counted,
    # then cut once: popping them one by one from the front made "The The The …" quadratic.
    skip = 0
    while skip < len(tokens) and _bare(tokens[skip]) in _LEAD_WORDS:
        if skip + 1 < len(tokens) and tokens[skip] == "New":
            if is_place(f"New {tokens[skip + 1]}"):
                break  # "New York", "New Delhi": part of a place's name
        skip += 1
    lead, tokens = tokens[:skip], tokens[skip:]
    if len(tokens) > 1 and _bare(tokens[0]) == "former":
        lead.append(tokens.pop(0))  # "Former Obama speechwriter Jon Favreau"
    # a trailing period belongs to the sentence unless it ends an initial ("J.")
    if tokens and tokens[-1].endswith(".") and len(tokens[-1]) > 2:
        if _bare(tokens[-1]) not in TITLE_WORDS:
            tokens[-1] = tokens[-1][:-1]
    if not tokens:
        return None
    tokens[-1], possessive = _strip_possessive(tokens[-1])
    lowered = [_bare(t) for t in tokens]
    if lowered[0] in DATE_WORDS or not tokens[-1]:
        return None
    role_tokens: list[str] = []
    if len(tokens) > 1 and not CORE_TITLES.isdisjoint(lowered):
        last_title = max(i for i, w in enumerate(lowered) if w in TITLE_WORDS or w == "of")
        if last_title < len(tokens) - 1 and all(
            w in _TITLE_OR_JOIN or tokens[i][:1].isupper()
            for i, w in enumerate(lowered[: last_title + 1])
        ):
            role_tokens = tokens[: last_title + 1]
            tokens = tokens[last_title + 1 :]
            lowered = lowered[last_title + 1 :]
    if (
        len(tokens) == 1
        and role_tokens
        and lowered[0] in _ORG_TAILS
        and lowered[0] not in ORG_WORDS
        and tokens[0][:1].isupper()
        and any(_bare(t) in ORG_WORDS for t in role_tokens)
    ):
        # "Spokesperson for the Ministry of Foreign Affairs": a title, nobody's name
        tokens = role_tokens + tokens
        lowered = [_bare(t) for t in tokens]
        role_tokens = []
    skip = 0
    while skip < len(tokens) and lowered[skip] in _NOT_A_NAME_START:
        skip += 1
    tokens, lowered = tokens[skip:], lowered[skip:]
    if not tokens:
        return None
    if role_tokens and _bare(role_tokens[-1]) in ("of", "for", "the"):
        # "President-elect of the NCRI": the NCRI is the object, the title someone else's
        role_tokens = []
    if len(tokens) == 1 and (_PARTY_LABEL.match(tokens[0]) or len(tokens[0]) == 1):
        return None  # "(R-Wis.)", "D-Conn.": a party and state, not a speaker
    cut = -1
    of_at = next((i for i, t in enumerate(tokens) if t == "of"), 0)
    if (
        of_at >= 2
        and ORG_WORDS.isdisjoint(lowered[:of_at])
        and TITLE_WORDS.isdisjoint(lowered[:of_at])
        and not ORG_WORDS.isdisjoint(lowered[of_at:])
    ):
        # "Stephen Vladeck of the University of Texas": a person, then where they work
        cut = run.find(" of")
        if cut != -1:
            tokens = tokens[:of_at]
            lowered = lowered[:of_at]
            possessive = False
    if len(tokens) > _MAX_NAME_WORDS:
        return None  # a headline in title case, not a name
    if len(tokens) > 1 and sum(len(t) > 3 and t.isupper() for t in tokens) > 1:
        return None  # a heading in capitals: "TELLING OF THE SYRIAN REFUGEE CRISIS"
    name = " ".join(tokens)
    # the mention's text starts after the stripped lead words
    start = run.find(role_tokens[0] if role_tokens else tokens[0]) if lead else 0
    is_acronym = len(name) >= 2 and name.replace(".", "").replace("&", "").isupper()
    kind = (
        "organisation"
        if is_acronym or not ORG_WORDS.isdisjoint(lowered)
        else "place"
        if is_place(name)
        else "group"
        if len(tokens) == 1 and _DEMONYM_PLURAL.search(name) and is_place_stem(name)
        else "person"
    )
    # "Iran’s Foreign Minister": whose title it is, then the title, and no name
    titled = lowered[1:] if _strip_possessive(tokens[0])[1] else lowered
    title_only = not CORE_TITLES.isdisjoint(titled) and all(w in _TITLE_OR_JOIN_TO for w in titled)
    lead_words = [_bare(w) for w in lead]
    return _Parsed(
        tokens=tuple(tokens),
        name=name,
        role_tokens=tuple(role_tokens),
        role=" ".join(role_tokens),
        lead_words=tuple(lead_words),
        gender=_gender([_bare(t) for t in role_tokens] + lead_words),
        start=max(start, 0),
        cut=cut,
        possessive=possessive,
        kind=kind,
        is_acronym=is_acronym,
        title_only=title_only,
        demonym=_DEMONYM.search(tokens[0]) is not None,
    )


_read_run_cached = functools.lru_cache(maxsize=4096)(_read_run)


def find_mentions(text: str, start: int, end: int) -> list[Mention]:
    """Name mentions in text[start:end], in order."""
    found: list[Mention] = []
    for match in MENTION.finditer(text, start, end):
        parsed = _parse(match.group())
        if parsed is None:
            continue
        m_start, m_end = match.span()
        line_start = _line_start(text, m_start, 40)
        if line_start >= 0 and m_start < _line_dateline(text, line_start):
            continue  # "MANCHESTER, N.H. -": where the story was filed, not who spoke
        if parsed.cut != -1:
            m_end = m_start + parsed.cut
        tokens = parsed.tokens
        possessive = parsed.possessive
        lead = bool(parsed.lead_words)
        after = _WORD_AFTER.match(text, m_end)
        after_word = after.group(1) if after else ""
        if len(tokens) == 1:
            word = tokens[0]
            opens = not lead and _starts_sentence(text, m_start)
            if opens and word.lower() in _lowercase_words(text):
                # "Nevertheless," "Officials": a common word capitalised at a sentence start
                continue
            if (
                opens
                and not possessive
                and after_word in _COMMON_NOUN_NEXT
                and _written_once(text, word)
            ):
                continue  # "Targets could …", "Conflict in …": named once, at a sentence start
            if (
                len(word) > 5
                and word.endswith("ing")
                and after_word[:1].islower()
                and after_word.lower() not in _SPEECH
            ):
                continue  # "Speaking in a televised interview", after a dateline too
            if opens and len(word) > 4 and word.endswith(("ing", "ed")):
                continue  # "Acknowledging that …", "Based on …"
        m_start += parsed.start
        before_word = _word_before(text, m_start)
        role, gender = parsed.role, parsed.gender
        if role and before_word == "former":
            role = f"former {role}"  # "former President Jair Bolsonaro"
        if not role and before_word in _ROLE_HEADS and len(tokens) > 1:
            # "White House spokesman Josh Earnest": a role in lower case before the name
            described = _ROLE_BEFORE.search(text, max(0, m_start - 60), m_start)
            if described:
                role_tokens = described.group("role").split()
                role = " ".join(role_tokens)
                gender = _gender([_bare(t) for t in role_tokens] + list(parsed.lead_words))
        lead_words = parsed.lead_words
        prepositional = (
            (lead_words[-1] in _PREPOSITIONS) if lead_words else (before_word in _PREPOSITIONS)
        )
        next_word = after_word.lower()
        spaced = text[m_end : m_end + 1] == " "
        modifier = (
            not possessive
            and len(tokens) == 1
            and not parsed.is_acronym
            and bool(after_word)
            and after_word[:1].islower()
            and spaced
            and next_word not in _HEADISH
            and not next_word.endswith("ly")  # "Clinton clearly erred"
            and not next_word.endswith(("n’t", "n't"))  # "Weaver didn’t seem …"
            and next_word not in _COMMON_VERBS
            # "Iranian officials"; but "Nakatani said" and "Santilli expressed" are names
            and not next_word.endswith("ed")
            and (parsed.demonym or next_word not in _PREPOSITIONS)
        )
        acronym = _ACRONYM_AFTER.match(text, m_end)
        if (
            parsed.kind == "place"
            and not possessive
            and after_word[:1].islower()
            and spaced
            and next_word not in _HEADISH
            and next_word not in _PREPOSITIONS
            and _ARTICLE_BEFORE.search(text, max(0, m_start - 5), m_start) is not None
        ):
            modifier = True  # "the New Jersey governor", "the Gaza Strip ceasefire"
        found.append(
            Mention(  # by position: this runs for every name in the text
                m_start,
                m_end,
                parsed.name,
                role,
                parsed.kind,
                gender,
                prepositional,
                possessive,
                modifier,
                acronym.group(1) if acronym and not parsed.is_acronym else None,
                parsed.title_only,
            )
        )
    return found


def is_place_stem(word: str) -> bool:
    """ "Israelis", "Iranians", "Lebanese": the people of a place, not one speaker."""
    for suffix, stem_end in (("is", ""), ("ians", ""), ("ians", "a"), ("eans", "a"), ("ese", "")):
        if word.endswith(suffix) and is_place(word[: -len(suffix)] + stem_end):
            return True
    return word.endswith("ese") or word.endswith("ians")
