-- Tamper evidence: each sealed period's records are digested (SHA-256 over
-- the sorted SHA-256 of every record, so the digest does not depend on the
-- order rows were stored in) and the digests are chained, each link the
-- SHA-256 of the previous link and the period's bounds, record count and
-- digest. tapdb verify recomputes both. Records that arrive late for a
-- sealed period, and retention, change the chain; each change is an event.
-- (A table of its own rather than columns added to tapdb_periods: DuckDB
-- 1.5 fails to replay a WAL holding upserts into a table altered with ADD
-- COLUMN.)
CREATE TABLE tapdb_chain (
    lo            TIMESTAMPTZ PRIMARY KEY, -- the period (tapdb_periods.lo)
    digest        VARCHAR NOT NULL,        -- hex
    digested_rows BIGINT NOT NULL,         -- the records the digest covers
    chain         VARCHAR NOT NULL         -- hex link
);
CREATE TABLE tapdb_chain_events (
    happened  TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    kind      VARCHAR NOT NULL,   -- seal, late (a period digested again), retention (the anchor moved)
    lo        TIMESTAMPTZ,        -- the period concerned, or retention's cutoff
    rows      BIGINT,             -- records the new digest covers (seal, late) or periods removed (retention)
    before    VARCHAR,            -- the period's digest (late) or the anchor (retention) before
    after     VARCHAR             -- and after
);
