from django.db import migrations

BUILTIN = [
    (
        "Work category",
        "work-category",
        "category",
        1,
        [
            ("feature", "Feature"),
            ("growth", "Growth"),
            ("scaling", "Scaling"),
            ("pmf_expansion", "Product-market-fit expansion"),
        ],
    ),
    (
        "Bucket",
        "bucket",
        "bucket",
        2,
        [
            ("metrics_mover", "Metrics mover"),
            ("customer_request", "Customer request"),
            ("customer_delight", "Customer delight"),
        ],
    ),
]


def builtin_dimensions(apps, schema_editor):
    dimension_model = apps.get_model("strategy", "BalanceDimension")
    value_model = apps.get_model("strategy", "DimensionValue")
    for name, slug, field, order, values in BUILTIN:
        dimension, _ = dimension_model.objects.get_or_create(
            initiative_field=field, defaults={"name": name, "slug": slug, "order": order}
        )
        for position, (key, label) in enumerate(values):
            value_model.objects.get_or_create(
                dimension=dimension, key=key, defaults={"label": label, "order": position}
            )


def team_efforts(apps, schema_editor):
    """Every initiative with a team so far put all its effort into that team."""
    initiative_model = apps.get_model("strategy", "Initiative")
    effort_model = apps.get_model("strategy", "InitiativeEffort")
    rows = initiative_model.objects.filter(team__isnull=False).values_list(
        "pk", "team_id", "effort_estimate"
    )
    effort_model.objects.bulk_create(
        [
            effort_model(initiative_id=pk, team_id=team_id, effort=effort)
            for pk, team_id, effort in rows.iterator()
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("strategy", "0004_initiatives_in_full_mix_and_scoring")]

    operations = [
        migrations.RunPython(builtin_dimensions, migrations.RunPython.noop),
        migrations.RunPython(team_efforts, migrations.RunPython.noop),
    ]
