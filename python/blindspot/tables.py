"""How blindspot returns tables (docs/python.md, "Tables").

One rule: a result that is a table (one row per UU, attack, hypothesis or sample) is a
pandas.DataFrame when pandas can be imported, else a list of dicts with the same keys in the same
order. set_table_format("records") always gives lists of dicts, "pandas" always DataFrames
(ImportError without pandas), "auto" (the default) chooses by whether pandas is importable.
"""
import json

_FORMATS = ("auto", "pandas", "records")
_format = "auto"


def set_table_format(name):
    """Chooses how tables are returned: "auto" (default), "pandas" or "records"."""
    global _format
    if name not in _FORMATS:
        from .errors import UsageError
        raise UsageError(f"table format must be one of {', '.join(_FORMATS)}, got {name!r}",
                         kind="usage", field="table_format")
    _format = name


def table_format():
    """"pandas" or "records": what a table is now."""
    if _format != "auto":
        return _format
    try:
        import pandas  # noqa: F401
        return "pandas"
    except ImportError:
        return "records"


def table(rows, columns=None):
    """`rows` (a list of dicts) as a table by the rule above."""
    if table_format() == "records":
        return rows
    import pandas
    return pandas.DataFrame.from_records(rows, columns=columns) if rows or columns else pandas.DataFrame()


def records(value):
    """Rows of a table given back to blindspot: a DataFrame, a list of dicts, or a path."""
    if hasattr(value, "to_dict") and hasattr(value, "columns"):
        return value.to_dict("records")
    return value


def parse_json_members(rows, *keys):
    """Rows whose `keys` hold JSON text (details, provenance) with those members parsed."""
    for row in rows:
        for key in keys:
            row[key] = json.loads(row[key]) if row.get(key) else {}
    return rows
