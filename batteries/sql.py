"""PostgreSQL pieces for batch paths whose statements carry thousands of values.

`field__in=[10,000 values]` renders 10,000 placeholders: psycopg then spends longer splitting
and quoting the statement than PostgreSQL spends running it. `field__any=values` sends one
array parameter instead (`field = ANY(%s)`), and the plan is the same index scan.
"""

from datetime import UTC, datetime, timedelta

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup

_INTEGER_KEYS = frozenset({"AutoField", "BigAutoField", "IntegerField", "BigIntegerField"})


class ArrayAny(Lookup):
    """`field__any=[...]`: the field equals any element of one array parameter."""

    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        field = self.lhs.output_field
        if getattr(field, "target_field", field).get_internal_type() in _INTEGER_KEYS:
            # Keys: int() is the whole preparation, without a per-element call chain
            # through the foreign key (~10 µs per element for 10,000 packs).
            return "%s", [[None if v is None else int(v) for v in value]]
        return "%s", [[field.get_db_prep_value(v, connection, prepared=False) for v in value]]

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet  # as `__in=[]` does: the query is not sent at all
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def register_lookups() -> None:
    Field.register_lookup(ArrayAny)
    ForeignObject.register_lookup(ArrayAny)  # related fields keep their own lookups


def array_literal(values) -> str:
    """Return a PostgreSQL array literal ('{1,NULL,abc}') for keys, codes, hashes, times.

    For columns of plain tokens (no commas, braces, quotes, backslashes or spaces) this is
    several times cheaper than letting psycopg adapt a Python list element by element; the
    statement casts it (`%s::bigint[]`). Anything else (an empty string, a comma, a quote …)
    is refused rather than mis-quoted.
    """
    values = ["NULL" if v is None else str(v) for v in values]
    text = ",".join(values)
    if (
        "" in values
        or text.count(",") != max(len(values) - 1, 0)
        or any(c in text for c in '{}"\\ \t\n')
    ):
        raise ValueError("array_literal takes plain tokens only")
    return "{" + text + "}"


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_micros(column: str) -> str:
    """SQL reading a timestamptz column as integer microseconds since 1970 (UTC)."""
    return f"(extract(epoch FROM {column}) * 1000000)::bigint"


def from_epoch_micros(value: int | None) -> datetime | None:
    """The aware UTC datetime of `epoch_micros`, exactly.

    For batch reads of many times: Django loads timestamptz through a pure-Python loader
    (~9 µs a value); the integer and one timedelta cost well under 1 µs.
    """
    return None if value is None else _EPOCH + timedelta(microseconds=value)
