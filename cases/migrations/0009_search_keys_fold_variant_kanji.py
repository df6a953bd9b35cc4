"""Search keys fold 異体字 now (宮﨑 is 宮崎): recompute them for every client."""

from django.db import migrations


def refresh(apps, schema_editor):
    from cases.text import normalize_name

    Client = apps.get_model("cases", "Client")
    batch = []
    for client in Client.objects.only("id", "name", "kana").iterator(chunk_size=2000):
        client.kana_key = normalize_name(client.kana)
        client.search_key = f"{client.kana_key}|{normalize_name(client.name)}"
        batch.append(client)
        if len(batch) >= 2000:
            Client.objects.bulk_update(batch, ["kana_key", "search_key"])
            batch = []
    Client.objects.bulk_update(batch, ["kana_key", "search_key"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_japanese_constraint_messages")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
