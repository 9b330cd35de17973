-- Aliases are dated at both ends: a name or abbreviation that came into use on a day
-- (a new abbreviation of a renamed body, say) does not match before it. Rows from
-- before have none: they named the unit as long as it existed.
ALTER TABLE unit_aliases ADD COLUMN valid_from date;
ALTER TABLE unit_aliases ADD CONSTRAINT unit_aliases_dates_ordered
  CHECK (valid_from IS NULL OR until IS NULL OR valid_from < until);
