-- Up Migration

-- HR's resends of a notice (POST /v1/notices/{noticeId}/resend), kept for auditors: who asked, when,
-- and which deliveries were still to be made at that moment. A resend sends only those, so asking
-- twice never sends anyone a second copy.
CREATE TABLE notice_resends (
  resend_id   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  notice_id   text        NOT NULL REFERENCES notices (notice_id),
  resent_by   text        NOT NULL,
  resent_at   timestamptz NOT NULL DEFAULT now(),
  -- The recipients (role and ref) whose delivery was open or refused when HR asked.
  reopened    jsonb       NOT NULL
);

CREATE INDEX notice_resends_notice ON notice_resends (notice_id, resent_at);

-- Down Migration
DROP TABLE notice_resends;
