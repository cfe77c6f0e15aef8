"""Issuer registries (microcred.vc.registries): the DCC's registry format and OpenID Federation
trust chains built here with generated keys, offline; every signature is real."""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path
from typing import Any

import pytest
from joserfc import jws
from joserfc.errors import SecurityWarning
from joserfc.jwk import ECKey, OKPKey

from microcred.vc.errors import ResolutionError
from microcred.vc.registries import (
    RegistryError,
    TrustRegistries,
    registries_from,
    registry_from,
    split_registry_setting,
)

NOW = 1_800_000_000  # a fixed instant: statements are dated around it
LISTED = "did:key:z6MkpLDL3RoAoMRTwTgo3rs39ZwssfaPKtGdZw7AGRN7CK4W"
COLLEGE = "did:web:college.example"
ANCHOR = "https://registry.example.org"
INTERMEDIATE = "https://consortium.example.net"


def clock() -> float:
    return float(NOW)


# -- building a federation -----------------------------------------------------------------------


class Entity:
    """An entity with a key of its own (P-256 or Ed25519) that signs entity statements."""

    def __init__(self, entity_id: str, *, curve: str = "P-256") -> None:
        self.id = entity_id
        self.alg = "ES256" if curve == "P-256" else "EdDSA"
        self.key: Any = ECKey.generate_key("P-256", private=True) if curve == "P-256" \
            else OKPKey.generate_key("Ed25519", private=True)
        self.kid = f"{entity_id}#key-1"

    def jwks(self) -> dict[str, Any]:
        return {"keys": [{**self.key.as_dict(private=False), "kid": self.kid}]}

    def sign(self, claims: dict[str, Any], *, kid: str | None = None,
             typ: str = "entity-statement+jwt") -> str:
        header = {"alg": self.alg, "typ": typ, "kid": kid or self.kid}
        body = json.dumps(claims).encode()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SecurityWarning)  # EdDSA: still what is deployed
            return jws.serialize_compact(header, body, self.key, algorithms=[self.alg])

    def configuration(self, *, metadata: dict[str, Any] | None = None,
                      authority_hints: list[str] | None = None, exp: int = NOW + 86400,
                      **extra: Any) -> str:
        claims: dict[str, Any] = {"iss": self.id, "sub": self.id, "iat": NOW - 60, "exp": exp,
                                  "jwks": self.jwks(), **extra}
        if metadata is not None:
            claims["metadata"] = metadata
        if authority_hints is not None:
            claims["authority_hints"] = authority_hints
        return self.sign(claims)

    def about(self, subject: str, *, subject_entity: Entity | None = None,
              metadata: dict[str, Any] | None = None, exp: int = NOW + 86400,
              **extra: Any) -> str:
        """A subordinate statement about ``subject`` (with its keys when it has any)."""
        claims: dict[str, Any] = {"iss": self.id, "sub": subject, "iat": NOW - 60, "exp": exp,
                                  **extra}
        if subject_entity is not None:
            claims["jwks"] = subject_entity.jwks()
        if metadata is not None:
            claims["metadata"] = metadata
        return self.sign(claims)


def organization(name: str, url: str, **more: Any) -> dict[str, Any]:
    return {"federation_entity": {"organization_name": name, "homepage_uri": url, **more}}


def anchor_configuration(anchor: Entity, **extra: Any) -> str:
    return anchor.configuration(metadata={"federation_entity": {
        "organization_name": "Example Credentials Federation",
        "homepage_uri": "https://registry.example.org/about",
        "federation_fetch_endpoint": f"{anchor.id}/fetch",
    }}, **extra)


