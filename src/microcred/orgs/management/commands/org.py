from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from microcred.accounts.models import User
from microcred.actors import SYSTEM
from microcred.orgs.models import Organization, Role
from microcred.orgs.services import membership_grant, organization_create


class Command(BaseCommand):
    help = ("Issuing organizations: `org create SLUG NAME [--url URL]`, "
            "`org grant SLUG EMAIL ROLE` (role: admin, author, assessor), `org list`.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("slug")
        create.add_argument("name")
        create.add_argument("--url", default="")
        grant = sub.add_parser("grant")
        grant.add_argument("slug")
        grant.add_argument("email")
        grant.add_argument("role", choices=Role.values)
        sub.add_parser("list")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            if Organization.objects.filter(slug=options["slug"]).exists():
                raise CommandError(f"an organization {options['slug']!r} already exists")
            org = organization_create(actor=SYSTEM, name=options["name"], slug=options["slug"],
                                      url=options["url"])
            self.stdout.write(f"Created {org.slug}: {org.name}")
        elif action == "grant":
            org = Organization.objects.filter(slug=options["slug"]).first()
            if org is None:
                raise CommandError(f"no organization {options['slug']!r}")
            user = User.objects.filter(email__iexact=options["email"]).first()
            if user is None:
                raise CommandError(f"no account with the email {options['email']!r}; the "
                                   "person signs up first")
            membership_grant(actor=SYSTEM, organization=org, user=user, role=options["role"])
            self.stdout.write(f"{user.email} is {options['role']} of {org.slug}")
        else:
            for org in Organization.objects.prefetch_related("memberships__user"):
                members = ", ".join(f"{m.user.email} ({m.role})" for m in org.memberships.all())
                self.stdout.write(f"{org.slug}\t{org.name}\t{members}")
