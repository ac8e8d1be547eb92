"""The database cache's table, made by `migrate` itself.

`manage.py createcachetable` is Django's way to make it, but then every place that readies a
database (the Procfile's release step, `make run`, test harnesses, the bench) would need it
besides `migrate`, and one that forgot would serve a 500 on every share page.
The command is idempotent and makes nothing when the cache is Redis; run again after moving
from Redis to the database cache.
"""

from django.core.management import call_command
from django.db import migrations


def cache_table_create(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("shares", "0001_initial")]

    operations = [migrations.RunPython(cache_table_create, migrations.RunPython.noop)]
