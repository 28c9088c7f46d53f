"""SQLAlchemy inspector run by TestSQLAlchemyInspector: reflects the
database at the psycopg2 DSN in argv[1] as BI tools built on SQLAlchemy
(Superset) do, and prints one line per check."""
import sys

import sqlalchemy

import psycopg2

engine = sqlalchemy.create_engine("postgresql+psycopg2://", creator=lambda: psycopg2.connect(sys.argv[1]))
insp = sqlalchemy.inspect(engine)
print("schemas", insp.get_schema_names())
print("tables", insp.get_table_names())
print("views", insp.get_view_names())
cols = insp.get_columns("flows")
print("columns", " ".join("%s:%s" % (c["name"], c["type"]) for c in cols if c["name"] in ("stime", "saddr", "sport", "bytes", "dur", "dttl", "daddr_num")))
