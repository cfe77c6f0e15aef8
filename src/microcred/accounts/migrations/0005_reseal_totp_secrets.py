"""Two-factor secrets sealed again with the TOTP purpose's own key (``microcred.sealing``,
issue 22): before, they were sealed under the same key as issuer signing keys. A secret that
cannot be opened (sealed under another ``SECRET_KEY``) is left as it is: it was unreadable
before and stays so. The way back seals them again in the old format."""

from django.db import migrations

from microcred.sealing import Purpose, SealError, reseal, reseal_legacy


def _each(apps, schema_editor, change):
    TwoFactorDevice = apps.get_model("accounts", "TwoFactorDevice")
    rows = TwoFactorDevice.objects.using(schema_editor.connection.alias)
    for pk, sealed, user_id in rows.values_list("pk", "sealed_secret", "user_id"):
        try:
            # The associated data two_factor seals with: the person the secret belongs to.
            again = change(sealed, purpose=Purpose.TOTP_SECRET,
                           associated_data=f"microcred totp v1 user {user_id}")
        except SealError:
            continue
        if again != sealed:
            rows.filter(pk=pk).update(sealed_secret=again)


def forwards(apps, schema_editor):
    _each(apps, schema_editor, reseal)


def backwards(apps, schema_editor):
    _each(apps, schema_editor, reseal_legacy)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_throttle_cache_table")]

    operations = [migrations.RunPython(forwards, backwards)]
