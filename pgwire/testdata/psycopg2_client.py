"""psycopg2 client run by TestPsycopg2: connects to the DSN in argv[1] and
prints one line per check; the Go test compares the lines."""
import sys

import psycopg2
import psycopg2.extras

conn = psycopg2.connect(sys.argv[1])
cur = conn.cursor()
cur.execute("select proto, count(*), sum(bytes), min(stime) from flows where dport > %s group by 1 order by 1", (0,))
for proto, n, total, first in cur.fetchall():
    print("group", proto, n, type(total).__name__, total, first.isoformat())
cur.execute("select %s::varchar, %s::double, %s::bigint, %s::boolean", ("it's", 1.5, 2**40, True))
print("params", cur.fetchone())
# Lists come back as Python lists (PostgreSQL arrays).
cur.execute("select list(dport order by dport), ['a b', null, 'q\"'], []::int[] from flows")
print("arrays", cur.fetchone())

# A named (server-side) cursor: DECLARE, FETCH FORWARD itersize, CLOSE.
named = conn.cursor(name="big")
named.itersize = 2000
named.execute("select range from range(5000)")
total = 0
count = 0
for (v,) in named:
    total += v
    count += 1
named.close()
print("named", count, total)
conn.commit()

try:
    cur.execute("create table x(a int)")
except psycopg2.Error as e:
    print("attack", e.pgcode)
    conn.rollback()

cur.execute("select 1")
print("after", cur.fetchone()[0])
conn.close()
