-- The lakes a store exports its sealed periods to (tapdb export --to DIR),
-- and every Parquet file written there. A store with a lake refuses to
-- delete records (retention) that are not yet exported to it.
CREATE TABLE tapdb_lakes (
    lake  VARCHAR PRIMARY KEY,    -- the destination: an absolute directory
    since TIMESTAMPTZ,            -- periods starting before it are neither exported nor kept for it; NULL: every period
    added TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
CREATE TABLE tapdb_exports (
    lake     VARCHAR NOT NULL,     -- tapdb_lakes.lake
    lo       TIMESTAMPTZ NOT NULL, -- the sealed period [lo, hi)
    hi       TIMESTAMPTZ NOT NULL,
    part     INTEGER NOT NULL,     -- 1 for the period's first export, 2, 3, … for late records
    srcid    VARCHAR NOT NULL,     -- the file's records' srcid (a Hive partition of the lake)
    file     VARCHAR NOT NULL,     -- path relative to the lake, '/'-separated
    rows     BIGINT NOT NULL,      -- records in the file
    bytes    BIGINT NOT NULL,      -- the file's size
    sha256   VARCHAR NOT NULL,     -- hex SHA-256 of the file
    upto     BIGINT NOT NULL,      -- the period's rows + late_rows when this part was exported
    exported TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (lake, file)
);
