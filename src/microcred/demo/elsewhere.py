"""A badge Maya earned from an issuer that is not on this platform, and the trusted issuer
registry (the DCC's format) that lists that issuer."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from microcred.accounts.models import User
from microcred.learner.models import HeldCredential
from microcred.learner.services import held_credential_upsert
from microcred.vc import openbadges as ob
from microcred.vc.data_integrity import sign
from microcred.vc.keys import Ed25519Multikey

#: The id of the credential Maya earned from an issuer that is not on this platform.
ELSEWHERE_CREDENTIAL_ID = "urn:uuid:3b8e5f1a-7c2d-4e9b-a6f0-5d1c2b3a4e5f"

DEMO_REGISTRY_NAME = "Partner Colleges Registry (demo)"


def badge_from_elsewhere(learner: User) -> None:
    """Maya imported a badge from a community college that does not issue here: signed by
    its own key (made now: the demo publishes no private key), naming her email address by
    its hash, kept through the same import service as the site's form, so her list shows an
    issuer that is claimed, not confirmed."""
    if HeldCredential.objects.filter(owner=learner,
                                     credential_id=ELSEWHERE_CREDENTIAL_ID).exists():
        return
    key = Ed25519Multikey.generate()
    achievement = ob.achievement(
        id="https://northwind-college.example.edu/badges/classroom-technology",
        name="Classroom Technology Integration",
        description="Plans lessons in which a digital tool does something paper cannot, and "
                    "shows what students learned with it.",
        criteria_narrative="A lesson plan using a digital tool, two samples of student work "
                           "and a short reflection, reviewed by the college's faculty.")
    credential = sign(ob.open_badge_credential(
        id=ELSEWHERE_CREDENTIAL_ID,
        issuer=ob.profile(id=key.did, name="Northwind Community College",
                          url="https://northwind-college.example.edu/"),
        achievement=achievement,
        subject=ob.achievement_subject(achievement=achievement,
                                       identifier=[ob.identity_object(value=learner.email)]),
        valid_from="2025-05-16T15:00:00Z"), key=key)
    _list_in_demo_registry(key.did, name="Northwind Community College",
                           url="https://northwind-college.example.edu/")
    held_credential_upsert(actor=learner, data=json.dumps(credential))


def _list_in_demo_registry(did: str, *, name: str, url: str) -> None:
    """A trusted issuer registry in the DCC's format, in the folder the platform reads
    (``ISSUER_REGISTRY_DIR``), listing the outside college: /verify/ and Maya's badges from
    elsewhere then say "listed by Partner Colleges Registry (demo)" instead of "identified only
    by its key"."""
    folder = Path(settings.ISSUER_REGISTRY_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "demo-partner-colleges.json"
    registry = {"meta": {"name": DEMO_REGISTRY_NAME, "created": "2025-05-01T00:00:00Z"},
                "registry": {}}
    if path.exists():
        registry = json.loads(path.read_text("utf-8"))
    registry["registry"][did] = {"name": name, "url": url, "location": "Lakeview, USA"}
    path.write_text(json.dumps(registry, indent=2) + "\n", "utf-8")
