from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quotes.exports import FORMATS, ExportError, export_article
from quotes.models import Article


class Command(BaseCommand):
    help = (
        "Export one article's report as html, pdf, md, csv, json or claimreview: its claims "
        "with a published verdict, or all with --include-unchecked (only published verdicts "
        "appear). Writes to standard output unless -o is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("article_id", type=int, help="The article's id.")
        parser.add_argument("--format", "-f", choices=FORMATS, default="html", dest="fmt")
        parser.add_argument("-o", "--output", default=None, help="File to write (default: stdout).")
        parser.add_argument(
            "--include-unchecked",
            action="store_true",
            help="Also list the claims without a published verdict.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        article = Article.objects.filter(pk=options["article_id"]).first()
        if article is None:
            raise CommandError(f"No article with id {options['article_id']}.")
        fmt: str = options["fmt"]
        output: str | None = options["output"]
        if fmt == "pdf" and output is None:
            raise CommandError("A PDF is binary: give a file to write it to with -o FILE.")
        if output is not None and "\x00" in output:
            raise CommandError("The output file name contains a NUL character.")
        if output is not None and not Path(output).parent.is_dir():
            raise CommandError(f"The folder of {output} does not exist.")
        try:
            # standalone: a file opened outside the web app needs its stylesheet inside it.
            export = export_article(
                article, fmt, include_unchecked=options["include_unchecked"], standalone=True
            )
            if output is None:
                # Every format but PDF is UTF-8 text, and each chunk is whole characters.
                for chunk in export.chunks:
                    self.stdout.write(chunk.decode("utf-8"), ending="")
                return
            # Write next to the target and rename, so a failure leaves no half-written file.
            target = Path(output)
            partial = target.with_name(target.name + ".partial")
            try:
                with partial.open("wb") as handle:
                    for chunk in export.chunks:
                        handle.write(chunk)
                partial.replace(target)
            finally:
                partial.unlink(missing_ok=True)
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Could not write {output}: {exc.strerror or exc}") from exc
        self.stderr.write(f"Wrote the {fmt} report on article {article.pk} to {output}.")
