"""Open Badges 2.0 imports: which standard a held credential follows, and what to display."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="heldcredential",
            name="standard",
            field=models.CharField(
                choices=[("ob3", "Open Badges 3.0 / Verifiable Credential"),
                         ("ob2", "Open Badges 2.0")],
                default="ob3", max_length=8),
        ),
        migrations.AddField(
            model_name="heldcredential",
            name="description",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="heldcredential",
            name="image",
            field=models.TextField(blank=True,
                                   help_text="The badge image as a data: URL, or empty."),
        ),
        migrations.AddField(
            model_name="heldcredential",
            name="issued_on",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="heldcredential",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="heldcredential",
            name="verified_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="heldcredential",
            constraint=models.CheckConstraint(condition=models.Q(("standard__in", ["ob3", "ob2"])),
                                              name="heldcredential_standard_valid"),
        ),
    ]
