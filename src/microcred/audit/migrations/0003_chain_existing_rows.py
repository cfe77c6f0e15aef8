"""Chain the entries written before the log was chained, in the order they were written (id),
with the hash function of ``microcred.audit.chain``."""

from django.db import migrations

from microcred.audit.chain import entry_hash

GENESIS = "0" * 64


def chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    previous, sequence = GENESIS, 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        sequence += 1
        event.sequence = sequence
        event.previous_hash = previous
        event.entry_hash = entry_hash(
            sequence=sequence, created_at=event.created_at, actor_id=event.actor_id,
            action=event.action, target=event.target, data=event.data, previous_hash=previous)
        event.save(update_fields=["sequence", "previous_hash", "entry_hash"])
        previous = event.entry_hash
    AuditChainHead.objects.update_or_create(
        pk=1, defaults={"sequence": sequence, "entry_hash": previous})


def unchain(apps, schema_editor):
    apps.get_model("audit", "AuditChainHead").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [("audit", "0002_hash_chain")]

    operations = [migrations.RunPython(chain_existing, unchain)]
