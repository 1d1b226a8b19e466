"""Attribution patterns, one small article each: who said the quotation, and by which rule."""

from __future__ import annotations

import pytest

from quotes.text import KnownSpeaker, analyze


def quotes_of(text: str, registry: tuple[KnownSpeaker, ...] = ()) -> list[tuple[str, str | None]]:
    return [(c.text, c.speaker) for c in analyze(text, registry).claims if c.kind == "quote"]


CASES = [
    # X said, “…”
    ("Jane Doe said, “The budget is balanced.”", [("The budget is balanced.", "Jane Doe")]),
    # “…,” X said
    ("“We will win this fight,” John Smith said.", [("We will win this fight,", "John Smith")]),
    # “…,” said X
    (
        "“Taxes will fall next year,” said Mary Jones.",
        [("Taxes will fall next year,", "Mary Jones")],
    ),
    # according to X
    (
        "According to the World Health Organization, “cases have doubled since May.”",
        [("cases have doubled since May.", "World Health Organization")],
    ),
    # X described Y as “…”
    (
        "Maryam Rajavi described the strike as an “irreparable blow to the regime.”",
        [("irreparable blow to the regime.", "Maryam Rajavi")],
    ),
    # X …, stating that … “…”
    (
        "Speaker Mohammad Ghalibaf expressed condolences, stating that they "
        "“feel his absence in every front.”",
        [("feel his absence in every front.", "Mohammad Ghalibaf")],
    ),
    # X: “…”
    (
        "Senator Ann Lee: “This bill is a disgrace to the chamber.”",
        [("This bill is a disgrace to the chamber.", "Ann Lee")],
    ),
    # titles stripped, role kept
    (
        "Foreign Minister Hossein Amir-Abdollahian said, “Talks will resume in Vienna.”",
        [("Talks will resume in Vienna.", "Hossein Amir-Abdollahian")],
    ),
    ("“The deal is dead,” said Sen. Ted Cruz.", [("The deal is dead,", "Ted Cruz")]),
    (
        "“Schools will reopen on Monday,” Gov. Andrew Cuomo told reporters.",
        [("Schools will reopen on Monday,", "Andrew Cuomo")],
    ),
    # a noun phrase before the name: the name is the head
    (
        "“We have nothing to announce today,” said White House press secretary Josh Earnest.",
        [("We have nothing to announce today,", "Josh Earnest")],
    ),
    # pronoun to the last person named
    (
        "Hillary Clinton spoke in Ohio on Tuesday. “We need jobs that pay well,” she said.",
        [("We need jobs that pay well,", "Hillary Clinton")],
    ),
    (
        "Donald Trump arrived late. “The system is rigged against us,” he told supporters.",
        [("The system is rigged against us,", "Donald Trump")],
    ),
    # surname alone refers back to the full name
    (
        "Bernie Sanders campaigned in Iowa. “This is a movement of millions,” Sanders said.",
        [("This is a movement of millions,", "Bernie Sanders")],
    ),
    # acronym defined in parentheses, used later
    (
        "The National Council of Resistance of Iran (NCRI) held a rally. "
        "The NCRI said, “The regime is weaker than ever before.”",
        [("The regime is weaker than ever before.", "National Council of Resistance of Iran")],
    ),
    # appositive role: the President-elect of the NCRI, Maryam Rajavi, is Rajavi
    (
        "The President-elect of the NCRI, Maryam Rajavi said, “Freedom is near for all Iranians.”",
        [("Freedom is near for all Iranians.", "Maryam Rajavi")],
    ),
    # appositive after the name
    (
        "Hassan Nasrallah, the chief of Lebanon’s group Hezbollah, said, “We will respond in time.”",
        [("We will respond in time.", "Hassan Nasrallah")],
    ),
    # interrupted quotation: both halves to the same speaker
    (
        "“We are ready,” Angela Merkel said, “and we will not wait any longer.”",
        [("We are ready,", "Angela Merkel"), ("and we will not wait any longer.", "Angela Merkel")],
    ),
    # told X
    (
        "“I have no regrets at all,” Joe Biden told CNN.",
        [("I have no regrets at all,", "Joe Biden")],
    ),
    # tweeted, wrote, added, asked
    (
        "Elon Musk tweeted, “The rocket is ready to fly.”",
        [("The rocket is ready to fly.", "Elon Musk")],
    ),
    (
        "Paul Krugman wrote: “Inflation is transitory for now.”",
        [("Inflation is transitory for now.", "Paul Krugman")],
    ),
    (
        "“And we will build it fast,” Nancy Pelosi added.",
        [("And we will build it fast,", "Nancy Pelosi")],
    ),
    (
        "“Where is the money going now?” asked Chuck Schumer.",
        [("Where is the money going now?", "Chuck Schumer")],
    ),
    # quote then speaker in the next sentence
    ("“We will never surrender to them.” That was Winston Churchill speaking in 1940.", None),
    # speaker in the previous sentence, bare quote after it
    (
        "Barack Obama said the economy was improving. “We have created jobs for 70 months.”",
        [("We have created jobs for 70 months.", "Barack Obama")],
    ),
    # a bare quote paragraph continues the last speaker
    (
        "Mitch McConnell said, “The Senate will vote this week.”\n\n“We have the votes to pass it.”",
        [
            ("The Senate will vote this week.", "Mitch McConnell"),
            ("We have the votes to pass it.", "Mitch McConnell"),
        ],
    ),
    # a quote running across paragraphs
    (
        "Kamala Harris said, “The first part of the plan is simple.\n\n“The second part is harder.”",
        [
            ("The first part of the plan is simple.", "Kamala Harris"),
            ("The second part is harder.", "Kamala Harris"),
        ],
    ),
    # straight quotes
    (
        'Rand Paul said, "The deficit is out of control."',
        [("The deficit is out of control.", "Rand Paul")],
    ),
    # guillemets
    (
        "Emmanuel Macron a dit: «Nous sommes en guerre contre le virus.»",
        [("Nous sommes en guerre contre le virus.", "Emmanuel Macron")],
    ),
    # single quotes, apostrophes not mistaken for them
    (
        "Hassan Nasrallah praised Soleimani for providing ‘logistical support’ to Iran’s allies.",
        [("logistical support", "Hassan Nasrallah")],
    ),
    # nested quotation stays inside
    (
        "The NCRI said, “The regime’s “beloved commander” was a cruel man.”",
        [("The regime’s “beloved commander” was a cruel man.", "NCRI")],
    ),
    # scare quotes and titles are nobody's quotation
    ("The so-called “reform” failed in the House.", []),
    ("He hosted “Saturday Night Live” last year.", []),
    # organisation as the speaker
    (
        "The Pentagon said in a statement, “No troops were injured in the attack.”",
        [("No troops were injured in the attack.", "Pentagon")],
    ),
    # descriptive reference through the registry's role
    (
        "“We will never leave Syria,” the Hezbollah chief said.",
        [("We will never leave Syria,", "Hassan Nasrallah")],
    ),
    # an unnamed source is described as the article describes it, never guessed
    (
        "“It was a quiet night in the city,” a resident said.",
        [("It was a quiet night in the city,", "a resident")],
    ),
]

