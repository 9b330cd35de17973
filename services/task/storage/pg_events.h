// The outbox, shared by every writer of the task store.
#pragma once

#include <pqxx/pqxx>
#include <string>

#include "p06/task/v1/task.pb.h"

namespace p06::task::pg {

inline constexpr char kEventsChannel[] = "task_events";

// Appends `event` with the next sequence number. Call it as the last work before
// COMMIT: the counter row stays locked until then, so concurrent writers take their
// numbers in commit order and a reader never sees N+1 before N. Also notifies
// kEventsChannel (delivered at commit) to wake WatchEvents streams and caches. One
// statement, one round trip: the locked section before COMMIT stays short.
inline void AppendEvent(pqxx::transaction_base& tx, v1::Event event, const std::string& request_id) {
  static constexpr char kAppend[] = R"sql(
WITH s AS (UPDATE event_counter SET last_seq = last_seq + 1 RETURNING last_seq),
     e AS (INSERT INTO events (seq, kind, resource, request_id, payload)
           SELECT last_seq, $1, $2, $3, $4 FROM s RETURNING seq)
SELECT pg_notify('task_events', '') FROM e
)sql";
  event.set_request_id(request_id);
  tx.exec_params(kAppend, static_cast<int>(event.kind()), event.resource(), request_id,
                 pqxx::binarystring(event.SerializeAsString()));
}

}  // namespace p06::task::pg
