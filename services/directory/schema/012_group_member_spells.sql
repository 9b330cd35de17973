-- A unit may leave an explicit group and join it again: each row is one spell of
-- membership with its own days, and a unit has as many as it had. The spells of one
-- unit in one group never share a day: the directory checks that before it writes,
-- under the names lock every writer of the directory takes first. Their first days
-- differ, which this index holds (an undated start counts as the earliest).
ALTER TABLE group_members DROP CONSTRAINT group_members_pkey;
CREATE UNIQUE INDEX group_members_spell ON group_members (group_id, unit_id, coalesce(valid_from, '-infinity'::date));