def three_level_federation(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """Anchor → intermediate → leaf (the college, whose entity id is its DID, with its own
    entity configuration), plus a DCC-style statement by the anchor about a did:key."""
    anchor = Entity(ANCHOR)
    intermediate = Entity(INTERMEDIATE, curve="Ed25519")
    college = Entity(COLLEGE)
    parts = {
        "anchor": anchor_configuration(anchor),
        "anchor_about_intermediate": anchor.about(INTERMEDIATE, subject_entity=intermediate,
                                                  metadata=organization(
                                                      "Northern Consortium",
                                                      "https://consortium.example.net")),
        "intermediate": intermediate.configuration(authority_hints=[ANCHOR]),
        "intermediate_about_college": intermediate.about(
            COLLEGE, subject_entity=college,
            metadata={**organization("Lakeside Community College", "https://college.example",
                                     location="Duluth, MN, USA"),
                      "ror_entity": {"url": "https://ror.org/00example"}}),
        "college": college.configuration(
            authority_hints=[INTERMEDIATE],
            metadata=organization("Lakeside CC (self-described)", "https://lakeside.example")),
        "anchor_about_did_key": anchor.about(LISTED, metadata={
            **organization("(Example) My University", "https://university.example"),
            "institution_additional_information": {"legal_name": "My University, Inc."}}),
    }
    path = tmp_path / "federation.json"
    path.write_text(json.dumps([v for v in parts.values() if v is not None]))
    return path, {"anchor": anchor, "intermediate": intermediate, "college": college}


# -- the DCC issuer registry format --------------------------------------------------------------


DCC_REGISTRY = {
    "meta": {"created": "2022-10-27T17:57:31+00:00", "updated": "2025-03-12T16:20:00+00:00"},
    "registry": {
        LISTED: {"name": "(Example) My University", "location": "Cambridge, MA, USA",
                 "url": "https://university.example"},
        "did:web:www.credly.example:issuers:1": {"name": "Credly Test Issuer"},
    },
}


def test_a_dcc_registry_names_the_issuers_it_lists(tmp_path: Path) -> None:
    path = tmp_path / "registry.json"
    path.write_text(json.dumps(DCC_REGISTRY))
    registry = registry_from(str(path), name="DCC Sandbox Registry")
    listing = registry.lookup(LISTED)
    assert listing is not None
    assert (listing.registry, listing.kind, listing.name, listing.url, listing.location) == (
        "DCC Sandbox Registry", "dcc", "(Example) My University", "https://university.example",
        "Cambridge, MA, USA")
    assert listing.source == str(path)
    bare = registry.lookup("did:web:www.credly.example:issuers:1")
    assert bare is not None and bare.name == "Credly Test Issuer" and bare.url == ""
    assert registry.lookup("did:key:z6MkNotListedAnywhere") is None
    # without a configured name, the file names the registry
    assert registry_from(str(path)).name == "registry.json"


def test_a_changed_registry_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "registry.json"
    path.write_text(json.dumps(DCC_REGISTRY))
    registry = registry_from(str(path), name="Local")
    assert registry.lookup(COLLEGE) is None
    changed = json.loads(json.dumps(DCC_REGISTRY))
    changed["registry"][COLLEGE] = {"name": "Lakeside Community College and more"}
    path.write_text(json.dumps(changed))
    listing = registry.lookup(COLLEGE)
    assert listing is not None and listing.name == "Lakeside Community College and more"


@pytest.mark.parametrize(("content", "problem"), [
    ("{not json", "is not JSON"),
    ('{"meta": {}}', "has no 'registry' object"),
    ('{"registry": {"did:key:z6Mk": {"url": "https://x.example"}}}', "has no 'name'"),
    ('{"registry": {"did:key:z6Mk": {"name": "X", "url": 7}}}', "'url' that is not a string"),
    ("<html>not a registry</html>", "neither a DCC issuer registry"),
])
def test_a_malformed_registry_is_an_error_naming_the_problem(tmp_path: Path, content: str,
                                                             problem: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content)
    with pytest.raises(RegistryError) as caught:
        registry_from(str(path)).lookup(LISTED)
    assert caught.value.code == "malformed_registry"
    assert problem in caught.value.message and str(path) in caught.value.message


def test_a_missing_file_and_a_plain_http_url_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RegistryError) as caught:
        registry_from(str(tmp_path / "nowhere.json")).load()
    assert caught.value.code == "registry_unavailable"
    with pytest.raises(RegistryError) as caught:
        registry_from("http://registry.example.org/registry.json", fetch=lambda url: b"{}").load()
    assert caught.value.code == "insecure_url"


