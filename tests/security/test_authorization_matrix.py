"""Every route, every role: the authorization matrix (``tests/security/matrix.py``).

The routes come from the URL configuration itself (``get_resolver()``, walked recursively, so
django-oauth-toolkit's routes and anything mounted later are included): a route without a
matrix entry fails ``test_every_route_has_a_matrix_entry``, an entry for a route that is gone
fails ``test_every_matrix_entry_names_a_route``. Then one test per (route, method, role) makes
the request and compares what came back with the entry.

The scene (an issuing organization with its people, micro-credentials in every state, a
learner's attempts, evidence, credential and profile, another organization, OAuth tokens) is
built once for the module inside a transaction that is rolled back at the end; each test runs
in its own savepoint, so a POST that succeeds changes nothing for the next test.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import timedelta
from operator import attrgetter
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.messages import ERROR, get_messages
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from microcred.actors import SYSTEM
from tests.security.matrix import (
    LOGIN,
    MATRIX,
    MOVED,
    MOVED_REFUSED,
    OAUTH_ROLES,
    ROLES,
    VARIANTS,
    Entry,
)
from tests.tasks_backend import harness_transaction

SIGN_IN_PATH = "/accounts/sign-in/"


# -- the routes ---------------------------------------------------------------------------------


def _walk(resolver: URLResolver, prefix: str = "",
          namespace: str = "") -> Iterator[tuple[str, str, Any]]:
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            inner = namespace
            if item.namespace:
                inner = f"{namespace}:{item.namespace}" if namespace else item.namespace
            yield from _walk(item, prefix + str(item.pattern), inner)
        elif isinstance(item, URLPattern):
            name = item.name or f"<unnamed {item.lookup_str}>"
            yield (f"{namespace}:{name}" if namespace else name,
                   prefix + str(item.pattern), item.callback)


def routes() -> dict[str, tuple[str, Any]]:
    """Every route of the site: name -> (pattern, callback)."""
    return {name: (pattern, callback) for name, pattern, callback in _walk(get_resolver())}


def test_every_route_has_a_matrix_entry() -> None:
    missing = [f"{name} ({pattern!r})" for name, (pattern, _cb) in routes().items()
               if name not in MATRIX]
    assert not missing, ("Routes without an authorization expectation; add them to the "
                         "authorization matrix (tests/security/matrix.py): " + ", ".join(missing))


def test_every_matrix_entry_names_a_route() -> None:
    gone = sorted((set(MATRIX) | {route for route, _entry in VARIANTS.values()}) - set(routes()))
    assert not gone, ("The authorization matrix names routes that no longer exist; remove "
                      "them from tests/security/matrix.py: " + ", ".join(gone))


def test_every_entry_says_what_each_role_gets() -> None:
    for name, entry in [*MATRIX.items(), *VARIANTS.values()]:
        wanted = set(ROLES) | (set(OAUTH_ROLES) if entry.api else set())
        for method, expected in entry.methods.items():
            assert wanted <= set(expected), f"{name} {method}: no outcome for " \
                                            f"{sorted(wanted - set(expected))}"


# -- the scene ----------------------------------------------------------------------------------


def _build_scene() -> SimpleNamespace:
    from oauth2_provider.models import AccessToken, Application

    from microcred.accounts.models import User
    from microcred.assessment.services import pool_member_add
    from microcred.catalog.services import micro_credential_submit_for_review
    from microcred.catalog.stacks import stack_create, stack_publish
    from microcred.earning.selectors import evidence_token
    from microcred.earning.services import attempt_save_draft, attempt_start
    from microcred.issuance.models import Credential, StatusList
    from microcred.issuance.services import learner_profile_update
    from microcred.orgs.models import Role
    from microcred.orgs.services import membership_grant
    from tests import factories as f

    s = SimpleNamespace()
    world = f.World()
    s.org = world.org
    s.learner, s.author, s.assessor = world.learner, world.author, world.assessor
    s.org_admin = f.reviewer_of(s.org)
    s.other_learner = f.user("Other Learner", email="other.learner@example.test")
    s.other_author = f.user("Other Author")
    s.other_assessor = f.user("Other Assessor")
    s.bystander_assessor = f.user("Bystander Assessor")
    membership_grant(actor=SYSTEM, organization=s.org, user=s.bystander_assessor,
                     role=Role.ASSESSOR)
    s.other_org = f.organization(author=s.other_author, assessor=s.other_assessor)
    s.staff = User.objects.create_superuser("staff@example.test", f.PASSWORD,
                                            display_name="Platform Staff")

    def published() -> Any:
        mc = f.micro_credential(org=s.org, author=s.author)
        pool_member_add(actor=SYSTEM, micro_credential=mc, assessor=s.assessor)
        return mc

    # The learner's credential, a submission held by the assessor, a draft, and a
    # micro-credential nobody has started.
    mc_credential = world.mc
    credential_attempt = f.submitted_attempt(learner=s.learner, mc=mc_credential)
    f.pass_attempt(assessor=s.assessor, attempt=credential_attempt)
    s.credential = Credential.objects.get(attempt=credential_attempt)
    s.credential_file_position = credential_attempt.answers.exclude(file="").get().prompt.position
    s.credential_file = credential_attempt.answers.exclude(file="").get()
    s.revoke_action, s.suspend_action = "revoke", "suspend"
    s.renew_action, s.unknown_action = "renew", "delete"
    s.status_list = StatusList.objects.order_by("pk").first()

    review_mc = published()
    s.review_mc_slug = review_mc.slug
    s.review_attempt = f.submitted_attempt(learner=s.learner, mc=review_mc)
    s.review_attempt.refresh_from_db()
    assert s.review_attempt.assignments.filter(assessor=s.assessor).exists()
    s.review_file = s.review_attempt.answers.exclude(file="").get()
    s.learner_evidence_token = evidence_token(answer=s.review_file, viewer=s.learner)
    s.assessor_evidence_token = evidence_token(answer=s.review_file, viewer=s.assessor)

    draft_attempt_mc = published()
    s.draft_attempt = attempt_start(learner=s.learner, micro_credential=draft_attempt_mc)
    attempt_save_draft(learner=s.learner, attempt_id=s.draft_attempt.pk,
                       texts={p.pk: "Half written." for p in draft_attempt_mc.prompts.all()
                              if p.kind == "text"}, files={})
    s.mc_fresh = published()

    # Authoring: a draft and one in review.
    s.draft_mc = f.micro_credential(org=s.org, author=s.author, publish=False)
    s.review_mc = f.micro_credential(org=s.org, author=s.author, publish=False)
    micro_credential_submit_for_review(actor=s.author, micro_credential_id=s.review_mc.pk)
    s.translate_to = "es"

    # Stacks: one published, one draft.
    s.stack = stack_publish(actor=s.org_admin, stack_id=stack_create(
        actor=s.author, organization=s.org, title="Published stack", description="D",
        rule="all", members=[mc_credential, review_mc]).pk)
    s.draft_stack = stack_create(actor=s.author, organization=s.org, title="Draft stack",
                                 description="D", rule="all", members=[s.mc_fresh])

    # Profiles: the learner's is public, the other learner's has a handle but stays private.
    s.public_handle = "public-learner"
    learner_profile_update(actor=s.learner, did="", handle=s.public_handle, public=True)
    s.private_handle = "private-learner"
    learner_profile_update(actor=s.other_learner, did="", handle=s.private_handle, public=False)

    # A bulk issuance job of the issuing organization (created, not run).
    from microcred.issuance.bulk import bulk_issuance_create

    s.bulk_job = bulk_issuance_create(
        actor=s.org_admin, micro_credential=s.mc_fresh, csv_file=io.BytesIO(
            b"email,name,awarded_date,evidence_url,note\nbulk1@example.test,Bulk One,,,\n"))
    other_mc = f.micro_credential(org=s.other_org, author=s.other_author)
    s.other_bulk_job = bulk_issuance_create(
        actor=f.reviewer_of(s.other_org), micro_credential=other_mc, csv_file=io.BytesIO(
            b"email,name,awarded_date,evidence_url,note\nbulk2@example.test,Bulk Two,,,\n"))

    s.reset_uid, s.reset_token = "MQ", "not-a-token"

    # OAuth: the learner's wallet with one token per OB 3.0 scope; the admin's issuing client.
    app = Application.objects.create(
        name="Wallet", user=s.learner, client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://wallet.example/callback")
    s.oauth_app = app
    s.tokens = {}
    expires = timezone.now() + timedelta(hours=1)
    ob = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
    for role in OAUTH_ROLES:
        short = role.split(":", 1)[1]
        if short == "invalid":
            s.tokens[role] = "never-issued-token"
            continue
        owner = s.org_admin if short == "vc.issue" else s.learner
        full = short if short == "vc.issue" else ob + short
        value = f"matrix-{short}-token"
        AccessToken.objects.create(user=owner, application=app, token=value, scope=full,
                                   expires=expires)
        s.tokens[role] = value
    s.users = {role: getattr(s, role) for role in ROLES if role != "anonymous"}
    # Nobody holds a membership the roles do not say.
    assert not s.staff.memberships.exists()
    assert s.org.memberships.filter(user=s.assessor, role=Role.ASSESSOR).exists()
    return s


@pytest.fixture(scope="module")
def scene(django_db_setup: None, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), harness_transaction():
        built = _build_scene()
        yield built
        transaction.set_rollback(True)


# -- requests -----------------------------------------------------------------------------------


def outcome(response: HttpResponse) -> str:
    """What the requester got, in the matrix's words."""
    if response.status_code in (301, 302, 303, 307, 308):
        if urlsplit(response["Location"]).path == SIGN_IN_PATH:
            return LOGIN
        if any(m.level >= ERROR for m in get_messages(response.wsgi_request)):
            return MOVED_REFUSED
        return MOVED
    return str(response.status_code)


