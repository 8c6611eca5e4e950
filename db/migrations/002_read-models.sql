-- Up Migration

-- Reading the log in commit-safe order: `position` orders events within a transaction and
-- `transaction_id` across them. A projector reads only transactions older than the oldest one still
-- running (pg_snapshot_xmin), so an event that commits late is never passed over.
ALTER TABLE program_events ADD COLUMN position bigint, ADD COLUMN transaction_id xid8;

-- Events recorded before this migration get positions program by program in version order, under
-- one transaction id older than any to come. This is the one
-- write ever made to existing events, so the append-only trigger steps aside for it alone.
ALTER TABLE program_events DISABLE TRIGGER program_events_append_only;
UPDATE program_events e
   SET position = ordered.n, transaction_id = '1'::xid8
  FROM (SELECT event_id, row_number() OVER (ORDER BY program_id, version) AS n FROM program_events) ordered
 WHERE e.event_id = ordered.event_id;
ALTER TABLE program_events ENABLE TRIGGER program_events_append_only;

CREATE SEQUENCE program_events_position_seq OWNED BY program_events.position;
SELECT setval('program_events_position_seq', coalesce((SELECT max(position) FROM program_events), 0) + 1, false);
ALTER TABLE program_events
  ALTER COLUMN position SET DEFAULT nextval('program_events_position_seq'),
  ALTER COLUMN position SET NOT NULL,
  ALTER COLUMN transaction_id SET DEFAULT pg_current_xact_id(),
  ALTER COLUMN transaction_id SET NOT NULL;

CREATE INDEX program_events_commit_order ON program_events (transaction_id, position);

CREATE TABLE projection_checkpoints (
  projection          text PRIMARY KEY,
  last_transaction_id xid8        NOT NULL DEFAULT '0',
  last_position       bigint      NOT NULL DEFAULT 0,
  updated_at          timestamptz NOT NULL DEFAULT now()
);

INSERT INTO projection_checkpoints (projection) VALUES ('programs');

-- One row per program: the columns HR lists filter on, the projection's working state, and the
-- program as the API serves it.
CREATE TABLE rm_programs (
  program_id                     text PRIMARY KEY,
  version                        integer     NOT NULL,
  status                         text        NOT NULL,
  agency                         text        NOT NULL,
  target_class_code              text        NOT NULL,
  supervisor_id                  text        NOT NULL,
  program_manager_id             text        NOT NULL,
  trainee_employee_id            text        NOT NULL,
  appointment_date               date        NOT NULL,
  earliest_reclassification_date date        NOT NULL,
  latest_completion_date         date        NOT NULL,
  overdue_milestones             integer     NOT NULL,
  meets_target_class             boolean,
  state                          jsonb       NOT NULL,
  view                           jsonb       NOT NULL,
  updated_at                     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX rm_programs_status ON rm_programs (status, latest_completion_date, program_id);
CREATE INDEX rm_programs_agency ON rm_programs (agency, latest_completion_date, program_id);
CREATE INDEX rm_programs_target_class ON rm_programs (target_class_code, latest_completion_date, program_id);
CREATE INDEX rm_programs_cap ON rm_programs (latest_completion_date, program_id);
CREATE INDEX rm_programs_supervisor ON rm_programs (supervisor_id);
CREATE INDEX rm_programs_program_manager ON rm_programs (program_manager_id);
CREATE INDEX rm_programs_trainee ON rm_programs (trainee_employee_id);
CREATE INDEX rm_programs_at_risk ON rm_programs (latest_completion_date) WHERE status IN ('active', 'awaiting-minimum');

CREATE TABLE rm_milestones (
  program_id     text NOT NULL,
  milestone_id   text NOT NULL,
  title          text NOT NULL,
  due_date       date NOT NULL,
  status         text NOT NULL,
  signed_off_by  text,
  signed_off_on  date,
  PRIMARY KEY (program_id, milestone_id)
);

CREATE INDEX rm_milestones_open ON rm_milestones (status, due_date) WHERE status <> 'signed-off';

-- Down Migration
DROP TABLE rm_milestones;
DROP TABLE rm_programs;
DROP TABLE projection_checkpoints;
DROP INDEX program_events_commit_order;
ALTER TABLE program_events DROP COLUMN transaction_id, DROP COLUMN position;
-- (the sequence goes with its column)
