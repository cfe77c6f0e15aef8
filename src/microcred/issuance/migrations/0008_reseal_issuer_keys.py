"""Issuer signing keys sealed again with the issuer-key purpose's own key (``microcred.sealing``,
issue 22): before, issuer keys and two-factor secrets were sealed under one key. A key that
cannot be opened (sealed under another ``SECRET_KEY``) is left as it is: it was unreadable
before and stays so. The way back seals them again in the old format."""

from django.db import migrations

from microcred.sealing import Purpose, reseal, reseal_legacy, reseal_rows


def _each(apps, schema_editor, change):
    rows = apps.get_model("issuance", "IssuerKey").objects.using(schema_editor.connection.alias)
    reseal_rows(rows, purpose=Purpose.ISSUER_KEY, key_field="public_multibase",
                associated_data=str, change=change)


def forwards(apps, schema_editor):
    _each(apps, schema_editor, reseal)


def backwards(apps, schema_editor):
    _each(apps, schema_editor, reseal_legacy)


class Migration(migrations.Migration):
    dependencies = [("issuance", "0007_learner_did_proof")]

    operations = [migrations.RunPython(forwards, backwards)]
