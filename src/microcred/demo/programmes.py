"""What the demo's issuers publish: the micro-credentials and the stack in ``content/``, and
the assessor pools that score them (with calibration under way on one).

The micro-credentials go through ``catalog_import`` like any partner's authoring files, as
each organization's author; the author then sends each for review and the administrator
publishes it, as on the authoring pages. Running it again changes nothing, and picks up where
an interrupted run stopped.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from microcred.accounts.models import User
from microcred.actors import SYSTEM
from microcred.assessment.models import CalibrationAnchor
from microcred.assessment.services import (
    calibration_anchor_create,
    calibration_record,
    pool_member_add,
)
from microcred.catalog.authoring_format import parse_text
from microcred.catalog.import_export import authoring_files, catalog_import
from microcred.catalog.models import MicroCredential, Stack
from microcred.catalog.services import (
    micro_credential_publish,
    micro_credential_submit_for_review,
)
from microcred.catalog.stacks import stack_create, stack_publish
from microcred.demo.people import LAKESHORE, ORGANIZATIONS, STAFF
from microcred.orgs.models import Organization

CONTENT = Path(__file__).resolve().parent / "content"
MICRO_CREDENTIALS = CONTENT / "micro-credentials"
STACKS = CONTENT / "stacks"

#: The micro-credential whose pool is calibrating: three samples with agreed outcomes, and
#: a new assessor part-way through them.
CALIBRATING = "academic-discourse-structured-student-talk"

# (title, evidence, agreed outcome per criterion in order)
ANCHORS = [
    ("Sample A: fishbowl debate, Grade 8 history",
     "Protocol: structured academic controversy with roles (reader, recorder, challenger) and "
     "sentence frames posted. Transcript: students cite the primary sources by line. Reflection: "
     "tallied talk turns; four quiet students get the challenger role next time.",
     ["pass", "pass", "pass"]),
    ("Sample B: open discussion, Grade 5 science",
     "Students were asked to discuss whether plants need soil. No roles or frames. Transcript: "
     "'I think yes because my mom's plants do.' Reflection: 'it went well, lots of talking'.",
     ["not_yet", "not_yet", "not_yet"]),
    ("Sample C: think-pair-share, Grade 10 English",
     "Think-pair-share with frames ('I agree with ... because the text says ...'). Transcript "
     "shows quotations used. Reflection does not look at who spoke.",
     ["pass", "pass", "not_yet"]),
]


def micro_credentials_load(users: dict[str, User],
                           orgs: dict[str, Organization]) -> dict[str, MicroCredential]:
    """Every micro-credential in ``content/micro-credentials/<organization>/``, published; by
    slug, in the order imported."""
    mcs: dict[str, MicroCredential] = {}
    for info in ORGANIZATIONS:
        org = orgs[info["slug"]]
        admin, authors, _assessors = STAFF[org.slug]
        author = users[authors[0]]
        report = catalog_import(actor=author, files=authoring_files(MICRO_CREDENTIALS / org.slug),
                                root=CONTENT)
        for slug in report.outcomes:
            mc = MicroCredential.objects.filter(slug=slug).order_by("-version").first()
            assert mc is not None  # catalog_import has just written it
            if mc.status == MicroCredential.Status.DRAFT:
                mc = micro_credential_submit_for_review(actor=author, micro_credential_id=mc.pk)
            if mc.status == MicroCredential.Status.IN_REVIEW:
                mc = micro_credential_publish(actor=users[admin], micro_credential_id=mc.pk)
            mcs[slug] = mc
    return mcs


def stacks_load(users: dict[str, User], orgs: dict[str, Organization],
                mcs: dict[str, MicroCredential]) -> None:
    """Every stack in ``content/stacks/``: made by the organization's author, published by
    its administrator."""
    for path in sorted(STACKS.glob("*.yaml")):
        data = parse_text(path.read_text("utf-8"), suffix=".yaml",
                          where=str(path.relative_to(CONTENT)))
        assert isinstance(data, dict), path
        org = orgs[data["organization"]]
        admin, authors, _assessors = STAFF[org.slug]
        stack = Stack.objects.filter(slug=data["slug"]).first()
        if stack is None:
            stack = stack_create(
                actor=users[authors[0]], organization=org, slug=data["slug"],
                title=data["title"], description=data["description"], rule=data["rule"],
                achievement_type=data["achievement_type"],
                members=[mcs[slug] for slug in data["members"]])
        if stack.status == Stack.Status.DRAFT:
            stack_publish(actor=users[admin], stack_id=stack.pk)


def pools_and_calibration(users: dict[str, User], mcs: dict[str, MicroCredential]) -> None:
    """Pools: each issuer's assessors qualified on its micro-credentials (Grace leads at
    Riverbend); the discourse micro-credential has calibration samples and Hana is part-way
    through them."""
    discourse = mcs[CALIBRATING]
    with transaction.atomic():
        for mc in mcs.values():
            if mc.organization.slug == LAKESHORE:
                pool_member_add(actor=users["coe_admin"], micro_credential=mc,
                                assessor=users["coe_assessor"])
            elif mc.slug != discourse.slug or not discourse.calibration_anchors.exists():
                pool_member_add(actor=SYSTEM, micro_credential=mc, assessor=users["assessor"])
                pool_member_add(actor=SYSTEM, micro_credential=mc, assessor=users["assessor2"])
                pool_member_add(actor=SYSTEM, micro_credential=mc, assessor=users["lead"],
                                is_lead=True)
        if not discourse.calibration_anchors.exists():
            c = list(discourse.criteria.all())
            for title, evidence, outcomes in ANCHORS:
                calibration_anchor_create(
                    actor=SYSTEM, micro_credential=discourse, title=title, evidence=evidence,
                    expected={c[i].pk: o for i, o in enumerate(outcomes)})
        member = pool_member_add(actor=SYSTEM, micro_credential=discourse,
                                 assessor=users["trainee"])
        first = CalibrationAnchor.objects.filter(micro_credential=discourse, position=1).first()
        if member.status == "calibrating" and first is not None and not first.scores.filter(
                assessor=users["trainee"]).exists():
            expected = {int(k): v for k, v in first.expected_outcomes.items()}
            calibration_record(assessor=users["trainee"], anchor_id=first.pk, scores=expected)
