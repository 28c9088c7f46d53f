-- The store's own catalog: which partitions exist and how the store is
-- partitioned. (tapdb_schema_version is created by query.Open before any
-- migration runs.)
CREATE TABLE tapdb_settings (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE tapdb_partitions (
    name    VARCHAR PRIMARY KEY,   -- table name, e.g. flows_d20261127
    lo      TIMESTAMPTZ NOT NULL,  -- first stime it holds (inclusive)
    hi      TIMESTAMPTZ NOT NULL,  -- end of its range (exclusive)
    created TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
