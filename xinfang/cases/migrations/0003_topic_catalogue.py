"""Ship the default topic catalogue (procedure.md §1); administrators edit it later."""

from django.db import migrations

TOPICS = [
    ("LD", "劳动社保"),
    ("ZD", "征地拆迁"),
    ("ZJ", "住房城建"),
    ("YL", "医疗卫生"),
    ("JY", "教育"),
    ("HB", "环境保护"),
    ("NC", "农村农业"),
    ("JT", "交通运输"),
    ("ZF", "政法"),
    ("JJ", "纪检监察"),
    ("SC", "市场监管"),
    ("QT", "其他"),
]


def load(apps, schema_editor):
    Topic = apps.get_model("cases", "Topic")
    for i, (code, name) in enumerate(TOPICS):
        Topic.objects.get_or_create(code=code, defaults={"name": name, "order": i * 10})


def unload(apps, schema_editor):
    Topic = apps.get_model("cases", "Topic")
    Topic.objects.filter(code__in=[c for c, _ in TOPICS], matter__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]
    operations = [migrations.RunPython(load, unload)]
