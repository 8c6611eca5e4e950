-- Up Migration

-- Finding and sorting programs (shared/API.md 1.1 "Lists"): by part of the trainee's name or
-- employee id, and in the order of any of the list's dates or of the trainee's name, each an index
-- scan at 100,000 programs.

-- Trigram indexes answer "contains, in any case" (ILIKE '%…%'). pg_trgm is a trusted extension
-- shipped with PostgreSQL (Debian's postgresql package carries the contrib modules), so the
-- database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The trainee's name, as the program's view serves it (personal data: it is already in `view` and
-- `state`, which only callers allowed to read the program see; docs/personal-data.md). Kept by the
-- database from the row itself, so the projector, its rebuild (CREATE TABLE … LIKE … INCLUDING ALL)
-- and rows projected before the view carried the trainee all have it.
ALTER TABLE rm_programs
  ADD COLUMN trainee_name text NOT NULL
  GENERATED ALWAYS AS (coalesce(view->'trainee'->>'name', state->'enrollment'->'trainee'->>'name', '')) STORED;

CREATE INDEX rm_programs_search ON rm_programs USING gin ((trainee_name || ' ' || trainee_employee_id) gin_trgm_ops);

-- One index per sort order of the list; a descending sort reads the same index backwards. The
-- program id breaks ties, so the keyset cursor (value, program id) pages without gaps or repeats.
CREATE INDEX rm_programs_by_reclassification ON rm_programs (earliest_reclassification_date, program_id);
CREATE INDEX rm_programs_by_appointment ON rm_programs (appointment_date, program_id);
CREATE INDEX rm_programs_by_name ON rm_programs (trainee_name, program_id);

-- A supervisor's inbox: their open milestones in one query, in the order the inbox shows them.
CREATE INDEX rm_programs_active_supervisor ON rm_programs (supervisor_id) WHERE status = 'active';
CREATE INDEX rm_programs_active_program_manager ON rm_programs (program_manager_id) WHERE status = 'active';
CREATE INDEX rm_milestones_open_by_program ON rm_milestones (program_id, due_date) WHERE status <> 'signed-off';

-- Down Migration
DROP INDEX rm_milestones_open_by_program;
DROP INDEX rm_programs_active_program_manager;
DROP INDEX rm_programs_active_supervisor;
DROP INDEX rm_programs_by_name;
DROP INDEX rm_programs_by_appointment;
DROP INDEX rm_programs_by_reclassification;
DROP INDEX rm_programs_search;
ALTER TABLE rm_programs DROP COLUMN trainee_name;
