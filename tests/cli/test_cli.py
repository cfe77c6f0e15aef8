import json
from pathlib import Path

import pytest
from django.core.management import call_command

from microcred.cli import main
from microcred.issuance.management.commands.credentials import safe_filename
from microcred.issuance.models import Credential
from tests.factories import World, pass_attempt, submitted_attempt


@pytest.mark.django_db
def test_credentials_export_is_byte_for_byte(tmp_path: Path, world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    credential = Credential.objects.get()
    call_command("credentials", "export", str(tmp_path / "out"))
    files = list((tmp_path / "out").iterdir())
    assert [f.name for f in files] == [f"{credential.public_id}.json"]
    assert files[0].read_bytes() == credential.signed_json.encode("utf-8")
    assert json.loads(files[0].read_bytes())["id"] == credential.credential_id


def test_safe_filename() -> None:
    assert safe_filename("https://x.test/credentials/abc-1") == "abc-1.json"
    assert safe_filename("urn:uuid:1234") == "1234.json"
    assert safe_filename("https://x.test/../../etc/passwd") == "passwd.json"
    assert safe_filename("https://x.test/..") == "credential.json"


def test_cli_errors_are_one_line_and_nonzero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["no-such-command"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "no-such-command" in err


def test_cli_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "credentials export DIR" in capsys.readouterr().out