def url_for(name: str, entry: Entry, scene: SimpleNamespace) -> str:
    kwargs = {arg: attrgetter(path)(scene) for arg, path in entry.kwargs.items()}
    url = reverse(name, kwargs=kwargs)
    return f"{url}?{entry.query}" if entry.query else url


def client_for(role: str, scene: SimpleNamespace) -> tuple[Client, dict[str, str]]:
    client = Client()
    if role.startswith("oauth:"):
        return client, {"HTTP_AUTHORIZATION": f"Bearer {scene.tokens[role]}"}
    if role != "anonymous":
        client.force_login(scene.users[role])
    return client, {}


def send(client: Client, method: str, url: str, entry: Entry,
         headers: dict[str, str]) -> HttpResponse:
    if method == "GET":
        return client.get(url, **headers)
    if entry.json:
        body = json.dumps(entry.data)
        return client.generic(method, url, body, content_type="application/json", **headers)
    if method == "POST":
        return client.post(url, entry.data, **headers)
    return client.generic(method, url, json.dumps(entry.data),
                          content_type="application/json", **headers)


def _cases() -> Iterator[Any]:
    labelled = [(name, name, entry) for name, entry in MATRIX.items()]
    labelled += [(f"{name} [{label}]", name, entry) for label, (name, entry) in VARIANTS.items()]
    for label, name, entry in labelled:
        every = (*ROLES, *OAUTH_ROLES) if entry.api else ROLES
        for method, expected in entry.methods.items():
            for role in every:
                yield pytest.param(name, entry, method, role, expected.get(role),
                                   id=f"{label}-{method}-{role}")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "entry", "method", "role", "expected"), list(_cases()))
