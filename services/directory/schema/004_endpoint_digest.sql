-- A unit may prefer one daily digest per endpoint to one message per item
-- (NotificationEndpoint.daily_digest, read by the notification service).
ALTER TABLE unit_endpoints ADD COLUMN daily_digest boolean NOT NULL DEFAULT false;
