-- Up Migration

-- The read model's JSON columns (a program's working state and its served view, 3 to 6 kB of text
-- each row) compressed with lz4 instead of pglz: a projection rebuild spent about 40% of its row
-- inserts compressing them with pglz (docs/benchmarks.md, "The projection rebuild"). Only values
-- written from now on change; a rebuild (whose tables copy these settings) rewrites them all.
-- A server built without lz4 keeps pglz: the settings are a speed-up, not a requirement.
DO $$
BEGIN
  ALTER TABLE rm_programs ALTER COLUMN state SET COMPRESSION lz4, ALTER COLUMN view SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 is not available on this server; rm_programs keeps pglz';
END $$;

-- Down Migration
ALTER TABLE rm_programs ALTER COLUMN state SET COMPRESSION pglz, ALTER COLUMN view SET COMPRESSION pglz;