REGISTRY = (KnownSpeaker("Hassan Nasrallah", "person", ("Nasrallah",), "Hezbollah chief"),)


@pytest.mark.parametrize(("text", "expected"), [c for c in CASES if c[1] is not None])
def test_attribution_pattern(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert quotes_of(text, REGISTRY) == expected


def test_quote_then_speaker_in_the_next_sentence() -> None:
    text = "“We will never surrender to them.” Winston Churchill said that in 1940."
    assert quotes_of(text) == [("We will never surrender to them.", "Winston Churchill")]


def test_at_least_thirty_pattern_cases() -> None:
    assert len(CASES) >= 30


def test_every_attribution_says_why() -> None:
    text = "“We will win this fight,” John Smith said. Jane Doe said, “No, we will not win it.”"
    claims = [c for c in analyze(text).claims if c.kind == "quote"]
    assert [(c.method, c.cue) for c in claims] == [
        ("after-quote", "said"),
        ("before-quote", "said"),
    ]
    assert all(0 < c.confidence <= 1 for c in claims)


def test_pronouns_cost_confidence() -> None:
    direct = analyze("“Our plan is ready now,” Jane Doe said.").claims[0]
    via_pronoun = [
        c
        for c in analyze("Jane Doe spoke. “Our plan is ready now,” she said.").claims
        if c.kind == "quote"
    ][0]
    assert via_pronoun.speaker == "Jane Doe"
    assert via_pronoun.confidence < direct.confidence


def test_the_registry_gives_the_canonical_name() -> None:
    registry = (KnownSpeaker("National Council of Resistance of Iran", "organisation", ("NCRI",)),)
    text = "The NCRI said, “The people want a free and secular republic.”"
    assert quotes_of(text, registry) == [
        ("The people want a free and secular republic.", "National Council of Resistance of Iran")
    ]


def test_proposed_speakers_carry_kind_role_and_aliases() -> None:
    text = (
        "The National Council of Resistance of Iran (NCRI) said, “The regime is weak.” "
        "Foreign Minister Hossein Amir-Abdollahian said, “Talks will resume soon.”"
    )
    speakers = {s.name: s for s in analyze(text).speakers}
    ncri = speakers["National Council of Resistance of Iran"]
    assert (ncri.kind, ncri.aliases) == ("organisation", ("NCRI",))
    minister = speakers["Hossein Amir-Abdollahian"]
    assert (minister.kind, minister.role) == ("person", "Foreign Minister")


def described(text: str) -> list[tuple[str, str | None]]:
    """(quote, speaker as the CLI prints it: the name and what the article says of them)."""
    analysis = analyze(text)
    speakers = {s.name: s for s in analysis.speakers}
    out = []
    for claim in analysis.claims:
        if claim.kind != "quote":
            continue
        speaker = speakers.get(claim.speaker or "")
        name = speaker.described(claim.speaker_description) if speaker else claim.speaker
        out.append((claim.text, name))
    return out


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # a surname that ends like a demonym ("-i") before a speech verb is a speaker
        ("“No country can be an outsider,” Nakatani said.", "Nakatani"),
        # a possessor yields to the named appositive
        (
            "“We will win California,” Sanders’s campaign manager, Jeff Weaver, said.",
            "Jeff Weaver",
        ),
        # title stripped, the speaker is the person; "told CNN" is the cue
        ("“The bill is dead,” Sen. Ted Cruz told CNN.", "Ted Cruz"),
        ("Gov. Jerry Brown wrote: “California will not go back.”", "Jerry Brown"),
        # an adverb after a sentence-initial name is not a modifier ("Clinton campaign")
        ("Clinton clearly erred in saying that “90 to 95 percent” were kept.", "Clinton"),
        # a clause between commas is not an appositive
        (
            "Later, former Arkansas Gov. Mike Huckabee agreed, praising him as "
            "“one of the most gifted stars we have.”",
            "Mike Huckabee",
        ),
        # a signed quotation, as in testimonials: “…” ― Name (a no-break space before it)
        ("“He scares me. He is not fit to lead.”\xa0― Krystal Correa\n", "Krystal Correa"),
        ("“We can build a wall around him.” — Steve Quinlan.\n", "Steve Quinlan"),
        # a name that ends like a demonym before a past-tense verb is the subject
        ("Santilli expressed a desire to “try and convict the agents.”", "Santilli"),
        # a person "of" an organisation is the person
        (
            "“It would have been a long shot,” said Stephen Vladeck of the University of "
            "Texas School of Law.",
            "Stephen Vladeck",
        ),
        # a period inside brackets ends no sentence
        ("“It is time,” Sen. Harry M. Reid (D-Nev.) said in a statement.", "Harry M. Reid"),
        # a dateline is where the story was filed
        (
            "JACKSON, Miss. - Judge Carlton W. Reeves issued an injunction against a "
            "“sincere religious belief” clause.",
            "Carlton W. Reeves",
        ),
        # inverted "Said X,"
        ("Said Dorothy Poynter, a neighbour, “We were all so proud of him.”", "Dorothy Poynter"),
    ],
)
def test_speaker_patterns(text: str, speaker: str) -> None:
    assert [s for _, s in quotes_of(text)] == [speaker]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # the article's description follows the name, brackets and appositive both
        (
            "“He is struggling,” said Howard Dean (D), a Clinton supporter.",
            "Howard Dean (D), a Clinton supporter",
        ),
        # a party and state is not an acronym of the name
        (
            "“That is a problem,” said Rep. Jim Clyburn (D-S.C.).",
            "Jim Clyburn (D-S.C.)",
        ),
        ("“I get that,” said Sen. Lindsey Graham, R-S.C.", "Lindsey Graham, R-S.C"),
        # a role phrase that points back to a speaker is shown as written
        (
            "Chris Christie spoke in Iowa. “He went for the easy vote,” the New Jersey "
            "governor said.",
            "Chris Christie, the New Jersey governor",
        ),
        # a quotation relayed by another outlet says so
        (
            "“I ask you not to protest on the floor,” Sanders said, according to CNN.",
            "Sanders, according to CNN",
        ),
        (
            "“He is not fit to lead,” said Stephen Vladeck of the University of Texas.",
            "Stephen Vladeck, of the University of Texas",
        ),
        # a source the article does not name keeps its description, not a guessed name
        (
            "Paul Manafort ran the convention. “Paul’s knowledge is about 20 years old,” said "
            "a longtime adviser to Trump, who declined to be identified.",
            "a longtime adviser to Trump",
        ),
        (
            "A spokesman for Platte River declined to comment but said that “the server "
            "was never wiped.”",
            "A spokesman for Platte River",
        ),
    ],
)
def test_speaker_as_the_article_describes_them(text: str, speaker: str) -> None:
    assert [s for _, s in described(text)] == [speaker]


