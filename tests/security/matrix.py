"""The authorization matrix: for every named route, how to reach it and who gets what.

``tests/security/test_authorization_matrix.py`` walks the URL configuration and fails when a
route has no entry here, or an entry names a route that no longer exists. Each entry gives the
route's URL arguments (attribute paths on the test scene), the request data for state-changing
methods, and the expected outcome per role and method.

Outcomes are what the role gets, in the words of ``outcome()`` in the test module:
``"200"``, ``"403"``, ``"404"``, ... (the status code); ``LOGIN``: a redirect to the sign-in page;
``MOVED``: any other redirect with no error message (the action happened, or a neutral
redirect); ``MOVED_REFUSED``: a redirect that carries an error message (the action was refused
or failed and the page says why).

Roles: see ``ROLES`` and ``OAUTH_ROLES``. The objects named by an entry belong to ``learner``
(and to the organization of ``author``, ``assessor`` and ``org_admin``); ``other_*`` roles are
the same kind of person elsewhere; ``staff`` is a platform administrator (``is_staff`` and
``is_superuser``) who is a member of no organization: staff see the style guide, and otherwise
exactly what any signed-in person sees (an organization's data is for its own members).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ROLES", "OAUTH_ROLES", "MATRIX", "VARIANTS", "Entry", "LOGIN", "MOVED",
           "MOVED_REFUSED"]

LOGIN = "login"
MOVED = "302"
MOVED_REFUSED = "302 with an error message"

ROLES: tuple[str, ...] = (
    "anonymous",
    "learner",  # owns the attempts, evidence, credential and profile in the scene
    "other_learner",  # another learner: owns nothing the entries name
    "author",  # author in the issuing organization
    "other_author",  # author in another organization
    "assessor",  # assessor in the issuing organization, in the pool, holds the review
    "bystander_assessor",  # assessor in the issuing organization, in no pool, holds nothing
    "other_assessor",  # assessor in another organization
    "org_admin",  # administrator of the issuing organization
    "staff",  # platform administrator (is_staff, is_superuser), no organization
)
# Bearer tokens (no session) for the OB 3.0 API and the VC-API. The learner holds the
# credential/profile tokens; "vc.issue" is held by the issuing organization's administrator.
# "oauth:invalid" presents a token the server never issued.
OAUTH_ROLES: tuple[str, ...] = (
    "oauth:invalid",
    "oauth:credential.readonly",
    "oauth:credential.upsert",
    "oauth:profile.readonly",
    "oauth:profile.update",
    "oauth:vc.issue",
)

Expectation = dict[str, str]


def roles(default: str, **overrides: str) -> Expectation:
    """Every role gets ``default`` except the ones named."""
    unknown = set(overrides) - set(ROLES)
    assert not unknown, unknown
    return {role: overrides.get(role, default) for role in ROLES}


def signed_in(ok: str = "200", **overrides: str) -> Expectation:
    """Any signed-in person; anonymous visitors are sent to sign in."""
    return roles(ok, **{"anonymous": LOGIN, **overrides})


def only(*allowed: str, ok: str = "200", denied: str = "403", **overrides: str) -> Expectation:
    """Signed-in people in ``allowed`` get ``ok``, other signed-in people ``denied``."""
    unknown = set(allowed) - set(ROLES)
    assert not unknown, unknown
    base = {role: ok if role in allowed else denied for role in ROLES}
    base["anonymous"] = LOGIN
    base.update(overrides)
    return base


def api(scope: str | None, ok: str = "200", *, wrong_scope: str = "403",
        **overrides: str) -> Expectation:
    """A bearer-token endpoint: no token (any session) 401, the token with ``scope`` gets
    ``ok``, a good token without it 403 (RFC 6750 §3.1)."""
    base = {role: "401" for role in ROLES}
    for role in OAUTH_ROLES:
        base[role] = "401" if role == "oauth:invalid" else wrong_scope
    if scope is not None:
        base[f"oauth:{scope}"] = ok
    base.update(overrides)
    return base


def everyone(outcome: str) -> Expectation:
    """API routes: the same answer for every session role and every token."""
    return {role: outcome for role in (*ROLES, *OAUTH_ROLES)}


PUBLIC = roles("200")
ASSESSORS = ("assessor", "bystander_assessor", "other_assessor")  # assessor somewhere
AUTHORS = ("author", "other_author", "org_admin")  # author somewhere (admins author too)
ISSUER_AUTHORS = ("author", "org_admin")  # author in the issuing organization


@dataclass(frozen=True)
class Entry:
    """``kwargs``: URL argument -> attribute path on the scene (``"draft_mc.public_id"``).
    ``methods``: method -> expected outcome per role. ``data``: the body sent with POST/PUT
    (a dict is form-encoded; ``json=True`` sends it as JSON). ``query``: a query string."""

    methods: dict[str, Expectation]
    kwargs: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    json: bool = False
    query: str = ""
    api: bool = False  # also exercised with the OAUTH_ROLES
    note: str = ""


OWNER_FORBIDDEN_OTHERS = only("learner")

MATRIX: dict[str, Entry] = {
    # -- web ---------------------------------------------------------------------------------
    "pages:home": Entry({"GET": PUBLIC}),
    "web:healthz": Entry({"GET": PUBLIC}),
    "pages:styleguide": Entry({"GET": only("staff"), "POST": only("staff")}),
    # -- accounts ----------------------------------------------------------------------------
    "accounts:sign_up": Entry({"GET": PUBLIC, "POST": PUBLIC},
                              note="POST with no data: the form again, with its errors"),
    "accounts:sign_up_confirm": Entry({"GET": roles("400"), "POST": roles("400")},
                                      kwargs={"token": "reset_token"},
                                      note="a made-up link: the 'link does not work' page"),
    "accounts:sign_in": Entry({"GET": roles(MOVED, anonymous="200"),
                               "POST": roles(MOVED, anonymous="200")},
                              note="redirect_authenticated_user: signed-in people go home"),
    "accounts:sign_out": Entry({"GET": roles("405"), "POST": roles(MOVED)}),
    "accounts:two_factor_sign_in": Entry({"GET": roles(LOGIN), "POST": roles(LOGIN)},
                                         note="no password step pending: back to sign-in"),
    "accounts:two_factor": Entry({"GET": signed_in()}),
    "accounts:two_factor_setup": Entry({"GET": signed_in(), "POST": signed_in("400")}),
    "accounts:two_factor_recovery_codes": Entry({"GET": signed_in("405"),
                                                 "POST": signed_in(MOVED)}),
    "accounts:two_factor_disable": Entry({"GET": signed_in("405"), "POST": signed_in(MOVED)}),
    "accounts:set_language": Entry({"GET": roles("405"), "POST": roles(MOVED)},
                                   data={"language": "en", "next": "/"}),
    "accounts:password_reset": Entry({"GET": PUBLIC, "POST": PUBLIC}),
    "accounts:password_reset_sent": Entry({"GET": PUBLIC}),
    "accounts:password_reset_confirm": Entry(
        {"GET": PUBLIC}, kwargs={"uidb64": "reset_uid", "token": "reset_token"},
        note="a made-up token: the 'link is invalid' page"),
    "accounts:password_reset_complete": Entry({"GET": PUBLIC}),
    "accounts:password_change": Entry({"GET": signed_in(), "POST": signed_in()},
                                      note="POST with no data: the form again, with its errors"),
    "accounts:account": Entry({"GET": signed_in()}),
    "ops:download": Entry({"GET": signed_in()}, note="always the requester's own data"),
    "ops:delete": Entry({"GET": signed_in(), "POST": signed_in()},
                             note="POST without the password: the form again"),
    # -- catalog and authoring ---------------------------------------------------------------
    "catalog:list": Entry({"GET": PUBLIC}),
    "learner:micro_credential": Entry({"GET": PUBLIC}, kwargs={"slug": "mc_fresh.slug"}),
    "catalog:achievement": Entry({"GET": PUBLIC}, kwargs={"slug": "mc_fresh.slug"}),
    # Only an uploaded badge is served here; this one's badge is generated (404 for everyone).
    "catalog:badge": Entry({"GET": roles("404")},
                           kwargs={"slug": "mc_fresh.slug", "version": "mc_fresh.version"}),
    "catalog:author_home": Entry({"GET": only(*AUTHORS)}),
    "catalog:author_create": Entry({"GET": only(*AUTHORS), "POST": only(*AUTHORS)},
                                   note="POST with no data: the form again"),
    "catalog:author_detail": Entry({"GET": only(*ISSUER_AUTHORS, denied="404")},
                                   kwargs={"public_id": "draft_mc.public_id"}),
    "catalog:author_edit": Entry(
        {"GET": only(*ISSUER_AUTHORS, denied="404"),
         "POST": only(*ISSUER_AUTHORS, ok="400", denied="404")},
        kwargs={"public_id": "draft_mc.public_id"}),
    "catalog:author_preview": Entry({"GET": only(*ISSUER_AUTHORS, denied="404")},
                                    kwargs={"public_id": "draft_mc.public_id"}),
    "catalog:author_badge": Entry({"GET": only(*ISSUER_AUTHORS, denied="404")},
                                  kwargs={"public_id": "draft_mc.public_id"}),
    "catalog:author_badge_set": Entry(
        {"GET": signed_in("405"), "POST": only(*ISSUER_AUTHORS, ok=MOVED, denied="404")},
        kwargs={"public_id": "draft_mc.public_id"}, data={"action": "clear"}),
    "catalog:author_submit": Entry(
        {"GET": signed_in("405"), "POST": only(*ISSUER_AUTHORS, ok=MOVED, denied="404")},
        kwargs={"public_id": "draft_mc.public_id"}),
    "catalog:author_return": Entry(
        {"GET": signed_in("405"), "POST": only(*ISSUER_AUTHORS, ok=MOVED, denied="404")},
        kwargs={"public_id": "review_mc.public_id"}),
    "catalog:author_publish": Entry(
        {"GET": signed_in("405"),
         "POST": only("org_admin", ok=MOVED, denied="404", author=MOVED_REFUSED)},
        kwargs={"public_id": "review_mc.public_id"},
        note="only the organization's administrators publish"),
    "catalog:author_retire": Entry(
        {"GET": signed_in("405"),
         "POST": only("org_admin", ok=MOVED, denied="404", author=MOVED_REFUSED)},
        kwargs={"public_id": "mc_fresh.public_id"}),
    "catalog:author_new_version": Entry(
        {"GET": signed_in("405"), "POST": only(*ISSUER_AUTHORS, ok=MOVED, denied="404")},
        kwargs={"public_id": "mc_fresh.public_id"}),
    "catalog:author_translate": Entry(
        {"GET": only(*ISSUER_AUTHORS, denied="404"), "POST": only(*ISSUER_AUTHORS, denied="404")},
        kwargs={"public_id": "draft_mc.public_id", "language": "translate_to"}),
    "catalog:stack_list": Entry({"GET": PUBLIC}),
    "catalog:stack_detail": Entry({"GET": PUBLIC}, kwargs={"slug": "stack.slug"}),
    "catalog:stack_badge": Entry({"GET": PUBLIC}, kwargs={"slug": "stack.slug"}),
    "learner:pathway": Entry({"GET": signed_in()}, kwargs={"slug": "stack.slug"}),
    "catalog:stack_author_home": Entry({"GET": only(*AUTHORS)}),
    "catalog:stack_author_create": Entry({"GET": only(*AUTHORS),
                                          "POST": only(*AUTHORS, ok="400")}),
    "catalog:stack_author_publish": Entry(
        {"GET": signed_in("405"),
         "POST": only("org_admin", ok=MOVED, other_author="404")},
        kwargs={"public_id": "draft_stack.public_id"},
        note="authors may make stacks; only administrators publish them"),
    "catalog:stack_author_retire": Entry(
        {"GET": signed_in("405"),
         "POST": only("org_admin", ok=MOVED, other_author="404")},
        kwargs={"public_id": "stack.public_id"}),
    # -- earning ------------------------------------------------------------------------------
    "earning:start": Entry({"GET": signed_in("405"), "POST": signed_in(MOVED)},
                           kwargs={"slug": "mc_fresh.slug"}),
    "learner:attempt": Entry({"GET": OWNER_FORBIDDEN_OTHERS,
                              "POST": only("learner", ok=MOVED)},
                             kwargs={"public_id": "draft_attempt.public_id"}),
    "earning:autosave": Entry({"GET": signed_in("405"), "POST": OWNER_FORBIDDEN_OTHERS},
                              kwargs={"public_id": "draft_attempt.public_id"}),
    "assessment:evidence": Entry(
        {"GET": only("learner", "assessor", "org_admin", ok=MOVED)},
        kwargs={"public_id": "review_attempt.public_id", "prompt_id": "review_file.prompt_id"},
        note="the learner, the assessor holding the review and the issuer's administrators "
             "get a signed link made for them"),
    "assessment:evidence_signed": Entry({"GET": OWNER_FORBIDDEN_OTHERS},
                                     kwargs={"token": "learner_evidence_token"},
                                     note="a link signed for the learner: nobody else's"),
    "earning:withdraw": Entry({"GET": signed_in("405"), "POST": only("learner", ok=MOVED)},
                              kwargs={"public_id": "review_attempt.public_id"}),
    "assessment:appeal": Entry({"GET": signed_in("405"), "POST": only("learner", ok="409")},
                            kwargs={"public_id": "review_attempt.public_id"},
                            data={"reason": "Please look again."},
                            note="in review, not a Not Yet: the owner gets 409, no one else "
                                 "gets that far"),
    "earning:my_learning": Entry({"GET": signed_in()}),
    # -- assessment ---------------------------------------------------------------------------
    "assessment:queue": Entry({"GET": only(*ASSESSORS, "org_admin")}),
    "assessment:score": Entry(
        {"GET": only("assessor", bystander_assessor=MOVED),
         "POST": only("assessor", ok="400", bystander_assessor=MOVED)},
        kwargs={"public_id": "review_attempt.public_id"},
        note="an assessor of the organization who does not hold it is sent back to the queue "
             "and sees nothing; blind: see test_assessor_pages_never_name_the_learner"),
    "assessment:claim": Entry({"GET": signed_in("405"),
                               "POST": only("assessor", "bystander_assessor", ok="409")},
                              kwargs={"public_id": "review_attempt.public_id"},
                              note="someone already holds it: 409 for the organization's "
                                   "assessors"),
    "assessment:release": Entry(
        {"GET": signed_in("405"),
         "POST": only("assessor", ok=MOVED, bystander_assessor="409")},
        kwargs={"public_id": "review_attempt.public_id"},
        note="only the holder can release: 409 'you do not hold this submission'"),
    "assessment:return": Entry(
        {"GET": signed_in("405"),
         "POST": only("assessor", ok=MOVED, bystander_assessor="409")},
        kwargs={"public_id": "review_attempt.public_id"},
        data={"reason": "The file does not open."}),
    "assessment:calibration": Entry({"GET": only("assessor"),
                                     "POST": only("assessor", ok="400")},
                                    kwargs={"slug": "review_mc_slug"},
                                    note="pool members only; POST with no sample: 400"),
    "assessment:admin": Entry({"GET": only("org_admin"), "POST": only("org_admin", ok=MOVED)},
                              kwargs={"org_slug": "org.slug"}),
    # -- notifications -------------------------------------------------------------------------
    "notifications:list": Entry({"GET": signed_in()}),
    "notifications:mark_read": Entry({"GET": signed_in("405"), "POST": signed_in(MOVED)}),
    # -- the OB 3.0 API and VC-API ------------------------------------------------------------
    "api:discovery": Entry({"GET": everyone("200"), "POST": everyone("405")}, api=True),
    "api:credentials": Entry({"GET": api("credential.readonly"),
                              "POST": api("credential.upsert", ok="400")}, api=True,
                             json=True, note="POST with an empty object: not a credential"),
    "api:profile": Entry({"GET": api("profile.readonly"), "PUT": api("profile.update"),
                          "POST": everyone("405")}, api=True, json=True,
                         data={"name": "Renamed By Client"}),
    "api:vc_issue": Entry({"GET": everyone("405"), "POST": api("vc.issue", ok="400")},
                          api=True, json=True),
    "api:vc_status": Entry({"GET": everyone("405"), "POST": api("vc.issue", ok="400")},
                           api=True, json=True, note="POST with an empty object: no credentialId"),
    "api:vc_verify": Entry({"GET": everyone("405"), "POST": everyone("400")}, api=True,
                           json=True),
    "api:vp_verify": Entry({"GET": everyone("405"), "POST": everyone("400")}, api=True,
                           json=True),
    "learner:import": Entry({"GET": signed_in(), "POST": signed_in("400")}),
    "pages:terms": Entry({"GET": PUBLIC}),
    "pages:privacy": Entry({"GET": PUBLIC}),
    # -- issuance ------------------------------------------------------------------------------
    "learner:my_credentials": Entry({"GET": signed_in()}),
    "issuance:transcript": Entry({"GET": only("learner", denied="404")},
                                 kwargs={"org_slug": "org.slug"},
                                 note="only the requester's own credentials; others hold none"),
    "issuance:profile_edit": Entry({"GET": signed_in(), "POST": signed_in("400")},
                                   note="POST with no data: the form again"),
    "issuance:did_prove": Entry({"GET": signed_in("405"), "POST": signed_in("400")},
                                note="POST with no presentation: the profile form again, "
                                     "saying what is missing"),
    "issuance:profile": Entry({"GET": PUBLIC}, kwargs={"handle": "public_handle"},
                              note="a profile the learner made public"),
    "issuance:credential": Entry({"GET": PUBLIC}, kwargs={"public_id": "credential.public_id"}),
    "issuance:credential_json": Entry({"GET": PUBLIC},
                                      kwargs={"public_id": "credential.public_id"}),
    "issuance:credential_png": Entry({"GET": PUBLIC},
                                     kwargs={"public_id": "credential.public_id"}),
    "issuance:credential_svg": Entry({"GET": PUBLIC},
                                     kwargs={"public_id": "credential.public_id"}),
    "issuance:credential_pdf": Entry({"GET": PUBLIC},
                                     kwargs={"public_id": "credential.public_id"}),
    "issuance:sharing": Entry({"GET": signed_in("405"),
                               "POST": only("learner", ok=MOVED, denied="404")},
                              kwargs={"public_id": "credential.public_id"}),
    "issuance:evidence": Entry({"GET": roles("403", learner="200")},
                               kwargs={"public_id": "credential.public_id",
                                       "position": "credential_file_position"},
                               note="evidence is private until the learner shares it"),
    "issuance:admin_action": Entry({"GET": signed_in("405"),
                                    "POST": only("org_admin", ok=MOVED)},
                                   kwargs={"public_id": "credential.public_id",
                                           "action": "revoke_action"},
                                   data={"reason": "Issued by mistake."}),
    "issuance:badge_image": Entry({"GET": PUBLIC}, kwargs={"slug": "mc_fresh.slug"}),
    "issuance:badge_image_version": Entry({"GET": PUBLIC},
                                          kwargs={"slug": "mc_fresh.slug",
                                                  "version": "mc_fresh.version"}),
    "issuance:badge_svg_version": Entry({"GET": PUBLIC},
                                        kwargs={"slug": "mc_fresh.slug",
                                                "version": "mc_fresh.version"}),
    "issuance:status_list": Entry({"GET": PUBLIC}, kwargs={"public_id": "status_list.public_id"}),
    "issuance:admin_credentials": Entry({"GET": only("org_admin")}),
    "issuance:rotate_key": Entry({"GET": signed_in("405"), "POST": only("org_admin", ok=MOVED)},
                                 kwargs={"slug": "org.slug"}),
    "issuance:bulk_new": Entry({"GET": only("org_admin"), "POST": only("org_admin", ok="400")},
                               note="POST with no file: the form again"),
    "issuance:bulk_job": Entry({"GET": only("org_admin")},
                               kwargs={"public_id": "bulk_job.public_id"}),
    "issuance:bulk_job_progress": Entry({"GET": only("org_admin")},
                                        kwargs={"public_id": "bulk_job.public_id"}),
    "issuance:did_document": Entry({"GET": roles("404")},
                                   note="this deployment signs with did:key"),
    # -- verification -------------------------------------------------------------------------
    "verification:verify": Entry({"GET": PUBLIC, "POST": roles("400")}),
    # -- django-oauth-toolkit under /oauth/ ---------------------------------------------------
    # Only what the OB 3.0 API uses is mounted (microcred.api.urls): the server metadata is
    # public; the authorization endpoint asks the signed-in person; the token endpoints
    # authenticate the client (no client here: refused); registration is open but this empty
    # body asks for nothing valid; RFC 7592 management needs the client's registration token.
    "oauth2_provider:oauth-server-metadata": Entry({"GET": PUBLIC}),
    "oauth2_provider:authorize": Entry({"GET": signed_in("400")}),
    "oauth2_provider:token": Entry({"POST": roles("400")}),
    "oauth2_provider:revoke-token": Entry({"POST": roles("400")}),
    "oauth2_provider:dcr-register": Entry({"POST": roles("400")}, json=True),
    "oauth2_provider:dcr-register-management": Entry(
        {"GET": roles("401"), "PUT": roles("401"), "DELETE": roles("401")},
        kwargs={"client_id": "oauth_app.client_id"}, json=True),
}


# Object-level variants: the same routes with other objects of the scene (drafts, private
# profiles, a link signed for someone else, other credential actions). Each is tested like a
# matrix entry; the route must exist too.
VARIANTS: dict[str, tuple[str, Entry]] = {
    "draft micro-credential page": ("learner:micro_credential", Entry(
        {"GET": roles("404")}, kwargs={"slug": "draft_mc.slug"})),
    "draft Achievement": ("catalog:achievement", Entry(
        {"GET": roles("404")}, kwargs={"slug": "draft_mc.slug"})),
    "draft badge image": ("issuance:badge_image_version", Entry(
        {"GET": roles("404")}, kwargs={"slug": "draft_mc.slug", "version": "draft_mc.version"})),
    "start a draft": ("earning:start", Entry(
        {"POST": signed_in("404")}, kwargs={"slug": "draft_mc.slug"})),
    "draft stack page": ("catalog:stack_detail", Entry(
        {"GET": roles("404", author="200", org_admin="200")},
        kwargs={"slug": "draft_stack.slug"},
        note="a preview for the organization's authors")),
    "draft stack badge": ("catalog:stack_badge", Entry(
        {"GET": roles("404")}, kwargs={"slug": "draft_stack.slug"})),
    "draft stack pathway": ("learner:pathway", Entry(
        {"GET": only(*ISSUER_AUTHORS, denied="404")}, kwargs={"slug": "draft_stack.slug"})),
    "private profile": ("issuance:profile", Entry(
        {"GET": roles("404")}, kwargs={"handle": "private_handle"},
        note="a handle alone does not publish a profile (public is off by default)")),
    "evidence link signed for the assessor": ("assessment:evidence_signed", Entry(
        {"GET": only("assessor")}, kwargs={"token": "assessor_evidence_token"},
        note="the learner may open the file, but not through a link made for someone else")),
    "submitted attempt status page": ("learner:attempt", Entry(
        {"GET": only("learner")}, kwargs={"public_id": "review_attempt.public_id"})),
    "decided attempt evidence": ("assessment:evidence", Entry(
        {"GET": only("learner", "assessor", "org_admin", ok=MOVED)},
        kwargs={"public_id": "credential.attempt.public_id",
                "prompt_id": "credential_file.prompt_id"},
        note="the assessor who scored it still may; others never")),
    "suspend a credential": ("issuance:admin_action", Entry(
        {"POST": only("org_admin", ok=MOVED)},
        kwargs={"public_id": "credential.public_id", "action": "suspend_action"},
        data={"reason": "Under investigation."})),
    "renew a credential": ("issuance:admin_action", Entry(
        {"POST": only("org_admin", ok=MOVED)},
        kwargs={"public_id": "credential.public_id", "action": "renew_action"},
        note="the issuer's administrators only: a learner never renews their own (issue 14)")),
    "unknown credential action": ("issuance:admin_action", Entry(
        {"POST": signed_in("404")},
        kwargs={"public_id": "credential.public_id", "action": "unknown_action"},
        data={"reason": "x"})),
    "another organization's assessment admin page": ("assessment:admin", Entry(
        {"GET": only(), "POST": only()},
        kwargs={"org_slug": "other_org.slug"})),
    "rotate another organization's key": ("issuance:rotate_key", Entry(
        {"POST": only()}, kwargs={"slug": "other_org.slug"},
        note="the issuing organization's administrator is not the other one's")),
    "set a lead without naming a member": ("assessment:admin", Entry(
        {"POST": only("org_admin", ok="400")}, kwargs={"org_slug": "org.slug"},
        data={"action": "set_lead"})),
    "set a lead who is in no pool": ("assessment:admin", Entry(
        {"POST": only("org_admin", ok="404")}, kwargs={"org_slug": "org.slug"},
        data={"action": "set_lead", "member": "999999"})),
    "another organization's bulk issuance job": ("issuance:bulk_job", Entry(
        {"GET": only()}, kwargs={"public_id": "other_bulk_job.public_id"},
        note="the issuing organization's administrator is not the other one's")),
}