def test_a_registry_by_url_is_fetched_once_per_ttl_and_a_failure_is_remembered() -> None:
    calls: list[str] = []
    now = [float(NOW)]

    def fetch(url: str) -> bytes:
        calls.append(url)
        if "down" in url:
            raise ResolutionError(f"could not fetch {url}: HTTP 503", code="fetch_failed")
        return json.dumps(DCC_REGISTRY).encode()

    url = "https://registries.example/registry.json"
    registry = registry_from(url, name="Remote", fetch=fetch, ttl=600, clock=lambda: now[0])
    assert registry.lookup(LISTED) is not None and registry.lookup(COLLEGE) is None
    assert calls == [url]
    now[0] += 601
    registry.lookup(LISTED)
    assert calls == [url, url]
    down = registry_from("https://down.example/registry.json", fetch=fetch,
                         clock=lambda: now[0])
    for _ in range(3):
        with pytest.raises(RegistryError) as caught:
            down.lookup(LISTED)
        assert caught.value.code == "registry_unavailable" and "HTTP 503" in caught.value.message
    assert calls.count("https://down.example/registry.json") == 1
    with pytest.raises(RegistryError) as caught:
        registry_from(url).lookup(LISTED)  # no fetch function: a URL cannot be read
    assert caught.value.code == "registry_unavailable"


# -- OpenID Federation ---------------------------------------------------------------------------


def test_a_three_level_trust_chain_lists_the_leaf(tmp_path: Path) -> None:
    path, _ = three_level_federation(tmp_path)
    registry = registry_from(str(path), clock=clock)
    listing = registry.lookup(COLLEGE)
    assert listing is not None
    assert listing.kind == "openid-federation"
    assert listing.registry == "Example Credentials Federation"  # the anchor's organization_name
    # the intermediate's statement about the college overrides what the college says of itself
    assert listing.name == "Lakeside Community College"
    assert listing.url == "https://college.example" and listing.location == "Duluth, MN, USA"
    assert listing.other == {"rorUrl": "https://ror.org/00example"}
    assert listing.trust_chain == (COLLEGE, INTERMEDIATE, ANCHOR)
    assert listing.expires is not None and listing.expires.timestamp() == NOW + 86400
    assert listing.as_dict()["trustChain"] == [COLLEGE, INTERMEDIATE, ANCHOR]


def test_a_dcc_style_statement_about_a_did_lists_it(tmp_path: Path) -> None:
    path, _ = three_level_federation(tmp_path)
    listing = registry_from(str(path), name="DCC Member Registry", clock=clock).lookup(LISTED)
    assert listing is not None
    assert (listing.registry, listing.name, listing.legal_name, listing.trust_chain) == (
        "DCC Member Registry", "(Example) My University", "My University, Inc.",
        (LISTED, ANCHOR))


def test_an_issuer_the_federation_does_not_mention_is_not_listed(tmp_path: Path) -> None:
    path, _ = three_level_federation(tmp_path)
    assert registry_from(str(path), clock=clock).lookup("did:key:z6MkStranger") is None
    # the anchor itself and the intermediate are not issuers it lists
    assert registry_from(str(path), clock=clock).lookup(ANCHOR) is None


def test_an_expired_statement_breaks_the_chain(tmp_path: Path) -> None:
    anchor = Entity(ANCHOR)
    intermediate = Entity(INTERMEDIATE, curve="Ed25519")
    college = Entity(COLLEGE)
    (tmp_path / "expired.json").write_text(json.dumps([
        anchor_configuration(anchor),
        anchor.about(INTERMEDIATE, subject_entity=intermediate, exp=NOW - 1),
        intermediate.about(COLLEGE, subject_entity=college,
                           metadata=organization("Lakeside", "https://college.example")),
        college.configuration(authority_hints=[INTERMEDIATE]),
    ]))
    with pytest.raises(RegistryError) as caught:
        registry_from(str(tmp_path / "expired.json"), clock=clock).lookup(COLLEGE)
    assert caught.value.code == "statement_expired"
    assert "expired" in caught.value.message and INTERMEDIATE in caught.value.message