def test_interrupted_quote_keeps_one_speaker() -> None:
    text = "“We will fight,” she said, “and we will win.” Maria Lopez is the mayor."
    text = "Maria Lopez spoke first. " + text
    assert quotes_of(text) == [
        ("We will fight,", "Maria Lopez"),
        ("and we will win.", "Maria Lopez"),
    ]


def test_bare_quote_paragraph_continues_the_last_speaker() -> None:
    text = (
        "“We will build the wall,” Donald Trump said at the rally.\n\n"
        "“And Mexico will pay for it.”\n"
    )
    claims = [c for c in analyze(text).claims if c.kind == "quote"]
    assert [(c.speaker, c.method) for c in claims] == [
        ("Donald Trump", "after-quote"),
        ("Donald Trump", "continuation"),
    ]
    assert claims[1].confidence < claims[0].confidence


def test_titles_in_quotation_marks_are_nobodys_words() -> None:
    text = (
        "“We must act,” Mike Pence said on CNN’s “State of the Union.”\n\n"
        "On “Face the Nation,” Bernie Sanders spoke about young voters.\n"
    )
    assert quotes_of(text) == [("We must act,", "Mike Pence")]


def test_headline_and_sentence_start_words_are_not_speakers() -> None:
    text = (
        "TELLING OF THE REFUGEE CRISIS IN VIRTUAL REALITY\n\n"
        "Nevertheless, the plan went ahead. Acknowledging that the plan “says a lot of "
        "stupid stuff,” nobody resigned.\n"
    )
    assert all(s is None for _, s in quotes_of(text))


