"""Hand-written SQL for the few statements an on-sale rush runs on every request, where
compiling the ORM's form of them cost more CPU than the database spent answering: the
columns of a model read under a table alias, and instances built from a row of them."""

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
