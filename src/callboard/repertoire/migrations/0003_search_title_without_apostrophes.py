from django.db import migrations


def refold_titles(apps, schema_editor):
    """Search keys drop apostrophes now (they stand for «ь» and «ъ» in transliteration)."""
    from callboard.core.text import search_key

    Work = apps.get_model("repertoire", "Work")
    for work in Work.objects.only("pk", "title").iterator():
        Work.objects.filter(pk=work.pk).update(search_title=search_key(work.title)[:200])


class Migration(migrations.Migration):
    dependencies = [("repertoire", "0002_work_search_title_and_names")]

    operations = [migrations.RunPython(refold_titles, migrations.RunPython.noop)]