def test_pronoun_follows_gender_the_text_shows() -> None:
    text = "Mr. John Smith met Ms. Jane Roe on Monday. “We agree on nothing,” she said."
    assert quotes_of(text) == [("We agree on nothing,", "Jane Roe")]


def test_descriptive_reference_through_the_registry_role() -> None:
    registry = (KnownSpeaker("Donald Trump", "person", ("Trump",), "Republican nominee"),)
    text = "“We will win big in November,” the Republican nominee said."
    assert quotes_of(text, registry) == [("We will win big in November,", "Donald Trump")]


def test_spokesman_title_is_the_role_and_the_name_the_speaker() -> None:
    text = "“The president was briefed,” White House spokesman Josh Earnest said."
    analysis = analyze(text)
    assert [c.speaker for c in analysis.claims if c.kind == "quote"] == ["Josh Earnest"]
    (earnest,) = analysis.speakers
    assert earnest.role == "White House spokesman"


def test_participle_after_a_quote_names_no_new_speaker() -> None:
    text = (
        "Cruz said that there is “only one strong conservative in a position to win,” "
        "adding that it is why Donald Trump “relentlessly attacks us every day.”"
    )
    assert [s for _, s in quotes_of(text)] == ["Cruz", "Cruz"]


def test_own_sentence_subject_before_the_previous_speaker() -> None:
    text = (
        "“We will carry the state,” said Mindy Romero, a pollster.\n\n"
        "On Tuesday, Gov. Jerry Brown endorsed her, citing her “firm grasp of the issues.”\n"
    )
    assert [s for _, s in quotes_of(text)] == ["Mindy Romero", "Jerry Brown"]
