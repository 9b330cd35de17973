// The SQL of a consumer's cursor, shared by every EventSink on PostgreSQL. Each
// consuming service's schema has the same two tables (created by its own migration):
//
//   consumer_state (singleton, event_cursor, events_applied, last_commit_time,
//                   caught_up, caught_up_time)   -- one row
//   skipped_events (event_cursor PK, resource, error, event bytea, skip_time)
//
// Every move of the cursor names the cursor it expects: one row updated, or another
// consumer moved it first and the transaction must not commit (ABORTED).
#pragma once

#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "common/events/event_sink.h"

namespace p06::events {

ConsumerState ReadConsumerState(pqxx::transaction_base& tx);
// After `events` were applied in `tx` (none: only `caught_up` changes).
absl::Status MoveCursor(pqxx::transaction_base& tx, const std::string& expected_cursor,
                        const std::vector<tpb::Event>& events, bool caught_up, absl::Time now);
// Keeps `event` in skipped_events and moves the cursor past it.
absl::Status SkipEvent(pqxx::transaction_base& tx, const std::string& expected_cursor, const tpb::Event& event,
                       const std::string& error, absl::Time now);
// Back to the start, not caught up: what a rebuild does before it writes.
absl::Status RewindCursor(pqxx::transaction_base& tx, const std::string& expected_cursor);

}  // namespace p06::events