def test_a_statement_signed_with_another_key_is_refused(tmp_path: Path) -> None:
    anchor = Entity(ANCHOR)
    impostor = Entity(ANCHOR)  # claims to be the anchor, with a key of its own
    (tmp_path / "forged.json").write_text(json.dumps([
        anchor_configuration(anchor),
        impostor.sign({"iss": ANCHOR, "sub": LISTED, "iat": NOW - 60, "exp": NOW + 600,
                       "metadata": organization("Forged University", "https://forged.example")}),
    ]))
    with pytest.raises(RegistryError) as caught:
        registry_from(str(tmp_path / "forged.json"), clock=clock).lookup(LISTED)
    assert caught.value.code == "invalid_statement_signature"


def test_a_leaf_must_name_its_superior_in_authority_hints(tmp_path: Path) -> None:
    anchor = Entity(ANCHOR)
    college = Entity(COLLEGE)
    (tmp_path / "hints.json").write_text(json.dumps([
        anchor_configuration(anchor),
        anchor.about(COLLEGE, subject_entity=college,
                     metadata=organization("Lakeside", "https://college.example")),
        college.configuration(authority_hints=["https://somewhere-else.example"]),
    ]))
    with pytest.raises(RegistryError) as caught:
        registry_from(str(tmp_path / "hints.json"), clock=clock).lookup(COLLEGE)
    assert caught.value.code == "authority_not_hinted"


def test_metadata_policy_applies_and_its_critical_operators_are_honoured(tmp_path: Path) -> None:
    anchor = Entity(ANCHOR)
    policy = {"federation_entity": {"homepage_uri": {"value": "https://policy.example"},
                                    "location": {"default": "Somewhere, Earth"}}}
    (tmp_path / "policy.json").write_text(json.dumps([
        anchor_configuration(anchor),
        anchor.about(LISTED, metadata=organization("Policy University", "https://x.example"),
                     metadata_policy=policy),
    ]))
    listing = registry_from(str(tmp_path / "policy.json"), clock=clock).lookup(LISTED)
    assert listing is not None
    assert (listing.url, listing.location) == ("https://policy.example", "Somewhere, Earth")
    (tmp_path / "crit.json").write_text(json.dumps([
        anchor_configuration(anchor),
        anchor.about(LISTED, metadata=organization("Policy University", "https://x.example"),
                     metadata_policy_crit=["regexp"]),
    ]))
    with pytest.raises(RegistryError) as caught:
        registry_from(str(tmp_path / "crit.json"), clock=clock).lookup(LISTED)
    assert caught.value.code == "malformed_registry" and "regexp" in caught.value.message


@pytest.mark.parametrize(("statements", "problem"), [
    (lambda a: [a.sign({"iss": ANCHOR, "sub": ANCHOR, "iat": NOW, "exp": NOW + 60,
                        "jwks": a.jwks()}, typ="JWT")], "not 'entity-statement+jwt'"),
    (lambda a: [a.about(LISTED)], "exactly one trust anchor"),
    (lambda a: [anchor_configuration(a), anchor_configuration(Entity("https://other.example"))],
     "exactly one trust anchor"),
    (lambda a: [{"not": "a jwt"}], "JSON array of entity statements"),
    (lambda a: ["abc.def"], "one compact JWS"),
])
def test_a_malformed_federation_file_names_the_problem(tmp_path: Path, statements: Any,
                                                       problem: str) -> None:
    path = tmp_path / "federation.json"
    path.write_text(json.dumps(statements(Entity(ANCHOR))))
    with pytest.raises(RegistryError) as caught:
        registry_from(str(path), clock=clock).load()
    assert caught.value.code == "malformed_registry"
    assert problem in caught.value.message


