"""Every existing order with an e-mail gets its patron: one per e-mail (lower-cased), named
as on the newest order."""

from django.db import migrations


def backfill(apps, schema_editor):
    from callboard.core.text import search_key

    Order = apps.get_model("boxoffice", "Order")
    Patron = apps.get_model("boxoffice", "Patron")
    newest: dict[str, object] = {}
    for order in Order.objects.exclude(buyer_email="").order_by("created_at", "pk").iterator():
        email = order.buyer_email.strip().lower()
        if email:
            newest[email] = order
    for email, order in newest.items():
        patron, _made = Patron.objects.get_or_create(
            email=email,
            defaults={
                "name": order.buyer_name,
                "search_name": search_key(f"{order.buyer_name} {email}")[:460],
                "created_at": order.created_at,
                "updated_at": order.created_at,
            },
        )
        Order.objects.filter(buyer_email__iexact=email, patron__isnull=True).update(
            patron=patron
        )


class Migration(migrations.Migration):
    dependencies = [("boxoffice", "0004_price_types_discounts_patrons_waitlist")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
