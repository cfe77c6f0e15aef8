# Word limits, file size limits and "a link may replace the file" moved onto the prompt.

from django.db import migrations


def rules_onto_prompts(apps, schema_editor):
    PromptRule = apps.get_model("earning", "PromptRule")
    EvidencePrompt = apps.get_model("catalog", "EvidencePrompt")
    for rule in PromptRule.objects.all():
        EvidencePrompt.objects.filter(pk=rule.prompt_id).update(
            word_limit=rule.word_limit, max_bytes=rule.max_bytes, allow_link=rule.allow_link)


class Migration(migrations.Migration):

    dependencies = [
        ('earning', '0002_workflow_policies_links'),
        ('catalog', '0003_authoring_model_versions_stacks'),
    ]

    operations = [
        migrations.RunPython(rules_onto_prompts, migrations.RunPython.noop),
        migrations.DeleteModel(
            name='PromptRule',
        ),
    ]
