-- Up Migration

-- The lasting record of every program: Temporal's history is deleted when retention runs out,
-- this is not. Append-only: a correction is a new event that points at the one it corrects.
CREATE TABLE program_events (
  event_id       text PRIMARY KEY,
  program_id     text        NOT NULL,
  version        integer     NOT NULL CHECK (version > 0),
  type           text        NOT NULL,
  occurred_at    timestamptz NOT NULL,
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  actor_id       text        NOT NULL,
  actor_role     text        NOT NULL,
  reason         text,
  data           jsonb       NOT NULL,
  schema_version integer     NOT NULL,
  CONSTRAINT program_events_program_version UNIQUE (program_id, version)
);

CREATE FUNCTION reject_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'program_events is append-only: % is not allowed', TG_OP;
END;
$$;

CREATE TRIGGER program_events_append_only
  BEFORE UPDATE OR DELETE ON program_events
  FOR EACH ROW EXECUTE FUNCTION reject_event_change();

CREATE TRIGGER program_events_no_truncate
  BEFORE TRUNCATE ON program_events
  FOR EACH STATEMENT EXECUTE FUNCTION reject_event_change();

-- Every notice once, keyed by its business key (program + kind).
CREATE TABLE notices (
  notice_id   text PRIMARY KEY,
  program_id  text        NOT NULL,
  kind        text        NOT NULL,
  event_id    text        NOT NULL REFERENCES program_events (event_id),
  issued_on   date        NOT NULL,
  recipients  jsonb       NOT NULL,
  subject     text        NOT NULL,
  body        text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX notices_program ON notices (program_id, issued_on);

-- Down Migration
DROP TABLE notices;
DROP TRIGGER program_events_no_truncate ON program_events;
DROP TRIGGER program_events_append_only ON program_events;
DROP TABLE program_events;
DROP FUNCTION reject_event_change();