def test_authorization(scene: SimpleNamespace, name: str, entry: Entry, method: str, role: str,
                       expected: str) -> None:
    url = url_for(name, entry, scene)
    client, headers = client_for(role, scene)
    response = send(client, method, url, entry, headers)
    got = outcome(response)
    assert got == expected, (f"{method} {url} ({name}) as {role}: expected {expected}, "
                             f"got {got} {response.content[:300]!r}")


# -- what the status codes cannot show ----------------------------------------------------------


def _signed_in(scene: SimpleNamespace, role: str) -> Client:
    client, _headers = client_for(role, scene)
    return client


@pytest.mark.django_db
def test_assessor_pages_never_name_the_learner(scene: SimpleNamespace) -> None:
    """Blind assessment: the queue, the scoring page and the evidence file name carry nothing
    that identifies the learner."""
    client = _signed_in(scene, "assessor")
    learner = scene.learner
    secrets = (learner.display_name, learner.email, learner.email.split("@")[0],
               scene.review_file.file_name)
    for url in (reverse("assessment:queue"),
                reverse("assessment:score", args=[scene.review_attempt.public_id])):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        for secret in secrets:
            assert secret not in html, f"{url} names the learner: {secret!r}"
    link = client.get(reverse("assessment:evidence", args=[scene.review_attempt.public_id,
                                                        scene.review_file.prompt_id]))
    download = client.get(link["Location"])
    assert download.status_code == 200
    disposition = download["Content-Disposition"]
    assert scene.review_file.file_name not in disposition and "evidence." in disposition


