"""``microcred vc``: the credential core on the command line.

A thin front end over the library: every failure becomes a message on stderr and an exit status
(0 success, 1 a credential failed verification or could not be signed, 2 unusable input or
usage), never a traceback.

Each command imports the part of the core it uses inside its own function (``# local: start-up
cost``): the JSON-LD, RDF and signature stack takes about 0.7 s to load, which the help, a
``keygen`` or an ``unbake`` should not pay.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from .errors import BakingError, InputError, KeyFormatError, UnknownContextError, VCError
from .jsoninput import MAX_BYTES, parse_json

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
CRYPTOSUITE_CHOICES = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "jwt-eddsa", "jwt-rs256")


class _Usage(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise _Usage(f"{self.prog}: {message}")


def _read_bytes(path: str, *, what: str = "file", limit: int | None = None) -> bytes:
    limit = limit or MAX_BYTES
    try:
        size = os.path.getsize(path) if path != "-" else None
        if size is not None and size > limit:
            raise InputError(
                f"{path} is {size:,} bytes; the limit is {limit:,} bytes", code="too_large"
            )
        if path == "-":
            data = sys.stdin.buffer.read(limit + 1)
            if len(data) > limit:
                raise InputError(f"standard input is over {limit:,} bytes", code="too_large")
            return data
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(
            f"cannot read {what} {path}: {exc.strerror or exc}", code="unreadable_file"
        ) from None


def _read_json(path: str, *, what: str = "file") -> Any:
    return parse_json(_read_bytes(path, what=what), what=path)


def _contexts(pairs: Sequence[str]) -> Any:
    # local: start-up cost
    from .documentloader import DocumentLoader

    mapping: dict[str, str] = {}
    for pair in pairs:
        url, sep, file = pair.partition("=")
        if not sep or not url or not file:
            raise _Usage(f"--context takes URL=FILE, not '{pair}'")
        mapping[url] = file
    return DocumentLoader.from_files(mapping) if mapping else None


def _write(text: str, out: str | None, *, mode: int | None = None) -> None:
    if out is None or out == "-":
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        if mode is not None:
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot write {out}: {exc.strerror or exc}", code="unwritable_file"
        ) from None


def _write_bytes(data: bytes, out: str) -> None:
    try:
        Path(out).write_bytes(data)
    except OSError as exc:
        raise InputError(
            f"cannot write {out}: {exc.strerror or exc}", code="unwritable_file"
        ) from None


def _dump(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# -- commands -----------------------------------------------------------------------------------


def cmd_keygen(args: argparse.Namespace) -> int:
    # local: start-up cost
    from .keys import Ed25519Multikey, RsaKey

    if os.path.exists(args.out) and not args.force:
        raise InputError(f"{args.out} exists; pass --force to replace it", code="file_exists")
    if args.type == "rsa":
        if args.seed:
            raise _Usage("--seed applies to Ed25519 keys only")
        rsa_key = RsaKey.generate()
        data: dict[str, Any] = {
            "type": "RsaKey",
            "privateKeyPem": rsa_key.private_pem().decode(),
            "publicKeyPem": rsa_key.public_pem().decode(),
        }
    else:
        seed = None
        if args.seed is not None:
            try:
                seed = bytes.fromhex(args.seed)
            except ValueError:
                raise _Usage("--seed must be 64 hexadecimal characters") from None
            if len(seed) != 32:
                raise _Usage("--seed must be 64 hexadecimal characters (32 bytes)")
        data = Ed25519Multikey.generate(seed).to_json()
    _write(_dump(data), args.out, mode=0o600)
    print(f"wrote {args.out}" + (f" ({data['did']})" if "did" in data else ""), file=sys.stderr)
    return EXIT_OK


def cmd_sign(args: argparse.Namespace) -> int:
    # local: start-up cost
    from .data_integrity import sign
    from .jose import sign_jwt
    from .keys import Ed25519Multikey, load_key

    key_data: Any
    raw_key = _read_bytes(args.key, what="key file")
    key_data = (
        raw_key
        if raw_key.lstrip().startswith(b"-----BEGIN")
        else _read_json(args.key, what="key file")
    )
    key = load_key(key_data)
    document = _read_json(args.input)
    if not isinstance(document, dict):
        raise InputError(f"{args.input} must hold a JSON object", code="not_an_object")
    suite = args.cryptosuite
    if suite.startswith("jwt-"):
        wants_rsa = suite == "jwt-rs256"
        if wants_rsa == isinstance(key, Ed25519Multikey):
            raise _Usage(f"--cryptosuite {suite} needs an {'RSA' if wants_rsa else 'Ed25519'} key")
        _write(sign_jwt(document, key=key, verification_method=args.verification_method), args.out)
        return EXIT_OK
    if not isinstance(key, Ed25519Multikey):
        raise _Usage(f"--cryptosuite {suite} needs an Ed25519 key")
    signed = sign(
        document,
        key=key,
        cryptosuite=suite,
        created=args.created,
        verification_method=args.verification_method,
        loader=_contexts(args.context),
    )
    _write(_dump(signed), args.out)
    return EXIT_OK


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        now = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _Usage(f"--now '{value}' is not an ISO 8601 date and time") from None
    return now if now.tzinfo else now.replace(tzinfo=UTC)


def _url_file(pair: str) -> tuple[str | None, str]:
    """``URL=FILE`` as (URL, FILE); a bare ``FILE`` (no ``scheme://`` before an ``=``) as
    (None, FILE)."""
    url, sep, file = pair.partition("=")
    if sep and "://" in url and file:
        return url, file
    return None, pair


def _status_lists(pairs: Sequence[str]) -> dict[str, Any]:
    """``--status-list``: ``URL=FILE`` is the list the credentials cite at URL (whatever its
    own ``id``); a bare ``FILE`` is keyed by the list's ``id``."""
    status_lists: dict[str, Any] = {}
    for pair in pairs:
        url, path = _url_file(pair)
        document = _read_json(path, what="status list")
        if not isinstance(document, dict):
            raise InputError(f"status list {path} is not a JSON object", code="invalid_status_list")
        if url is None:
            if not isinstance(document.get("id"), str):
                raise InputError(
                    f"status list {path} has no 'id': give it as URL={path}",
                    code="invalid_status_list",
                )
            url = document["id"]
        status_lists[url] = document
    return status_lists


def _ob2_documents(pairs: Sequence[str]) -> dict[str, Any]:
    documents: dict[str, Any] = {}
    for pair in pairs:
        url, path = _url_file(pair)
        if url is None:
            raise _Usage(f"--ob2-document takes URL=FILE, not '{pair}'")
        document = _read_json(path, what="document")
        if not isinstance(document, dict):
            raise InputError(f"{path} is not a JSON object", code="not_an_object")
        documents[url] = document
    return documents


def cmd_verify(args: argparse.Namespace) -> int:
    # local: start-up cost
    from .verifier import Check, Report, VerifyOptions, verify_report

    options = VerifyOptions(
        now=_parse_now(args.now),
        allow_network=args.allow_network,
        status_lists=_status_lists(args.status_list),
        loader=_contexts(args.context),
        ob2_documents=_ob2_documents(args.ob2_document),
    )
    registries = _registries(args.registry, allow_network=args.allow_network)
    reports = []
    for path in args.files:
        try:
            data = _read_bytes(path, what="credential file")
        except VCError as exc:
            unreadable = Check.of(
                "format",
                "failed",
                "format.unreadable",
                {"code": exc.code},
                reason=exc.message.rstrip("."),
            )
            report = Report(checks=[unreadable], source=path)
        else:
            report = verify_report(data, options, source=path)
            if args.proof_only:
                report = _proofs_only(report)
        reports.append(report)
    listed = {id(r): _registry_answer(registries, r) for r in reports} if registries else {}
    if args.json:
        sys.stdout.write(
            json.dumps([{**r.as_dict(), **listed.get(id(r), {})} for r in reports], indent=2)
            + "\n"
        )
    else:
        for report in reports:
            _print_report(report)
            if id(report) in listed:
                _print_registry_line(listed[id(report)])
    unusable = any((c := r.check("format")) is not None and c.outcome == "failed" for r in reports)
    if unusable:
        return EXIT_USAGE
    return EXIT_OK if all(r.verdict == "passed" for r in reports) else EXIT_FAILED


_MARKS = {"passed": "passed ", "failed": "FAILED ", "unknown": "unknown"}
_ANSWER_LINES = {
    "authentic": ("Authentic", {"passed": "yes", "failed": "NO", "unknown": "could not tell"}),
    "valid_now": ("Valid now", {"passed": "yes", "failed": "NO", "unknown": "could not tell"}),
    "conformant": (
        "Conformant",
        {"passed": "yes", "failed": "no (does not change the verdict)", "unknown": "not checked"},
    ),
}


def _print_report(report: Any) -> None:
    """The verdict, the three answers (for the questions whose checks were made), each check,
    then every conformance problem with the specification section it breaks."""
    # local: start-up cost
    from .verifier import ANSWERS

    print(f"{report.source}: {report.verdict.upper()}. {report.summary}")
    for answer, outcome in report.answers.items():
        if report.asked(answer):
            label, words = _ANSWER_LINES[answer]
            print(f"  {label + ':':<11} {words[outcome]}")
    for check in report.checks:
        conformance = check.name in ANSWERS["conformant"] and check.outcome == "failed"
        mark = "problem" if conformance else _MARKS[check.outcome]
        print(f"  {mark}  {check.name:<9} {check.message}")
    problems = report.conformance_problems
    if problems:
        print("  conformance problems:")
        for problem in problems:
            where = f" ({problem['section']})" if problem.get("section") else ""
            print(f"    {problem['path']}: {problem['message']}{where}")


def _registries(entries: Sequence[str], *, allow_network: bool) -> Any:
    """``--registry``: every registry read and checked now, so a malformed one stops the
    command (exit 2) instead of leaving its issuers unlisted."""
    # local: start-up cost
    from .registries import RegistryError, https_fetcher, parse_registry_entry, registries_from

    registries = registries_from(
        [parse_registry_entry(entry) for entry in entries],
        fetch=https_fetcher() if allow_network else None,
    )
    try:
        registries.load()
    except RegistryError as exc:
        raise InputError(exc.message, code=exc.code) from None
    return registries


def _registry_answer(registries: Any, report: Any) -> dict[str, Any]:
    """What the registries say of a report's issuer, when the issuer check shows the issuer's
    own key signed (otherwise a listing would say nothing about the signer)."""
    issuer = report.check("issuer")
    credential = getattr(report, "credential", None)
    issuer_id = credential.get("issuer") if isinstance(credential, dict) else None
    if isinstance(issuer_id, dict):
        issuer_id = issuer_id.get("id")
    if issuer is None or issuer.outcome != "passed" or not isinstance(issuer_id, str):
        return {"issuerRegistry": None}
    search = registries.search(issuer_id)
    return {"issuerRegistry": {
        "issuer": issuer_id,
        "listing": search.listing.as_dict() if search.listing else None,
        "unchecked": [problem.as_dict() for problem in search.unchecked],
    }}


def _print_registry_line(answer: dict[str, Any]) -> None:
    found = answer["issuerRegistry"]
    if found is None:
        print("  registry   not looked up: the checks do not show the issuer signed it")
        return
    listing = found["listing"]
    if listing is not None:
        where = ", ".join(v for v in (listing["url"], listing["location"]) if v)
        named = f" as \u201c{listing['name']}\u201d" if listing["name"] else ""
        print(f"  registry   listed by {listing['registry']}{named}"
              + (f" ({where})" if where else ""))
    else:
        print(f"  registry   identified only by its key: no trusted registry lists "
              f"{found['issuer']}")
    for problem in found["unchecked"]:
        print(f"  registry   {problem['registry']} could not be checked: {problem['message']}")


_PROOF_ONLY_CHECKS = ("format", "proof")


def _proofs_only(report: Any) -> Any:
    """The report with only its ``format`` and ``proof`` checks: ``--proof-only`` asks whether
    the proofs verify (Data Integrity 1.0 §4.4, VC-JOSE), not whether the issuer is bound to
    the signing key or the document conforms to a data model. Specification vectors (the W3C
    vc-di-eddsa ones) sign as ``did:key`` keys for an issuer such as https://vc.example/...,
    which the full check rightly refuses."""
    kept = [c for c in report.checks if c.name in _PROOF_ONLY_CHECKS]
    return dataclasses.replace(report, checks=kept)


def _ed25519_key(path: str) -> Any:
    # local: start-up cost
    from .keys import Ed25519Multikey, load_key

    raw_key = _read_bytes(path, what="key file")
    key = load_key(raw_key if raw_key.lstrip().startswith(b"-----BEGIN") else _read_json(path))
    if not isinstance(key, Ed25519Multikey):
        raise _Usage("a presentation is signed with an Ed25519 key")
    return key


def cmd_present(args: argparse.Namespace) -> int:
    # local: start-up cost
    from .jose import is_compact_jws
    from .presentation import present

    credentials: list[Any] = []
    for path in args.credentials:
        raw = _read_bytes(path, what="credential file")
        text = raw.decode("utf-8", errors="replace").strip()
        if is_compact_jws(text):
            credentials.append(text)
            continue
        document = _read_json(path, what="credential file")
        if not isinstance(document, dict):
            raise InputError(f"{path} must hold a JSON object", code="not_an_object")
        credentials.append(document)
    domain: str | list[str] | None = None
    if args.domain:
        domain = args.domain[0] if len(args.domain) == 1 else list(args.domain)
    signed = present(
        credentials,
        key=_ed25519_key(args.key),
        holder=args.holder,
        challenge=args.challenge,
        domain=domain,
        presentation_id=args.id,
        cryptosuite=args.cryptosuite,
        verification_method=args.verification_method,
        created=args.created,
        loader=_contexts(args.context),
    )
    _write(_dump(signed), args.out)
    return EXIT_OK


def cmd_verify_presentation(args: argparse.Namespace) -> int:
    # local: start-up cost
    from .presentation import verify_presentation
    from .verifier import VerifyOptions

    document = _read_json(args.input, what="presentation")
    domain: str | list[str] | None = None
    if args.domain:
        domain = args.domain[0] if len(args.domain) == 1 else list(args.domain)
    report = verify_presentation(
        document,
        VerifyOptions(
            now=_parse_now(args.now),
            allow_network=args.allow_network,
            loader=_contexts(args.context),
        ),
        expected_challenge=args.challenge,
        expected_domain=domain,
        source=args.input,
    )
    if args.json:
        body = report.as_dict()
        body["credentials"] = [r.as_dict() for r in report.credentials]
        sys.stdout.write(json.dumps(body, indent=2) + "\n")
    else:
        print(f"{report.source}: {report.verdict.upper()}. {report.summary}")
        for check in report.checks:
            print(f"  {_MARKS[check.outcome]}  {check.name:<11} {check.message}")
        for inner in report.credentials:
            print(f"  {inner.source}: {inner.verdict.upper()}. {inner.summary}")
    return EXIT_OK if report.verdict == "passed" else EXIT_FAILED


def cmd_canonicalize(args: argparse.Namespace) -> int:
    # local: start-up cost
    from .jsonld import canonicalize

    document = _read_json(args.input)
    sys.stdout.write(canonicalize(document, loader=_contexts(args.context)))
    return EXIT_OK


def cmd_bake(args: argparse.Namespace) -> int:
    # local: start-up cost
    from .baking import bake_png, bake_svg

    image = _read_bytes(args.image, what="image")
    credential = _read_bytes(args.credential, what="credential").decode("utf-8", "replace").strip()
    if credential.startswith("{"):
        _read_json(args.credential)  # refuse broken JSON before baking it in
    baked = (
        bake_png(image, credential) if image.startswith(b"\x89PNG") else bake_svg(image, credential)
    )
    _write_bytes(baked, args.out)
    return EXIT_OK


def cmd_unbake(args: argparse.Namespace) -> int:
    # local: start-up cost
    from .baking import unbake

    baked = unbake(_read_bytes(args.image, what="image"))
    if baked.kind == "ob2":
        print("note: this image carries an Open Badges 2.0 assertion", file=sys.stderr)
    _write(baked.text, None)
    return EXIT_OK


def cmd_status_list(args: argparse.Namespace) -> int:
    # local: start-up cost
    from .data_integrity import sign
    from .keys import Ed25519Multikey, load_key
    from .status_list import StatusList, status_list_credential

    def signed(document: dict[str, Any]) -> dict[str, Any]:
        if not args.key:
            return document
        key = load_key(_read_json(args.key, what="key file"))
        if not isinstance(key, Ed25519Multikey):
            raise _Usage("status lists are signed with an Ed25519 key")
        unsigned = {k: v for k, v in document.items() if k != "proof"}
        return sign(unsigned, key=key)

    if args.action == "new":
        status = StatusList(length=args.length)
        now = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        document = status_list_credential(
            id=args.id,
            issuer=args.issuer,
            purpose=args.purpose,
            encoded_list=status.encode(),
            valid_from=now,
        )
        _write(_dump(signed(document)), args.out)
        return EXIT_OK
    document = _read_json(args.list, what="status list")
    subject = document.get("credentialSubject") if isinstance(document, dict) else None
    if not isinstance(subject, dict) or not isinstance(subject.get("encodedList"), str):
        raise InputError(
            f"{args.list} is not a BitstringStatusListCredential", code="invalid_status_list"
        )
    status = StatusList.decode(subject["encodedList"])
    if args.action == "check":
        value = status.get(args.index)
        purpose = subject.get("statusPurpose", "status")
        print(f"index {args.index}: {'set' if value else 'not set'} ({purpose})")
        return EXIT_FAILED if value else EXIT_OK
    if args.action == "set":
        status.set(args.index)
    else:
        status.clear(args.index)
    updated = {**document, "credentialSubject": {**subject, "encodedList": status.encode()}}
    _write(_dump(signed(updated)), args.out or args.list)
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    # local: start-up cost
    from . import benchmark

    if args.n < 1:
        raise _Usage("--n must be at least 1")
    unknown = [case for case in args.case if case not in benchmark.CASES]
    if unknown:
        raise _Usage(f"unknown case {unknown[0]}; choose from {', '.join(benchmark.CASES)}")
    if args.profile:
        try:
            print(benchmark.profile_verify(args.n, reference=args.profile == "reference"))
        except ImportError:
            raise _Usage("--profile needs pyinstrument (pip install -e '.[test]')") from None
        return EXIT_OK
    results = benchmark.run(args.n, cases=tuple(args.case) or None, reference=not args.no_reference)
    if args.json:
        _write(json.dumps(results, indent=2), None)
        return EXIT_OK
    print(f"raw Ed25519 verify (cryptography): {results['ed25519_verify_per_s']:,.0f}/s")
    for name, entry in results["cases"].items():
        line = (
            f"{name:12s} sign {entry['sign_per_s']:9,.0f}/s  verify {entry['verify_per_s']:9,.0f}/s"
            f"  ({entry['verify_vs_ed25519']:.0%} of raw Ed25519"
        )
        if "verify_vs_reference" in entry:
            line += f", {entry['verify_vs_reference']:.1f}x pyld"
        print(line + ")")
    print(
        f"fast JSON-LD path: {results['fastld']['fast']} documents, "
        f"{results['fallbacks']} fallbacks {results['fastld']['reasons'] or ''}".rstrip()
    )
    return EXIT_OK


# -- parser -------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="microcred vc",
        description="Sign, verify, canonicalize and bake Open Badges 3.0 / W3C verifiable "
        "credentials. Works offline: JSON-LD contexts are bundled.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("keygen", help="create an Ed25519 Multikey (or RSA) key file")
    p.add_argument("--seed", help="32-byte seed as 64 hex characters (deterministic key)")
    p.add_argument("--type", choices=("ed25519", "rsa"), default="ed25519")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.add_argument("out", metavar="OUT.json")
    p.set_defaults(func=cmd_keygen)

    p = sub.add_parser("sign", help="add a Data Integrity proof, or sign as a compact JWS")
    p.add_argument("--key", required=True, metavar="KEY.json")
    p.add_argument("--cryptosuite", choices=CRYPTOSUITE_CHOICES, default="eddsa-rdfc-2022")
    p.add_argument("--created", metavar="ISO", help="the proof's creation time (default: now)")
    p.add_argument(
        "--verification-method",
        metavar="URI",
        help="default: the key's did:key verification method",
    )
    p.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="URL=FILE",
        help="an extra JSON-LD context (repeatable)",
    )
    p.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    p.add_argument("input", metavar="IN.json")
    p.set_defaults(func=cmd_sign)

    p = sub.add_parser("verify", help="verify credentials (JSON, JWS, baked PNG or SVG)")
    p.add_argument("--json", action="store_true", help="print a JSON array of reports")
    p.add_argument(
        "--status-list",
        action="append",
        default=[],
        metavar="URL=FILE",
        help="the status list credential at URL (the statusListCredential the credentials "
        "cite), read from FILE instead of fetched; a bare FILE stands for the URL in its own "
        "'id' (repeatable)",
    )
    p.add_argument(
        "--ob2-document",
        action="append",
        default=[],
        metavar="URL=FILE",
        help="an Open Badges 2.0 document (a signed assertion's CryptographicKey, its badge "
        "class, issuer profile or revocation list) read from FILE instead of fetched "
        "(repeatable)",
    )
    p.add_argument("--context", action="append", default=[], metavar="URL=FILE")
    p.add_argument("--now", metavar="ISO", help="check validity at this time")
    p.add_argument(
        "--allow-network",
        action="store_true",
        help="resolve did:web and fetch status lists over HTTPS",
    )
    p.add_argument(
        "--registry",
        action="append",
        default=[],
        metavar="[NAME=]FILE_OR_URL",
        help="an issuer registry to trust: a DCC issuer registry (JSON) or an OpenID "
        "Federation trust anchor (its entity configuration, with statements); the report "
        "names the registry that lists each issuer (repeatable, most authoritative first; "
        "a URL needs --allow-network)",
    )
    p.add_argument(
        "--proof-only",
        action="store_true",
        help="check only that the proofs verify (not the issuer, data model, validity or "
        "status): for specification test vectors",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser(
        "present", help="wrap credentials in a verifiable presentation signed by their holder"
    )
    p.add_argument("--key", required=True, metavar="KEY.json", help="the holder's Ed25519 key")
    p.add_argument("--holder", metavar="URI", help="default: the key's did:key")
    p.add_argument("--challenge", metavar="TEXT", help="the verifier's challenge (a nonce)")
    p.add_argument(
        "--domain",
        action="append",
        default=[],
        metavar="TEXT",
        help="the verifier's domain (repeatable: a set of domains)",
    )
    p.add_argument("--id", metavar="URI", help="the presentation's id (default: a urn:uuid)")
    p.add_argument(
        "--cryptosuite", choices=("eddsa-rdfc-2022", "eddsa-jcs-2022"), default="eddsa-rdfc-2022"
    )
    p.add_argument("--created", metavar="ISO", help="the proof's creation time (default: now)")
    p.add_argument("--verification-method", metavar="URI")
    p.add_argument("--context", action="append", default=[], metavar="URL=FILE")
    p.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    p.add_argument("credentials", nargs="*", metavar="CREDENTIAL", help="JSON or compact JWS")
    p.set_defaults(func=cmd_present)

    p = sub.add_parser(
        "verify-presentation",
        help="verify a presentation's proof (challenge, domain, holder) and its credentials",
    )
    p.add_argument("--challenge", metavar="TEXT", help="the challenge the proof must carry")
    p.add_argument("--domain", action="append", default=[], metavar="TEXT")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--context", action="append", default=[], metavar="URL=FILE")
    p.add_argument("--now", metavar="ISO", help="check validity at this time")
    p.add_argument("--allow-network", action="store_true")
    p.add_argument("input", metavar="VP.json")
    p.set_defaults(func=cmd_verify_presentation)

    p = sub.add_parser("canonicalize", help="print the RDFC-1.0 canonical N-Quads")
    p.add_argument("--context", action="append", default=[], metavar="URL=FILE")
    p.add_argument("input", metavar="IN.json")
    p.set_defaults(func=cmd_canonicalize)

    p = sub.add_parser("bench", help="measure signing and verification throughput")
    p.add_argument("--n", type=int, default=200, help="operations per timed round")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument(
        "--case",
        action="append",
        default=[],
        metavar="NAME",
        help="only this case (repeatable): ob-2kb, ob-10kb, clr-20, ob-2kb-jcs, ob-2kb-jwt",
    )
    p.add_argument(
        "--no-reference", action="store_true", help="skip the pyld reference path (slow)"
    )
    p.add_argument(
        "--profile",
        nargs="?",
        const="fast",
        choices=("fast", "reference"),
        help="print a pyinstrument profile of N verifications of the sample instead",
    )
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("bake", help="bake a credential into a PNG or SVG badge image")
    p.add_argument("--image", required=True, metavar="IMG")
    p.add_argument("--credential", required=True, metavar="FILE")
    p.add_argument("--out", required=True, metavar="OUT")
    p.set_defaults(func=cmd_bake)

    p = sub.add_parser("unbake", help="print the credential baked into a PNG or SVG")
    p.add_argument("image", metavar="IMG")
    p.set_defaults(func=cmd_unbake)

    p = sub.add_parser("status-list", help="create and update Bitstring Status Lists")
    actions = p.add_subparsers(dest="action", required=True, parser_class=_Parser)
    new = actions.add_parser("new", help="a new, empty status list credential")
    new.add_argument("--id", required=True, metavar="URL", help="the URL it will be served at")
    new.add_argument("--issuer", required=True, metavar="DID")
    new.add_argument("--purpose", choices=("revocation", "suspension"), default="revocation")
    new.add_argument("--length", type=int, default=131072)
    new.add_argument("--key", metavar="KEY.json", help="sign it with this key")
    new.add_argument("--out", metavar="FILE")
    for name, text in (
        ("set", "set an entry's bit (revoke/suspend)"),
        ("clear", "clear an entry's bit"),
        ("check", "print an entry's bit"),
    ):
        q = actions.add_parser(name, help=text)
        q.add_argument("--list", required=True, metavar="FILE")
        q.add_argument("--index", required=True, type=int)
        if name != "check":
            q.add_argument("--key", metavar="KEY.json", help="re-sign it with this key")
            q.add_argument("--out", metavar="FILE", help="default: rewrite --list in place")
    p.set_defaults(func=cmd_status_list, key=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        code: int = args.func(args)
        return code
    except _Usage as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except (InputError, BakingError, KeyFormatError, UnknownContextError) as exc:
        # The input cannot be used at all: a file, key, image or context problem.
        print(f"error: {exc.message} [{exc.code}]", file=sys.stderr)
        return EXIT_USAGE
    except VCError as exc:
        print(f"error: {exc.message} [{exc.code}]", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except SystemExit as exc:  # --help
        return int(exc.code or 0)


if __name__ == "__main__":
    sys.exit(main())