def test_an_expired_trust_anchor_configuration_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "anchor.jwt"
    path.write_text(anchor_configuration(Entity(ANCHOR), exp=NOW - 10))
    with pytest.raises(RegistryError) as caught:
        registry_from(str(path), clock=clock).load()
    assert caught.value.code == "statement_expired"


def test_the_anchors_fetch_endpoint_answers_for_what_the_file_lacks() -> None:
    """The DCC's registry: the anchor's entity configuration at its well-known URL, and one
    statement per DID from ``federation_fetch_endpoint?sub=`` (404 when it lists no one)."""
    anchor = Entity(ANCHOR)
    calls: list[str] = []
    now = [float(NOW)]

    def fetch(url: str) -> bytes:
        calls.append(url)
        if url == f"{ANCHOR}/.well-known/openid-federation":
            return anchor_configuration(anchor).encode()
        if url == f"{ANCHOR}/fetch?sub={LISTED.replace(':', '%3A')}":
            return anchor.about(LISTED, metadata=organization(
                "(Example) My University", "https://university.example"),
                exp=int(now[0]) + 300).encode()
        raise ResolutionError(f"could not fetch {url}: HTTP 404 Not Found",
                              code="fetch_failed", status=404)

    registry = registry_from(f"{ANCHOR}/.well-known/openid-federation", fetch=fetch,
                             clock=lambda: now[0])
    listing = registry.lookup(LISTED)
    assert listing is not None and listing.name == "(Example) My University"
    assert listing.registry == "Example Credentials Federation"
    assert registry.lookup("did:key:z6MkStranger") is None
    registry.lookup(LISTED)
    registry.lookup("did:key:z6MkStranger")
    assert len(calls) == 3  # the configuration once, each subject once (cached)
    now[0] += 301  # past the statement's exp: asked again
    assert registry.lookup(LISTED) is not None
    assert len(calls) == 4


def test_an_answer_from_the_fetch_endpoint_by_someone_else_is_refused() -> None:
    anchor, other = Entity(ANCHOR), Entity("https://other.example")

    def fetch(url: str) -> bytes:
        if url.endswith("/.well-known/openid-federation"):
            return anchor_configuration(anchor).encode()
        return other.about(LISTED, metadata=organization("X", "https://x.example")).encode()

    with pytest.raises(RegistryError) as caught:
        registry_from(f"{ANCHOR}/.well-known/openid-federation", fetch=fetch,
                      clock=clock).lookup(LISTED)
    assert caught.value.code == "broken_chain"


# -- several registries --------------------------------------------------------------------------


def test_registries_are_asked_in_order_and_one_that_cannot_answer_is_reported(
        tmp_path: Path) -> None:
    dcc = tmp_path / "registry.json"
    dcc.write_text(json.dumps(DCC_REGISTRY))
    federation, _ = three_level_federation(tmp_path)
    registries = registries_from(
        [f"Missing=  {tmp_path / 'missing.json'}", f"First={dcc}, Second={federation}"],
        clock=clock)
    assert isinstance(registries, TrustRegistries) and len(registries.registries) == 3
    search = registries.search(LISTED)
    assert search.listing is not None and search.listing.registry == "First"
    assert [p.registry for p in search.unchecked] == ["Missing"]
    assert search.unchecked[0].code == "registry_unavailable"
    college = registries.search(COLLEGE)
    assert college.listing is not None and college.listing.registry == "Second"
    nobody = registries.search("did:key:z6MkStranger")
    assert nobody.listing is None and len(nobody.unchecked) == 1
    assert not TrustRegistries() and TrustRegistries().lookup(LISTED) is None


