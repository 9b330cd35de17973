-- The day a unit began, when it began within the directory's records (Unit.valid_from):
-- before it, its names resolve to nothing and it is in no group. NULL: it existed
-- before the records. 005 and 006 said this was not modelled yet; these are their
-- units that began [S] (shared REFERENCE.md).
ALTER TABLE units ADD COLUMN valid_from date;
-- Government, from 2025-03-01: the two ministries formed new. The others of 005 went
-- on under their names (taking over the merged ones' fields).
UPDATE units SET valid_from = '2025-03-01' WHERE id IN ('bo-nong-nghiep-moi-truong', 'bo-dan-toc-ton-giao');
-- Decree 09/2026/NĐ-CP, from 2026-01-10 (the name is [U], see 006).
UPDATE units SET valid_from = '2026-01-10' WHERE id = 'cuc-ksthc';
-- A unit cannot end before it began.
ALTER TABLE units ADD CONSTRAINT units_valid_before_ending CHECK (valid_from IS NULL OR state_date IS NULL OR valid_from <= state_date);
