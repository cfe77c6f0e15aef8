"""Issuer signing keys sealed again with the issuer-key purpose's own key (``microcred.sealing``,
issue 22): before, issuer keys and two-factor secrets were sealed under one key. A key that
cannot be opened (sealed under another ``SECRET_KEY``) is left as it is: it was unreadable
before and stays so. The way back seals them again in the old format."""

from django.db import migrations

from microcred.sealing import Purpose, SealError, reseal, reseal_legacy


def _each(apps, schema_editor, change):
    IssuerKey = apps.get_model("issuance", "IssuerKey")
    rows = IssuerKey.objects.using(schema_editor.connection.alias)
    for pk, sealed, public in rows.values_list("pk", "sealed_secret", "public_multibase"):
        try:
            again = change(sealed, purpose=Purpose.ISSUER_KEY, associated_data=public)
        except SealError:
            continue
        if again != sealed:
            rows.filter(pk=pk).update(sealed_secret=again)


def forwards(apps, schema_editor):
    _each(apps, schema_editor, reseal)


def backwards(apps, schema_editor):
    _each(apps, schema_editor, reseal_legacy)


class Migration(migrations.Migration):
    dependencies = [("issuance", "0007_learner_did_proof")]

    operations = [migrations.RunPython(forwards, backwards)]