def test_the_setting_syntax() -> None:
    assert split_registry_setting(
        "DCC Member Registry=https://registry.example/.well-known/openid-federation,\n"
        " /etc/microcred/local.json , https://x.example/fetch?sub=a=b\n\n"
    ) == [("DCC Member Registry", "https://registry.example/.well-known/openid-federation"),
          (None, "/etc/microcred/local.json"), (None, "https://x.example/fetch?sub=a=b")]


def test_lookups_are_quick_once_loaded(tmp_path: Path) -> None:
    path, _ = three_level_federation(tmp_path)
    registry = registry_from(str(path), clock=clock)
    registry.lookup(COLLEGE)
    start = time.perf_counter()
    for _ in range(1000):
        registry.lookup(COLLEGE)
    assert time.perf_counter() - start < 1.0  # answers are kept until the chain expires


# -- microcred vc verify --registry --------------------------------------------------------------


def outside_credential_file(tmp_path: Path, name: str) -> tuple[Path, str]:
    from microcred.vc import openbadges as ob
    from microcred.vc.data_integrity import sign
    from microcred.vc.keys import Ed25519Multikey

    key = Ed25519Multikey.generate()
    achievement = ob.achievement(id="https://lakeside.example/a/1", name="Welding I",
                                 description="Basic welding.", criteria_narrative="Weld.")
    credential = sign(ob.open_badge_credential(
        issuer=ob.profile(id=key.did, name="Lakeside CC"), achievement=achievement,
        subject=ob.achievement_subject(achievement=achievement, id="did:example:learner"),
        valid_from=ob.now_iso(), id="urn:uuid:12345678-2222-3333-4444-555555555555",
    ), key=key)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(credential))
    return path, key.did


def test_the_cli_names_the_registry_for_each_report(tmp_path: Path) -> None:
    from .test_cli import run

    listed, did = outside_credential_file(tmp_path, "listed")
    unlisted, _ = outside_credential_file(tmp_path, "unlisted")
    registry = tmp_path / "registry.json"
    registry.write_text(json.dumps({"registry": {did: {
        "name": "Lakeside Community College", "url": "https://lakeside.example",
        "location": "Duluth, MN, USA"}}}))
    result = run("verify", "--registry", f"DCC Sandbox Registry={registry}",
                 str(listed), str(unlisted))
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr.decode()
    listed_part, unlisted_part = out.split(str(unlisted) + ":")
    assert "registry   listed by DCC Sandbox Registry as “Lakeside Community College” " \
        "(https://lakeside.example, Duluth, MN, USA)" in listed_part
    assert "identified only by its key: no trusted registry lists did:key:" in unlisted_part
    as_json = json.loads(run("verify", "--json", "--registry", str(registry), str(listed),
                             str(unlisted)).stdout)
    assert as_json[0]["issuerRegistry"]["listing"]["name"] == "Lakeside Community College"
    assert as_json[0]["issuerRegistry"]["listing"]["registry"] == "registry.json"
    assert as_json[1]["issuerRegistry"] == {"issuer": as_json[1]["issuerRegistry"]["issuer"],
                                            "listing": None, "unchecked": []}
    # without --registry, the output has no registry line and the JSON no member
    plain = run("verify", str(listed))
    assert b"registry " not in plain.stdout
    assert "issuerRegistry" not in json.loads(run("verify", "--json", str(listed)).stdout)[0]


def test_the_cli_stops_on_a_malformed_registry(tmp_path: Path) -> None:
    from .test_cli import run

    listed, _ = outside_credential_file(tmp_path, "listed")
    broken = tmp_path / "broken.json"
    broken.write_text('{"registry": {"did:key:z6Mk": {"url": "https://x.example"}}}')
    result = run("verify", "--registry", str(broken), str(listed))
    assert result.returncode == 2
    assert result.stdout == b""
    assert "the entry for did:key:z6Mk has no 'name' [malformed_registry]" in \
        result.stderr.decode()
    url = run("verify", "--registry", "https://registry.example/registry.json", str(listed))
    assert url.returncode == 2 and b"fetching is off here" in url.stderr
