-- The sources a store was filled from: a capture, an export capture or an
-- archive is recorded by the SHA-256 of its content when its records are
-- committed, so that the same input given again is refused instead of
-- doubling its flows (tapdb sensor/ingest/import --again overrides). The
-- fingerprint (SHA-256 of the size and the first and last 64 KiB) is what
-- an input is looked up by before it is read.
CREATE TABLE tapdb_sources (
    sha256       VARCHAR PRIMARY KEY, -- hex SHA-256 of the file's bytes as read (before gunzip)
    size         BIGINT NOT NULL,     -- bytes read
    fingerprint  VARCHAR NOT NULL,    -- hex SHA-256 of size (8 bytes big-endian), first and last 64 KiB
    name         VARCHAR NOT NULL,    -- the path it was read from, the last time
    kind         VARCHAR NOT NULL,    -- capture, netflow, argus, csv
    first_time   TIMESTAMPTZ,         -- first packet or record time, NULL when it held none
    last_time    TIMESTAMPTZ,         -- last packet or record time
    records      BIGINT NOT NULL,     -- flow records stored from it, the last time
    times        INTEGER NOT NULL DEFAULT 1, -- how many times it was ingested (more than once only with --again)
    ingested     TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
