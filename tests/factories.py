"""factory_boy factories for the fact-checker's models."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group, User

from quotes.models import Article, Claim, Evidence, Rating, Source, Speaker, Verdict


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pw-for-tests-only")

    @factory.post_generation
    def groups(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))


def fact_checker(**kwargs: object) -> User:
    return UserFactory(groups=["Fact-checker"], is_staff=True, **kwargs)


def editor(**kwargs: object) -> User:
    return UserFactory(groups=["Editor"], is_staff=True, **kwargs)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    outlet = "Example News"
    url = factory.Sequence(lambda n: f"https://news.example.org/{n}")
    body = "The minister said, “Prices fell by 3% last year.” Unemployment rose in May."


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Speaker Number{n}")
    kind = Speaker.Kind.PERSON


class ClaimFactory(factory.django.DjangoModelFactory):
    """A claim spanning the article's first sentence-ish run of text."""

    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    kind = Claim.Kind.STATEMENT
    start = 0
    end = factory.LazyAttribute(lambda c: min(len(c.article.body), 40))
    exact = factory.LazyAttribute(lambda c: c.article.body[c.start : c.end])
    position = 1
    speaker = factory.SubFactory(SpeakerFactory)
    attribution_method = "said-before"
    confidence = 0.9


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://source.example.org/report-{n}")
    title = factory.Sequence(lambda n: f"Report {n}")
    publisher = "Statistics Office"


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    stance = Evidence.Stance.DISPUTES
    excerpt = "Prices rose by 2%."


def rating(slug: str) -> Rating:
    """A rating of the default scale (seeded by migration)."""
    return Rating.objects.get(slug=slug)


class VerdictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Verdict

    class Params:
        true = factory.Trait(rating=factory.LazyFunction(lambda: rating("true")))
        false = factory.Trait(rating=factory.LazyFunction(lambda: rating("false")))
        pants_on_fire = factory.Trait(rating=factory.LazyFunction(lambda: rating("pants-fire")))
        published = factory.Trait(status=Verdict.Status.PUBLISHED)

    claim = factory.SubFactory(ClaimFactory)
    rating = factory.LazyFunction(lambda: rating("mostly-false"))
    rationale = "The official figures show a rise, not a fall."
    status = Verdict.Status.DRAFT
