// node-postgres client run by TestNodePostgres: connects to the
// connection string in argv[2] and prints one line per check; the Go test
// compares the lines.
const { Client } = require('pg');

async function main() {
  const c = new Client({ connectionString: process.argv[2] });
  await c.connect();
  let r = await c.query('select proto, count(*)::int as n, sum(bytes) as b from flows where dport > $1 group by 1 order by 1', [0]);
  for (const row of r.rows) console.log('group', row.proto, row.n, row.b);
  r = await c.query({ name: 'named', text: 'select min(stime) as t from flows where proto = $1', values: ['udp'] });
  console.log('named', r.rows[0].t.toISOString());
  r = await c.query({ name: 'named', text: 'select min(stime) as t from flows where proto = $1', values: ['tcp'] });
  console.log('named again', r.rows[0].t.toISOString());
  try {
    await c.query('copy (select 1) to \'/tmp/x\'');
  } catch (e) {
    console.log('attack', e.code);
  }
  r = await c.query('select 1 as one');
  console.log('after', r.rows[0].one);
  await c.end();
}

main().catch((e) => { console.error(e); process.exit(1); });
