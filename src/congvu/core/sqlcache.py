"""Compiled SQL of hot read queries, kept per key of everything their text depends on.

Why: building a ``restrict()``-scoped queryset with several filtered aggregates
costs Django more CPU than PostgreSQL spends answering it (the inbox page:
about half of the request, docs/benchmarks.md). The SQL *text and parameters*
of such a query are a pure function of a few facts (the actor's positions,
today's date, ...); the *rows* are read fresh every time. So the first
request with a given key builds and runs the query through the ORM while the
statement is captured, and later requests with the same key run the captured
statement directly.

Correctness rests on the key: it must name every input the query's text
depends on. The caller owns the key and a test that enumerates those inputs
(``tests/inbox/test_sql_cache.py`` for the inbox). Nothing here is shared
between processes, and an entry never holds results, only SQL.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.db import connections


class SQLCache:
    """A bounded, thread-safe map of key → (sql, params) of one captured statement."""

    def __init__(self, maxsize: int = 4096):
        self.maxsize = maxsize
        self._entries: OrderedDict[Hashable, tuple] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0

    def get(self, key: Hashable) -> tuple | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return entry

    def put(self, key: Hashable, entry: tuple) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)

    def fetch_row(
        self, key: Hashable, run: Callable[[], dict], using: str = "default"
    ) -> dict[str, object]:
        """The one row of a single-row query (an ``aggregate()``), as column → value.

        On a miss ``run()`` builds and runs the query through the ORM and its
        statement is kept, if it ran exactly one (an empty queryset runs none, and
        is cheap to build again). On a hit the kept statement runs directly and
        the columns are named by the cursor, which are the aggregate's aliases.
        """
        connection = connections[using]
        full_key = (connection.alias, connection.vendor, key)
        entry = self.get(full_key)
        if entry is not None:
            sql, params = entry
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                row = cursor.fetchone()
                names = [column[0] for column in cursor.description]
            return dict(zip(names, row, strict=True))
        captured: list[tuple[str, tuple]] = []

        def capture(execute, sql, params, many, context):
            captured.append((sql, tuple(params) if params is not None else ()))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(capture):
            result = run()
        if len(captured) == 1:
            self.put(full_key, captured[0])
        return result

    def fetch_rows(self, key: Hashable, build: Callable[[], object]) -> list[tuple]:
        """The rows of a ``values_list()`` queryset that ``build()`` returns, as tuples.

        On a miss the queryset is compiled and run here, and its statement kept
        with its selected columns; on a hit the statement runs directly. Either
        way the backend's converters of those columns apply (SQLite returns dates
        as text), looked up on the connection in use.
        """
        entry = self.get(key)
        if entry is None:
            queryset = build()
            compiler = queryset.query.get_compiler(using=queryset.db)
            sql, params = compiler.as_sql()
            columns = tuple(s[0] for s in compiler.select[: compiler.col_count])
            entry = (sql, tuple(params), columns, queryset.db)
            self.put(key, entry)
        sql, params, columns, using = entry
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        converters = [
            (i, convert, column)
            for i, column in enumerate(columns)
            if (
                convert := connection.ops.get_db_converters(column)
                + column.get_db_converters(connection)
            )
        ]
        if not converters:
            return [tuple(row) for row in rows]
        result = []
        for row in rows:
            row = list(row)
            for i, functions, column in converters:
                value = row[i]
                for function in functions:
                    value = function(value, column, connection)
                row[i] = value
            result.append(tuple(row))
        return result
