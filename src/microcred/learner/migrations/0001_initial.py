"""HeldCredential moves here from ``api`` (issue 22): the same table (``api_heldcredential``)
and its rows, now in this app's state. Nothing in the database changes; ``api`` 0005 drops the
model from its own state once this has taken it. The content type follows the model, so
anything keyed on it (permissions) keeps pointing at it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _content_type_follows(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="learner",
                                                model="heldcredential").exists():
        ContentType.objects.using(db).filter(app_label="api", model="heldcredential").update(
            app_label="learner")


def _content_type_returns(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="api",
                                                model="heldcredential").exists():
        ContentType.objects.using(db).filter(app_label="learner", model="heldcredential").update(
            app_label="api")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("api", "0004_heldcredential_conformance_problems"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HeldCredential',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('credential_id', models.CharField(max_length=500)),
                        ('format', models.CharField(choices=[('json', 'JSON-LD'), ('jws', 'Compact JWS')], max_length=8)),
                        ('text', models.TextField()),
                        ('title', models.CharField(blank=True, max_length=300)),
                        ('issuer_name', models.CharField(blank=True, max_length=300)),
                        ('issuer_confirmed', models.BooleanField(default=False)),
                        ('issuer_name_clash', models.BooleanField(default=False)),
                        ('issuer_listed_by', models.CharField(blank=True, max_length=300)),
                        ('source_url', models.URLField(blank=True, max_length=1000)),
                        ('standard', models.CharField(choices=[('ob3', 'Open Badges 3.0 / Verifiable Credential'), ('ob2', 'Open Badges 2.0')], default='ob3', max_length=8)),
                        ('description', models.TextField(blank=True)),
                        ('image', models.TextField(blank=True, help_text='The badge image as a data: URL, or empty.')),
                        ('issued_on', models.DateTimeField(blank=True, null=True)),
                        ('expires_at', models.DateTimeField(blank=True, null=True)),
                        ('verified_at', models.DateTimeField(blank=True, null=True)),
                        ('conformance_problems', models.JSONField(blank=True, default=list)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='held_credentials', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'api_heldcredential',
                        'ordering': ['-updated_at', '-id'],
                        'constraints': [models.UniqueConstraint(fields=('owner', 'credential_id'), name='heldcredential_one_per_id'), models.CheckConstraint(condition=models.Q(('format__in', ['json', 'jws'])), name='heldcredential_format_valid'), models.CheckConstraint(condition=models.Q(('standard__in', ['ob3', 'ob2'])), name='heldcredential_standard_valid')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(_content_type_follows, _content_type_returns),
    ]
