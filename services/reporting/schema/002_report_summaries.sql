-- Listings read each report's BASIC view (services/reporting/report_view.h), kept
-- beside the whole report, so that listing the reports of a large plan does not
-- load every task line of each. Rows stored before have none: they are read whole.
ALTER TABLE reports ADD COLUMN summary bytea NOT NULL DEFAULT ''::bytea;
