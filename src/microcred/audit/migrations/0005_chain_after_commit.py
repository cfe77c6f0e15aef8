"""Entries are chained after commit (issue 22): writers insert them pending, with the chain
fields empty, and the hasher (``audit.services.audit_chain_extend``) fills those in once.

The chain fields become nullable (together: all empty or all set), each row gets its writing
transaction's id (``txid``, PostgreSQL; stamped by a trigger), a partial index lists the
pending rows, and the triggers are replaced by their second version (``db_guards.install``),
which allows exactly the hasher's fill. Rows chained so far are not touched: their hashes,
sequence numbers and the head stay valid as they are.

Going back chains whatever is pending first (the old columns refuse empty values), in the
hasher's order. Keep the trigger step last: on SQLite altering the table rebuilds it, which
drops triggers.
"""

from django.db import migrations, models

from microcred.audit import db_guards
from microcred.audit.chain import entry_hash

GENESIS = "0" * 64


def chain_pending(apps, schema_editor):
    """Reverse only: chain every pending entry (the application is stopped while migrating)."""
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    pending = AuditEvent.objects.filter(entry_hash__isnull=True).order_by("txid", "id")
    if not pending.exists():
        return
    head, _created = AuditChainHead.objects.get_or_create(
        pk=1, defaults={"sequence": 0, "entry_hash": GENESIS})
    sequence, previous = head.sequence, head.entry_hash
    for event in pending.iterator(chunk_size=2000):
        sequence += 1
        event.sequence, event.previous_hash = sequence, previous
        event.entry_hash = previous = entry_hash(
            sequence=sequence, created_at=event.created_at, actor_id=event.actor_id,
            action=event.action, target=event.target, data=event.data, previous_hash=previous)
        event.save(update_fields=["sequence", "previous_hash", "entry_hash"])
    AuditChainHead.objects.filter(pk=1).update(sequence=sequence, entry_hash=previous)


class Migration(migrations.Migration):

    dependencies = [("audit", "0004_append_only")]

    operations = [
        migrations.RunPython(db_guards.remove_v1, db_guards.install_v1),
        migrations.AlterModelOptions(
            name="auditevent",
            options={"ordering": ["id"]},
        ),
        migrations.AddField(
            model_name="auditevent",
            name="txid",
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="entry_hash",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(blank=True, null=True, unique=True),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(condition=models.Q(("entry_hash__isnull", True)),
                               fields=["txid", "id"], name="audit_pending"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("entry_hash__isnull", True), ("previous_hash__isnull", True),
                             ("sequence__isnull", True)),
                    models.Q(("entry_hash__isnull", False), ("previous_hash__isnull", False),
                             ("sequence__isnull", False)),
                    _connector="OR"),
                name="audit_chain_fields_together"),
        ),
        migrations.RunPython(migrations.RunPython.noop, chain_pending),
        migrations.RunPython(db_guards.install, db_guards.remove),
    ]
