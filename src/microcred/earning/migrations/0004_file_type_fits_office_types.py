# Office media types are longer than 64 characters (a .docx is 71).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('earning', '0003_prompt_rules_live_on_the_prompt'),
    ]

    operations = [
        migrations.AlterField(
            model_name='answer',
            name='file_type',
            field=models.CharField(blank=True, max_length=128),
        ),
    ]
