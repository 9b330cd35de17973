-- Where the outbox was last pruned (EventPruner): a cursor before this position is
-- answered OUT_OF_RANGE, never with a gap.
CREATE TABLE event_retention (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  pruned_xid  xid8 NOT NULL DEFAULT '0',
  pruned_seq  bigint NOT NULL DEFAULT 0
);
INSERT INTO event_retention DEFAULT VALUES;
