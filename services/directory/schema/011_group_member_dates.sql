-- Explicit group memberships carry the days they hold, as units and aliases do: a
-- unit joins a working group on a day, or leaves it, without either unit ending.
-- NULL is as long as the unit (the memberships before this migration: all of them).
-- valid_until is exclusive: a member before that day only.
ALTER TABLE group_members
  ADD COLUMN valid_from date,
  ADD COLUMN valid_until date,
  ADD CONSTRAINT group_members_dates_ordered CHECK (valid_from IS NULL OR valid_until IS NULL OR valid_from < valid_until);
