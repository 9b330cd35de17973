-- Events the read model could not apply (a SQL error on their data, never a lost
-- connection): kept here, whole, with the error, instead of stopping every report
-- behind them. reporting_events_skipped_total counts them; an operator replays one
-- after a fix by moving the cursor back before it.
CREATE TABLE skipped_events (
  event_cursor text PRIMARY KEY,
  resource text NOT NULL,
  error text NOT NULL,
  event bytea NOT NULL,          -- p06.task.v1.Event.
  skip_time timestamptz NOT NULL
);
