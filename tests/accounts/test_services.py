import pytest
from django.conf import settings
from django.test import override_settings

from microcred.accounts.models import User
from microcred.accounts.services import user_create
from microcred.audit.models import AuditEvent
from microcred.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def test_user_create_hashes_with_argon2_and_audits() -> None:
    """With the production hashers (the test settings use a fast one for speed)."""
    import microcred.settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert settings.PRODUCTION_PASSWORD_HASHERS == production.PASSWORD_HASHERS
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        user = user_create(email="Ada@Example.test", password="a long passphrase 42",
                           display_name="Ada")
        assert user.password.startswith("argon2$")
        assert user.check_password("a long passphrase 42")
    assert user.email == "ada@example.test"
    assert AuditEvent.objects.filter(action="user.created", actor=user).exists()


def test_user_create_refuses_duplicate_email_case_insensitively() -> None:
    user_create(email="ada@example.test", password="a long passphrase 42", display_name="Ada")
    with pytest.raises(ValidationFailed) as exc:
        user_create(email="ADA@example.test", password="a long passphrase 42",
                    display_name="Ada")
    assert exc.value.code == "email_taken"
    assert User.objects.count() == 1


def test_user_create_refuses_weak_password() -> None:
    with pytest.raises(ValidationFailed) as exc:
        user_create(email="bo@example.test", password="password", display_name="Bo")
    assert exc.value.code == "weak_password"
