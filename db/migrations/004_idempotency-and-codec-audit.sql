-- Up Migration

-- The first answer to every POST sent with an Idempotency-Key (shared/API.md 1.1), per caller: the
-- same key and body again get this answer, a different body under the key a 409. `request_hash` is a
-- SHA-256 of the method, path and body, so the body itself (personal data) is not kept twice.
-- `status` is null while the first request is under way. Rows older than the retention (at least
-- 24 hours) are swept by the API.
CREATE TABLE idempotency_keys (
  caller        text        NOT NULL,
  key           text        NOT NULL,
  request_hash  text        NOT NULL,
  status        integer,
  content_type  text,
  location      text,
  etag          text,
  body          text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (caller, key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- Every payload decode through /codec (the Temporal Web UI, the CLI): who, when, which workflow.
-- Auditors read it through GET /v1/codec-decodes.
CREATE TABLE codec_decodes (
  decode_id    bigserial   PRIMARY KEY,
  decoded_at   timestamptz NOT NULL DEFAULT now(),
  actor_id     text        NOT NULL,
  actor_role   text        NOT NULL,
  namespace    text,
  workflow_id  text,
  payloads     integer     NOT NULL,
  origin       text
);
CREATE INDEX codec_decodes_decoded_at ON codec_decodes (decoded_at);
CREATE INDEX codec_decodes_workflow_id ON codec_decodes (workflow_id);

-- Down Migration
DROP TABLE codec_decodes;
DROP TABLE idempotency_keys;
