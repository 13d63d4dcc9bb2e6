"""``--where`` of ``newsetl explain``: a predicate over one mart's columns, parsed by DuckDB and whitelisted.

The predicate is never pasted into SQL as typed. DuckDB's own parser (``json_serialize_sql``) turns
``select * from <mart> where (<predicate>)`` into a syntax tree; every node must be a column of the mart,
a constant, a comparison, ``and``/``or``/``not``, ``in``/``between``/``is null``, ``like``, a cast, a
``case`` or one of a few pure scalar functions (:data:`FUNCTIONS`). Statements, subqueries, parameters,
``*``, qualified names and every other function (file readers, ``getenv``...) are refused with a message
naming what was found. The accepted tree is turned back into SQL by ``json_deserialize_sql``, so what runs
is the canonical form of what was checked (a trailing ``--`` comment or a ``)`` cannot change it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import duckdb

from newsetl.errors import NewsetlError

#: Scalar functions a predicate may call: string tests, date parts, arithmetic; none reads anything.
FUNCTIONS = frozenset({
    "~~", "!~~", "~~*", "!~~*", "~~~", "!~~~", "like", "not_like", "ilike", "not_ilike", "glob",
    "lower", "upper", "lcase", "ucase", "trim", "ltrim", "rtrim", "length", "strlen", "concat", "||",
    "starts_with", "ends_with", "contains", "prefix", "suffix", "substring", "substr", "left", "right",
    "regexp_matches", "regexp_full_match",
    "year", "month", "day", "week", "weekofyear", "quarter", "isoyear", "dayofweek", "dayofyear",
    "date_part", "datepart", "date_trunc", "datetrunc", "strftime", "make_date", "today", "current_date",
    "+", "-", "*", "/", "//", "%", "abs", "round", "floor", "ceil", "ceiling", "least", "greatest",
    "nullif", "ifnull",
})
#: Syntax-tree node classes a predicate may contain (FUNCTION nodes are checked against FUNCTIONS).
NODE_CLASSES = frozenset({"COLUMN_REF", "CONSTANT", "COMPARISON", "CONJUNCTION", "OPERATOR", "FUNCTION",
                          "CAST", "BETWEEN", "CASE", "TYPE"})
_REFUSED = {
    "SUBQUERY": "subqueries", "PARAMETER": "parameters ($1, ?)", "STAR": "'*'", "LAMBDA": "lambdas",
    "WINDOW": "window functions", "POSITIONAL_REFERENCE": "positional references (#1)",
}
EXAMPLE = "month = '2021-04-01' and sector = 'defence_military'"


class PredicateError(NewsetlError):
    """A ``--where`` predicate that is not a plain condition over the mart's columns."""


def _fail(mart: str, columns: Iterable[str], why: str) -> PredicateError:
    return PredicateError(
        f"--where for {mart}: {why}. Write one condition over the mart's columns "
        f"({', '.join(columns)}), e.g. --where \"{EXAMPLE}\"")


def _check_select(tree: dict[str, Any], mart: str, columns: list[str]) -> dict[str, Any]:
    stmts = tree.get("statements") or []
    if len(stmts) != 1:
        raise _fail(mart, columns, "it must be a single condition, not several statements")
    node = stmts[0].get("node") or {}
    frm = node.get("from_table") or {}
    plain = (
        node.get("type") == "SELECT_NODE"
        and not node.get("modifiers") and not (node.get("cte_map") or {}).get("map")
        and not node.get("group_expressions") and not node.get("group_sets")
        and node.get("having") is None and node.get("qualify") is None and node.get("sample") is None
        and [e.get("class") for e in node.get("select_list") or []] == ["STAR"]
        and frm.get("type") == "BASE_TABLE" and frm.get("table_name") == mart and not frm.get("schema_name")
    )
    if not plain:
        raise _fail(mart, columns, "it must be a condition only (no union, order by, limit, from or group by)")
    where = node.get("where_clause")
    if where is None:
        raise _fail(mart, columns, "it is empty")
    return dict(where)


def _walk(node: Any, mart: str, columns: list[str]) -> None:
    if isinstance(node, list):
        for v in node:
            _walk(v, mart, columns)
        return
    if not isinstance(node, dict):
        return
    cls = node.get("class")
    if cls is not None:
        if cls in _REFUSED:
            raise _fail(mart, columns, f"{_REFUSED[cls]} are not allowed")
        if cls not in NODE_CLASSES:
            raise _fail(mart, columns, f"{cls.lower()} expressions are not allowed")
        if cls == "COLUMN_REF":
            names = node.get("column_names") or []
            if len(names) != 1:
                raise _fail(mart, columns, f"use bare column names, not {'.'.join(names)!r}")
            if names[0] not in columns:
                raise _fail(mart, columns, f"{mart} has no column {names[0]!r}")
        if cls == "FUNCTION":
            name = str(node.get("function_name", "")).lower()
            if node.get("schema") or node.get("catalog") or name not in FUNCTIONS:
                raise _fail(mart, columns, f"function {name}() is not allowed (allowed: "
                                           f"{', '.join(sorted(f for f in FUNCTIONS if f.isidentifier()))})")
            if node.get("distinct") or node.get("filter") or (node.get("order_bys") or {}).get("orders"):
                raise _fail(mart, columns, f"aggregate options on {name}() are not allowed")
    for k, v in node.items():
        if k != "class":
            _walk(v, mart, columns)


def cells_query(con: duckdb.DuckDBPyConnection, mart: str, predicate: str | None) -> str:
    """The canonical ``select * from <mart> where ...`` for a validated predicate (every row when None)."""
    from newsetl import sql as wsql

    if mart not in wsql.mart_names():
        raise PredicateError(f"no counting mart {mart!r} (marts: {', '.join(wsql.mart_names())})")
    columns = [r[0] for r in con.sql(f"describe {mart}").fetchall()]
    if predicate is None or not predicate.strip():
        return f"SELECT * FROM {mart}"
    sql = f"select * from {mart} where ({predicate}\n)"
    raw = con.execute("select json_serialize_sql(?::varchar)", [sql]).fetchall()
    tree = json.loads(raw[0][0]) if raw else {}
    if tree.get("error"):
        msg = str(tree.get("error_message", "not a condition")).split("\n")[0]
        if "Only SELECT statements" in msg:
            msg = "it must be a single condition, not several statements"
        raise _fail(mart, columns, f"cannot parse it ({msg})")
    where = _check_select(tree, mart, columns)
    _walk(where, mart, columns)
    out = con.execute("select json_deserialize_sql(?::json)", [json.dumps(tree)]).fetchall()
    if not out or not out[0][0]:
        raise _fail(mart, columns, "it could not be rewritten as SQL")
    return str(out[0][0])
