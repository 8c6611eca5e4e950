-- Up Migration

-- The e-mail as rendered from the templates when the notice was issued (`body` keeps the plain-text
-- body the API and the PDF show), the facts the templates were given, and whether the PDF letter
-- goes with it. Notices issued before this migration have none of these and no deliveries.
ALTER TABLE notices
  ADD COLUMN email_text text,
  ADD COLUMN email_html text,
  ADD COLUMN facts      jsonb,
  ADD COLUMN attach_pdf boolean NOT NULL DEFAULT false;

-- The outbox: one row per notice and recipient, written in the same transaction as the notice.
-- 'sending' is set just before the message goes to the SMTP server and 'sent' just after it is
-- accepted; a delivery found 'sending' may or may not have been accepted, and is sent again under
-- the same Message-ID. 'rejected' is a permanent (5xx) refusal, kept with the server's answer.
CREATE TABLE notice_deliveries (
  notice_id      text        NOT NULL REFERENCES notices (notice_id),
  recipient_role text        NOT NULL,
  recipient_ref  text        NOT NULL,
  -- The trainee's comes from the enrollment at issue; staff addresses from staff_directory at sending.
  address        text,
  message_id     text UNIQUE,
  status         text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'rejected')),
  attempts       integer     NOT NULL DEFAULT 0,
  last_error     text,
  smtp_response  text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  sending_at     timestamptz,
  sent_at        timestamptz,
  PRIMARY KEY (notice_id, recipient_role, recipient_ref)
);

CREATE INDEX notice_deliveries_unsent ON notice_deliveries (created_at) WHERE status IN ('pending', 'sending');

-- Where notices to staff go: supervisors and program managers by staff id, agency HR by agency
-- code, DAS by the single ref 'DAS'. Kept by HR (db/staff-directory.ts loads it from a JSON file).
CREATE TABLE staff_directory (
  entry_kind   text        NOT NULL CHECK (entry_kind IN ('staff', 'agency-hr', 'das')),
  ref          text        NOT NULL,
  display_name text        NOT NULL,
  email        text        NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (entry_kind, ref)
);

-- Calendar feeds: a person subscribes by a signed URL naming the feed; revoking sets revoked_at.
CREATE TABLE calendar_feeds (
  feed_id    uuid        PRIMARY KEY,
  subject    text        NOT NULL,
  role       text        NOT NULL CHECK (role IN ('supervisor', 'program-manager', 'trainee')),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE INDEX calendar_feeds_subject ON calendar_feeds (subject, created_at);

-- Down Migration
DROP TABLE calendar_feeds;
DROP TABLE staff_directory;
DROP TABLE notice_deliveries;
ALTER TABLE notices DROP COLUMN attach_pdf, DROP COLUMN facts, DROP COLUMN email_html, DROP COLUMN email_text;
