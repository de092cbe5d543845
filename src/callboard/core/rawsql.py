"""Hand-written SQL for the few statements that run so often that compiling the ORM's form
of them cost more CPU than the database spent answering (every request of an on-sale rush,
every history entry): the columns of a model read under a table alias, instances built from
a row of them, and new instances inserted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection


class Columns:
    """The columns of a model read by hand-written SQL under a table alias, and how to turn a
    row's values back into an instance (the database's converters applied, as the ORM does)."""

    def __init__(self, model: type[Any], alias: str, names: Sequence[str] = ()) -> None:
        self.model = model
        # In the model's own order (an instance of some fields only is built in that order).
        self.fields = [
            f
            for f in model._meta.concrete_fields
            if not names or f.name in names or f.attname in names
        ]
        self.sql = ", ".join(f'{alias}."{f.column}"' for f in self.fields)
        self.names = [f.attname for f in self.fields]
        self._converters: dict[str, list[tuple[int, list[Any], Any]]] = {}

    def build(self, values: Sequence[Any], start: int = 0) -> Any:
        converters = self._converters.get(connection.vendor)
        if converters is None:
            converters = []
            for i, field in enumerate(self.fields):
                col = field.get_col(self.model._meta.db_table)
                found = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
                if found:
                    converters.append((i, found, col))
            self._converters[connection.vendor] = converters
        row = list(values[start : start + len(self.fields)])
        for i, found, col in converters:
            for convert in found:
                row[i] = convert(row[i], col, connection)
        return self.model.from_db(connection.alias, self.names, row)


def insert(objs: Sequence[Any]) -> None:
    """Insert new instances of one model in one ``INSERT … RETURNING`` statement and give
    each its id, as ``bulk_create`` does (no signals), without compiling the ORM's form of
    the statement. Every value is prepared by its field (``pre_save`` then
    ``get_db_prep_save``), as the ORM prepares it."""
    if not objs:
        return
    meta = type(objs[0])._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if f is not pk]
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
        f" VALUES {', '.join([row] * len(objs))} RETURNING {quote(pk.column)}"
    )
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in objs for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [r[0] for r in cursor.fetchall()]
    if len(ids) != len(objs):  # never: the database inserted a row per instance or raised
        raise RuntimeError(f"{meta.db_table}: {len(objs)} rows inserted, {len(ids)} ids back")
    for obj, new_id in zip(objs, ids, strict=True):
        obj.pk = new_id
        obj._state.adding = False
        obj._state.db = connection.alias
