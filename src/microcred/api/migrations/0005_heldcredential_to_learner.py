"""HeldCredential moved to the ``learner`` app (issue 22): gone from this app's state only.
The table (``api_heldcredential``) and its rows stay; ``learner`` 0001 took the model over."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0004_heldcredential_conformance_problems"),
        ("learner", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="HeldCredential"),
            ],
            database_operations=[],
        ),
    ]
