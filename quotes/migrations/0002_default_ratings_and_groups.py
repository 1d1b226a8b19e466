"""Seed the default verdict scale and the Fact-checker / Editor groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# LIAR's six labels (PolitiFact's Truth-O-Meter) with ClaimReview values 1..6,
# plus two labels that sit off the numeric scale.
DEFAULT_SCALE = [
    ("True", "true", 6, "#1a7f37", "The statement is accurate and nothing significant is missing."),
    ("Mostly true", "mostly-true", 5, "#4c9a2a", "Accurate but needs clarification or more information."),
    ("Half true", "half-true", 4, "#9a6700", "Partially accurate but leaves out important details or takes things out of context."),
    ("Mostly false", "mostly-false", 3, "#bc4c00", "Contains an element of truth but ignores facts that would give a different impression."),
    ("False", "false", 2, "#cf222e", "The statement is not accurate."),
    ("Pants on fire", "pants-fire", 1, "#82071e", "Not accurate and makes a ridiculous claim."),
    ("Misleading", "misleading", None, "#8250df", "Accurate facts presented so as to give a false impression."),
    ("Unverifiable", "unverifiable", None, "#57606a", "Cannot be proven or disproven with the evidence available."),
]

WORK_MODELS = ["article", "claim", "speaker", "speakeralias", "source", "evidence", "verdict"]


def seed(apps, schema_editor):
    Rating = apps.get_model("quotes", "Rating")
    for order, (label, slug, value, colour, description) in enumerate(DEFAULT_SCALE, start=1):
        Rating.objects.get_or_create(
            slug=slug,
            defaults={"label": label, "value": value, "colour": colour,
                      "description": description, "order": order},
        )

    # Permissions are normally created after migrate; groups need them now.
    app_config = apps.get_app_config("quotes")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    quotes_perms = Permission.objects.filter(content_type__app_label="quotes")

    checker_codenames = [f"{verb}_{model}" for model in WORK_MODELS for verb in ("view", "add", "change")]
    checker_codenames.append("view_rating")
    checker, _ = Group.objects.get_or_create(name="Fact-checker")
    checker.permissions.set(quotes_perms.filter(codename__in=checker_codenames))

    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.set(quotes_perms)


def unseed(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Fact-checker", "Editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("quotes", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
