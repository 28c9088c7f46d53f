-- The second layout: every flow in one time-ordered table (tapdb_flows,
-- created from schema.Columns by the store), and the periods sealed so far.
-- A period is sealed once the writer's low-water mark has passed its end
-- plus a grace; records that arrive for it later are still stored and
-- counted in late_rows. The first layout's tapdb_partitions is emptied and
-- dropped by the store when it moves the partitions into tapdb_flows.
CREATE TABLE tapdb_periods (
    lo        TIMESTAMPTZ PRIMARY KEY,  -- first stime of the period (inclusive)
    hi        TIMESTAMPTZ NOT NULL,     -- end of the period (exclusive)
    sealed    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    rows      BIGINT NOT NULL,          -- records in the period when it was sealed
    late_rows BIGINT NOT NULL DEFAULT 0 -- records stored for it after it was sealed
);
