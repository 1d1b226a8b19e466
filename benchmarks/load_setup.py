"""Data for the load test (`benchmarks/load.sh`), in the database DATABASE_URL names.

    DATABASE_URL=postgres://.../loadtest .venv/bin/python benchmarks/load_setup.py ENV_FILE

Loads the demo article and the first LIAR statements (synthetic claims without
../shared), creates reviewer accounts (Fact-checker group) with a fresh random password,
publishes some verdicts for the readers' permalinks, and writes to ENV_FILE the
`export LOAD_...=...` lines that benchmarks/locustfile.py reads. Run it on a throwaway
database after migrate.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("env_file", type=Path, help="where to write the export lines")
    parser.add_argument("--claims", type=int, default=2000, help="LIAR statements to load")
    parser.add_argument("--reviewers", type=int, default=8, help="reviewer accounts")
    parser.add_argument("--published", type=int, default=150, help="verdicts to publish")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from web import load  # benchmarks/web.py: LIAR through import_liar, or synthetic

    from quotes import review
    from quotes.models import Article, Claim, Rating, Verdict

    call_command("load_demo", verbosity=0)
    load(args.claims)

    password = secrets.token_urlsafe(16)
    checkers = Group.objects.get(name="Fact-checker")
    users = []
    for i in range(1, args.reviewers + 1):
        user = User.objects.create_user(f"reviewer{i}", password=password, is_staff=True)
        user.groups.add(checkers)
        users.append(user.username)
    editor = User.objects.create_user("load-editor", password=secrets.token_urlsafe(16))
    editor.groups.add(Group.objects.get(name="Editor"))

    rng = random.Random(7)
    with_verdict = list(Verdict.objects.order_by("pk").values_list("pk", "claim_id"))
    rng.shuffle(with_verdict)
    published = with_verdict[: args.published]
    for verdict in Verdict.objects.filter(pk__in=[v for v, _ in published]):
        if verdict.status == Verdict.Status.DRAFT:
            review.submit_verdict(verdict, by=editor)
        review.publish_verdict(verdict, by=editor)
    # Reviewers save verdicts and sources on claims whose verdict is not published (a
    # published verdict must be unpublished by an editor first: a 400, by design).
    editable = [c for _, c in with_verdict[args.published :]][:400]
    claims = list(Claim.objects.order_by("pk").values_list("pk", flat=True))
    articles = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    ratings = list(Rating.objects.filter(needs_review=False).values_list("pk", flat=True))

    env = {
        "LOAD_PUBLIC_IDS": [v for v, _ in published],
        "LOAD_CLAIM_IDS": rng.sample(claims, min(500, len(claims))),
        "LOAD_EDIT_CLAIM_IDS": editable,
        "LOAD_ARTICLE_IDS": rng.sample(articles, min(300, len(articles))),
        "LOAD_RATING_IDS": ratings,
    }
    lines = [f"export {name}={','.join(map(str, ids))}" for name, ids in env.items()]
    lines.append(f"export LOAD_USERS={','.join(users)}")
    lines.append(f"export LOAD_PASSWORD={shlex.quote(password)}")
    args.env_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args.env_file.chmod(0o600)
    print(
        f"load data: {Claim.objects.count()} claims, {len(published)} published verdicts, "
        f"{len(users)} reviewers"
    )


if __name__ == "__main__":
    main()
