"""Two-factor secrets sealed again with the TOTP purpose's own key (``microcred.sealing``,
issue 22): before, they were sealed under the same key as issuer signing keys. A secret that
cannot be opened (sealed under another ``SECRET_KEY``) is left as it is: it was unreadable
before and stays so. The way back seals them again in the old format."""

from django.db import migrations

from microcred.sealing import Purpose, reseal, reseal_legacy, reseal_rows


def _each(apps, schema_editor, change):
    rows = apps.get_model("accounts", "TwoFactorDevice").objects.using(schema_editor.connection.alias)
    # The associated data two_factor seals with: the person the secret belongs to.
    reseal_rows(rows, purpose=Purpose.TOTP_SECRET, key_field="user_id",
                associated_data=lambda user_id: f"microcred totp v1 user {user_id}", change=change)


def forwards(apps, schema_editor):
    _each(apps, schema_editor, reseal)


def backwards(apps, schema_editor):
    _each(apps, schema_editor, reseal_legacy)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_throttle_cache_table")]

    operations = [migrations.RunPython(forwards, backwards)]