@pytest.mark.django_db
def test_bystander_assessor_sees_nothing_of_work_held_by_another(scene: SimpleNamespace) -> None:
    client = _signed_in(scene, "bystander_assessor")
    response = client.get(reverse("assessment:score", args=[scene.review_attempt.public_id]))
    assert response.status_code == 302 and response["Location"] == reverse("assessment:queue")
    queue = client.get(reverse("assessment:queue")).content.decode()
    assert str(scene.review_attempt.public_id) not in queue


@pytest.mark.django_db
def test_api_without_a_token_is_401_in_imsx_shape(scene: SimpleNamespace) -> None:
    for path in (reverse("api:credentials"), reverse("api:profile")):
        response = Client().get(path)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        body = response.json()
        assert body["imsx_codeMajor"] == "failure" and body["imsx_severity"] == "error"


@pytest.mark.django_db
def test_api_scope_refusal_is_403_insufficient_scope(scene: SimpleNamespace) -> None:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {scene.tokens['oauth:credential.readonly']}"}
    response = Client().post(reverse("api:credentials"), "{}", content_type="application/json",
                             **headers)
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    assert response.json()["imsx_codeMajor"] == "failure"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {scene.tokens['oauth:profile.readonly']}"}
    response = Client().put(reverse("api:profile"), '{"name": "X"}',
                            content_type="application/json", **headers)
    assert response.status_code == 403
    scene.learner.refresh_from_db()
    assert scene.learner.display_name != "X"


@pytest.mark.django_db
def test_api_answers_for_the_token_owner_only(scene: SimpleNamespace) -> None:
    """A token reads its owner's credentials: the learner's token lists the learner's, the
    administrator's token (another scope) is refused, and nobody else's appear."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {scene.tokens['oauth:credential.readonly']}"}
    body = Client().get(reverse("api:credentials"), **headers).json()
    assert [c["id"] for c in body["credential"]] == [
        json.loads(scene.credential.signed_json)["id"]]
    profile = Client().get(reverse("api:profile"), HTTP_AUTHORIZATION=(
        f"Bearer {scene.tokens['oauth:profile.readonly']}")).json()
    assert profile["email"] == scene.learner.email


@pytest.mark.django_db
def test_a_bearer_token_does_not_sign_anyone_in_on_the_site(scene: SimpleNamespace) -> None:
    for role in OAUTH_ROLES:
        response = Client().get(reverse("learner:my_credentials"),
                                HTTP_AUTHORIZATION=f"Bearer {scene.tokens[role]}")
        assert outcome(response) == LOGIN, role


@pytest.mark.django_db
def test_public_credential_page_shows_owner_and_admin_controls_only_to_them(
        scene: SimpleNamespace) -> None:
    url = reverse("issuance:credential", args=[scene.credential.public_id])
    sharing = reverse("issuance:sharing", args=[scene.credential.public_id])
    revoke = reverse("issuance:admin_action", args=[scene.credential.public_id, "revoke"])
    evidence = reverse("issuance:evidence", args=[scene.credential.public_id,
                                                   scene.credential_file_position])
    for role in ROLES:
        client = Client() if role == "anonymous" else _signed_in(scene, role)
        html = client.get(url).content.decode()
        assert (sharing in html) == (role == "learner"), role
        assert (evidence in html) == (role == "learner"), role
        assert (revoke in html) == (role == "org_admin"), role


@pytest.mark.django_db
def test_an_admin_elsewhere_cannot_change_this_organizations_pools(
        scene: SimpleNamespace) -> None:
    """The admin page of one's own organization does not reach another's pool members."""
    from microcred.assessment.models import PoolMember
    from tests.factories import reviewer_of

    member = PoolMember.objects.get(micro_credential__slug=scene.review_mc_slug,
                                    assessor=scene.assessor)
    client = Client()
    client.force_login(reviewer_of(scene.other_org))
    response = client.post(reverse("assessment:admin", args=[scene.other_org.slug]),
                           {"action": "set_lead", "member": member.pk, "is_lead": "1"})
    assert response.status_code == 403
    member.refresh_from_db()
    assert not member.is_lead
    for action in ("add_member", "attempt_limit"):
        response = client.post(reverse("assessment:admin", args=[scene.other_org.slug]),
                               {"action": action, "email": scene.assessor.email,
                                "micro_credential": member.micro_credential_id,
                                "attempt_limit": "1"})
        assert response.status_code == 400, action  # not one of its micro-credentials
