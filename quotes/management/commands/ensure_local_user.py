from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "If no user exists, create a local superuser (also in the Editor group) with a random "
        "password, printed once. Always prints where to open the workbench."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"]
        self.stdout.write(f"\nOpen the workbench at {url}  (admin: {url}admin/)")
        if User.objects.exists():
            self.stdout.write(
                "Log in with your existing account; forgot the password? "
                "Run: .venv/bin/python manage.py changepassword <username>\n"
            )
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(options["username"], "", password)
        editors = Group.objects.filter(name="Editor").first()
        if editors is not None:
            user.groups.add(editors)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the local account  user: {user.username}  password: {password}\n"
                "(shown only this once; change it with manage.py changepassword)\n"
            )
        )
