-- The day a task's units were last followed to (services/task/unit_follower.h): a
-- replica whose pass reads an earlier day (its pass began before midnight, or its
-- clock is behind) never writes back the units of that day over those of a later one.
ALTER TABLE tasks ADD COLUMN units_followed_on date;
