-- Up Migration

-- Reads that cost the same at 10,000 programs as at 100,000.

-- Programs by agency and status, kept by the database as rm_programs changes, so the dashboard's
-- counts read a few rows instead of scanning the table. Statement-level triggers see each write's
-- rows once as a set (the projector writes a batch per statement).
CREATE TABLE rm_program_counts (
  agency text   NOT NULL,
  status text   NOT NULL,
  n      bigint NOT NULL,
  PRIMARY KEY (agency, status)
);

CREATE FUNCTION rm_program_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rm_program_counts AS c (agency, status, n)
  SELECT agency, status, count(*) FROM new_rows GROUP BY agency, status ORDER BY agency, status
  ON CONFLICT (agency, status) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN NULL;
END $$;

CREATE FUNCTION rm_program_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rm_program_counts AS c (agency, status, n)
  SELECT agency, status, -count(*) FROM old_rows GROUP BY agency, status ORDER BY agency, status
  ON CONFLICT (agency, status) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN NULL;
END $$;

CREATE FUNCTION rm_program_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rm_program_counts AS c (agency, status, n)
  SELECT agency, status, sum(d) FROM (
    SELECT agency, status, 1 AS d FROM new_rows
    UNION ALL
    SELECT agency, status, -1 AS d FROM old_rows
  ) changes
  GROUP BY agency, status
  HAVING sum(d) <> 0
  ORDER BY agency, status
  ON CONFLICT (agency, status) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN NULL;
END $$;

CREATE FUNCTION rm_program_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM rm_program_counts;
  RETURN NULL;
END $$;

-- Transition tables need one trigger per event. The projection rebuild swaps in a new rm_programs
-- table, which calls this again to put the triggers on it and count its rows.
CREATE FUNCTION rm_program_counts_attach() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DROP TRIGGER IF EXISTS rm_program_counts_insert ON rm_programs;
  DROP TRIGGER IF EXISTS rm_program_counts_update ON rm_programs;
  DROP TRIGGER IF EXISTS rm_program_counts_delete ON rm_programs;
  DROP TRIGGER IF EXISTS rm_program_counts_truncate ON rm_programs;
  CREATE TRIGGER rm_program_counts_insert AFTER INSERT ON rm_programs
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_program_counts_insert();
  CREATE TRIGGER rm_program_counts_update AFTER UPDATE ON rm_programs
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_program_counts_update();
  CREATE TRIGGER rm_program_counts_delete AFTER DELETE ON rm_programs
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_program_counts_delete();
  CREATE TRIGGER rm_program_counts_truncate AFTER TRUNCATE ON rm_programs
    FOR EACH STATEMENT EXECUTE FUNCTION rm_program_counts_truncate();
  -- Counted afresh: a rebuilt table arrives with rows the triggers never saw.
  DELETE FROM rm_program_counts;
  INSERT INTO rm_program_counts (agency, status, n) SELECT agency, status, count(*) FROM rm_programs GROUP BY agency, status;
END $$;

SELECT rm_program_counts_attach();

-- Open programs in the order the at-risk list reads them, and the overdue ones apart, so each half
-- of that list is a range scan that stops at its limit instead of walking past closed programs.
DROP INDEX rm_programs_at_risk;
CREATE INDEX rm_programs_open_by_cap ON rm_programs (latest_completion_date, program_id)
  WHERE status IN ('active', 'awaiting-minimum');
CREATE INDEX rm_programs_open_overdue ON rm_programs (latest_completion_date, program_id)
  WHERE status IN ('active', 'awaiting-minimum') AND overdue_milestones > 0;

-- Projectors wake on a notification when events are appended, instead of waiting for their next
-- poll; NOTIFY is delivered at commit, once per transaction and channel.
CREATE FUNCTION program_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('program_events', '');
  RETURN NULL;
END $$;

CREATE TRIGGER program_events_notify AFTER INSERT ON program_events
  FOR EACH STATEMENT EXECUTE FUNCTION program_events_notify();

-- Down Migration
