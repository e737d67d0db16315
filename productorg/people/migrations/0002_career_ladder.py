from __future__ import annotations

from django.db import migrations

from productorg.people.levels import LADDER


def create_ladder(apps, schema_editor):
    Level = apps.get_model("people", "Level")
    for code, name, rank, track in LADDER:
        Level.objects.update_or_create(
            code=code, defaults={"name": name, "rank": rank, "track": track}
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(create_ladder, migrations.RunPython.noop)]
