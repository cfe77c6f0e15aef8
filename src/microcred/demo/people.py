"""The demo's people and its two issuing organizations, with who does what at each."""

from __future__ import annotations

from microcred.accounts.models import User
from microcred.orgs.models import Organization, Role
from microcred.orgs.services import membership_grant, organization_create

DEMO_PASSWORD = "microcred-demo"  # noqa: S105 - printed to the person running the demo

RIVERBEND = "riverbend-teaching-collaborative"
LAKESHORE = "lakeshore-state-college-of-education"

ORGANIZATIONS = [
    {
        "slug": RIVERBEND,
        "name": "Riverbend Teaching Collaborative",
        "url": "https://riverbend-teaching.example.org",
        "description": "A regional network of schools that recognizes classroom practice "
                       "through competency-based micro-credentials.",
    },
    {
        "slug": LAKESHORE,
        "name": "Lakeshore State University College of Education",
        "url": "https://education.lakeshore-state.example.org",
        "description": "The college of education of a public university. Its micro-credentials "
                       "carry graduate credit or continuing education units and are open to "
                       "practising teachers and to the university's own faculty.",
    },
]

# (key, role shown to the person running the demo, email, name)
PEOPLE = [
    ("admin", "Administrator (site and Riverbend)", "admin@demo.microcred.test", "Ada Okafor"),
    ("author", "Author (Riverbend)", "author@demo.microcred.test", "Priya Raman"),
    ("assessor", "Assessor (Riverbend)", "assessor@demo.microcred.test", "Daniel Brooks"),
    ("learner1", "Learner holding 2 of a stack's 3 credentials",
     "maya.chen@demo.microcred.test", "Maya Chen"),
    ("learner2", "Learner with a Not Yet to resubmit (and work in review at Lakeshore)",
     "jordan.ellis@demo.microcred.test", "Jordan Ellis"),
    ("lead", "Lead assessor (adjudicates moderation disagreements)",
     "lead@demo.microcred.test", "Grace Mensah"),
    ("assessor2", "Assessor (qualified; moderates and reviews appeals)",
     "assessor2@demo.microcred.test", "Luis Ortega"),
    ("trainee", "New assessor, mid-calibration", "trainee@demo.microcred.test", "Hana Sato"),
    ("learner3", "Learner with an overdue submission", "sam.okoro@demo.microcred.test",
     "Sam Okoro"),
    ("learner4", "Learner who appealed a Not Yet", "ines.duarte@demo.microcred.test",
     "Inés Duarte"),
    ("coe_admin", "Administrator (Lakeshore State College of Education)",
     "coe-admin@demo.microcred.test", "Elena Vásquez"),
    ("coe_author", "Author (Lakeshore State College of Education)",
     "coe-author@demo.microcred.test", "Marcus Bell"),
    ("coe_assessor", "Assessor (Lakeshore State College of Education)",
     "coe-assessor@demo.microcred.test", "Ruth Adeyemi"),
]

# Who does what at each issuer: (admin, authors, assessors). The first author imports the
# organization's micro-credentials, the admin publishes them, the first assessor scores the
# demo's own submissions there (the lead of a pool is marked in programmes).
STAFF = {
    RIVERBEND: ("admin", ("author",), ("assessor", "lead", "assessor2", "trainee")),
    LAKESHORE: ("coe_admin", ("coe_author",), ("coe_assessor",)),
}


def _user(email: str, name: str, *, superuser: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        if superuser:
            user = User.objects.create_superuser(email, DEMO_PASSWORD, display_name=name)
        else:
            user = User.objects.create_user(email, DEMO_PASSWORD, display_name=name)
    return user


def people_load() -> dict[str, User]:
    """Everyone, by key (the site administrator is a superuser)."""
    return {key: _user(email, name, superuser=(key == "admin"))
            for key, _role, email, name in PEOPLE}


def organizations_load(users: dict[str, User]) -> dict[str, Organization]:
    """Both issuers, by slug, each with its administrator, authors and assessors."""
    orgs = {}
    for info in ORGANIZATIONS:
        org = Organization.objects.filter(slug=info["slug"]).first()
        if org is None:
            org = organization_create(actor=users["admin"], **info)
        admin, authors, assessors = STAFF[org.slug]
        membership_grant(actor=users["admin"], organization=org, user=users[admin],
                         role=Role.ADMIN)
        for person in authors:
            membership_grant(actor=users[admin], organization=org, user=users[person],
                             role=Role.AUTHOR)
        for person in assessors:
            membership_grant(actor=users[admin], organization=org, user=users[person],
                             role=Role.ASSESSOR)
        orgs[org.slug] = org
    return orgs


def people_logins() -> list[tuple[str, str]]:
    """(role, email) of everyone, for the person who ran the demo."""
    return [(role, email) for _key, role, email, _name in PEOPLE]
