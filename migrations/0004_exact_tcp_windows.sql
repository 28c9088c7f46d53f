-- tapdb:each-flow-table
-- TCP windows as argus reports them: scaled by the window-scale option, so
-- beyond 65535 (USMALLINT clamped them on import).
ALTER TABLE {{table}} ALTER COLUMN swin TYPE UINTEGER;
ALTER TABLE {{table}} ALTER COLUMN dwin TYPE UINTEGER;
