-- Up Migration

-- One program at a time (DOMAIN.md decision 5): an employee is held here for the program being
-- enrolled, before its workflow starts, so two enrollments of one employee cannot both start. The
-- primary key decides a race. A holder whose program has closed (or never started, after a while)
-- is taken over by the next enrollment. Only the employee id is kept, as in rm_programs.
CREATE TABLE enrollment_reservations (
  employee_id  text        PRIMARY KEY,
  program_id   text        NOT NULL,
  reserved_at  timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE enrollment_reservations;
