"""Full-text search index on PostgreSQL: a GIN index on to_tsvector('english', search_text).

The expression is exactly the one ``forums.selectors.search`` queries with
(``SearchVector("search_text", config="english")``), so PostgreSQL uses the index. SQLite has no
tsvector; there the search falls back to a case-insensitive match and this migration does nothing.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "forums_post_search_gin"


def _index():
    return GinIndex(SearchVector("search_text", config="english"), name=INDEX_NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_index(apps.get_model("forums", "Post"), _index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("forums", "Post"), _index())


class Migration(migrations.Migration):
    dependencies = [("forums", "0002_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
