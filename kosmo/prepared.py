"""Querysets compiled to SQL once, then run with other ids.

Turning a queryset into SQL (Django's compiler: joins, the select list of every field of a
`select_related`, ordering, quoting) costs more on a statement page than running the query in
PostgreSQL. The medical pages run the same few queries for every member, differing only in
ids, so a `PreparedQuery` builds its queryset once per shape and database connection with
stand-in ids, keeps the SQL, and afterwards only swaps the ids in the parameters and builds
the model instances as Django's own iterable does (`select_related` objects included).

Only ids (integers) and dates may vary, and each must be a query parameter; everything else
about the query is fixed by its shape. A date is written as the backend adapts it (a string on
SQLite, a date on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Hashable
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet, signals
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import get_related_populators

# Stand-ins: negative ids, never a real primary key; dates of the year 1001 and after, never
# a 診療年月. Both unlikely as a constant of a query.
_FIRST_STAND_IN = -7_340_000_001


def _stand_in(index: int, value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.date(1001 + index, 1, 1)
    if isinstance(value, int):
        return _FIRST_STAND_IN - index
    raise TypeError(f"only ids and dates may vary, not {type(value).__name__}")


class PreparedQuery:
    """``PreparedQuery(lambda shape, **ids: Claim.objects.filter(household_id=ids["household"])
    …)`` then ``query.run(shape, household=42)``: the rows as model instances.

    `build(shape, **ids)` must return the same SQL for the same `shape` whatever the ids, and
    use every id as a query parameter (not in a `LIMIT`, not in Python logic).
    """

    def __init__(self, name: str, build: Callable[..., QuerySet]) -> None:
        self.name = name
        self._build = build

    def run(self, shape: Hashable, *, using: str = "default", **ids: int | dt.date) -> list[Model]:
        connection = connections[using]
        compiled = connection.__dict__.setdefault("_kosmo_prepared", {}).get((self.name, shape))
        if compiled is None:
            compiled = self._prepare(shape, using, ids)
            connection._kosmo_prepared[(self.name, shape)] = compiled
        return compiled.run(connection, ids)

    def _prepare(self, shape: Hashable, using: str, ids: dict[str, Any]) -> _Compiled:
        names = sorted(ids)
        stand_ins = {name: _stand_in(index, ids[name]) for index, name in enumerate(names)}
        queryset = self._build(shape, **stand_ins).using(using)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        adapt = compiler.connection.ops.adapt_datefield_value
        written = {value: (name, False) for name, value in stand_ins.items()}
        written |= {
            adapt(value): (name, True)
            for name, value in stand_ins.items()
            if isinstance(value, dt.date)
        }
        slots = [(i, *written[p]) for i, p in enumerate(params) if _hashable(p) and p in written]
        missing = set(names) - {name for _i, name, _adapted in slots}
        if missing:
            raise ValueError(f"{self.name}: not query parameters: {sorted(missing)}")
        return _Compiled(queryset, compiler, sql, list(params), slots)


def _stored_as_is(model: type[Model], attname: str) -> bool:
    """Whether ``setattr(instance, attname, value)`` on a new instance only puts the value in
    its ``__dict__`` (a field's plain attribute, or a foreign key's id)."""
    descriptor = inspect.getattr_static(model, attname, None)
    return isinstance(descriptor, ForeignKeyDeferredAttribute) or not hasattr(
        type(descriptor), "__set__"
    )


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


class _Compiled:
    def __init__(self, queryset, compiler, sql, params, slots) -> None:
        self.sql = sql
        self.params = params
        self.slots = slots
        select, klass_info = compiler.select, compiler.klass_info
        if queryset._known_related_objects:
            raise ValueError("known related objects are not supported")
        # Annotations become attributes of each instance, as Django's ModelIterable sets them.
        self.annotations = list(compiler.annotation_col_map.items())
        # The values' conversions (dates on SQLite, decimals …) as results_iter finds them on
        # every call: they depend only on the columns and this connection.
        self.converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
        self.apply_converters = compiler.apply_converters
        self.model = klass_info["model"]
        self.db = queryset.db
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start : self.end]]
        self.build = _builder(self.model, self.db, self.init_list)
        self.related = [
            _Related(populator) for populator in get_related_populators(klass_info, select, self.db)
        ]
        self.models = {self.model}
        for related in self.related:
            self.models |= related.models

    def run(self, connection, ids: dict[str, Any]) -> list[Model]:
        params = list(self.params)
        adapt = connection.ops.adapt_datefield_value
        for index, name, adapted in self.slots:
            value = ids[name]
            params[index] = adapt(value) if adapted else value
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = self.apply_converters(rows, self.converters)
        # A receiver of pre_init or post_init expects __init__: then every instance gets it.
        fast = not any(
            signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model)
            for model in self.models
        )
        start, end, related, annotations = self.start, self.end, self.related, self.annotations
        build = self.build if fast else None
        model, db, init_list = self.model, self.db, self.init_list
        objects = []
        for row in rows:
            values = row[start:end]
            instance = build(values) if build else model.from_db(db, init_list, values)
            for populator in related:
                populator.populate(row, instance, fast)
            for name, position in annotations:
                setattr(instance, name, row[position])
            objects.append(instance)
        return objects


class _Related:
    """A `select_related` object, as Django's RelatedPopulator makes it (whose columns, links
    and nested populators it uses), built like the rows' own instances."""

    def __init__(self, populator) -> None:
        self.populator = populator
        self.build = _builder(populator.model_cls, populator.db, populator.init_list)
        self.nested = [_Related(nested) for nested in populator.related_populators]
        self.models = {populator.model_cls}
        for nested in self.nested:
            self.models |= nested.models

    def populate(self, row, from_obj: Model, fast: bool) -> None:
        p = self.populator
        values = p.reorder_for_init(row) if p.reorder_for_init else row[p.cols_start : p.cols_end]
        if values[p.pk_idx] is None:
            instance = None
        else:
            if fast and self.build:
                instance = self.build(values)
            else:
                instance = p.model_cls.from_db(p.db, p.init_list, values)
            for nested in self.nested:
                nested.populate(row, instance, fast)
        p.local_setter(from_obj, instance)
        if instance is not None:
            p.remote_setter(instance, from_obj)


def _builder(model: type[Model], db: str, init_list: list[str]) -> Callable[[tuple], Model] | None:
    """How a row's columns become an instance without running ``__init__`` (a fifth of a
    row's cost): what ``Model.from_db`` makes, when every column's attribute is one that
    ``__init__`` would only store (else None: from_db it is). Deferred fields are left out, as
    ``__init__`` leaves them. Used only while no receiver of pre_init or post_init could miss
    the instance."""
    if not all(_stored_as_is(model, attname) for attname in init_list):
        return None
    new = Model.__new__

    def build(values: tuple) -> Model:
        instance = new(model)
        instance.__dict__.update(zip(init_list, values, strict=True))
        state = instance._state = ModelState()
        state.adding = False
        state.db = db
        return instance

    return build
