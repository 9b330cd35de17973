// The outbox and the write locks, shared by every writer of the task store.
//
// Rule for every write transaction: take its lock (LockTaskForWrite or
// LockPlanForWrite) before its first write. See schema/004_outbox_by_transaction.sql:
// that is what makes the event stream's order agree with commit order.
#pragma once

#include <pqxx/pqxx>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "p06/task/v1/task.pb.h"
#include "services/task/task_limits.h"

namespace p06::task::pg {

// Notified after every commit that wrote events (by PgTaskStore's db::Notifier, not
// inside the transaction: see notifier.h).
inline constexpr char kEventsChannel[] = "task_events";

// Serialises writers of one task; an import of its plan waits for them.
inline void LockTaskForWrite(pqxx::transaction_base& tx, const std::string& plan_id, int number) {
  tx.exec_params("SELECT lock_task_for_write($1, $2)", plan_id, number);
}

// Serialises imports of one plan, and waits for every writer of its tasks.
inline void LockPlanForWrite(pqxx::transaction_base& tx, const std::string& plan_id) {
  tx.exec_params("SELECT lock_plan_for_write($1)", plan_id);
}

// Appends `event` to the outbox. INVALID_ARGUMENT when it exceeds kMaxEventBytes:
// the field limits keep every event well under it, and this keeps any event that
// slipped past them out of the stream, where it would fail every consumer for ever.
inline absl::Status AppendEvent(pqxx::transaction_base& tx, v1::Event event, const std::string& request_id) {
  static constexpr char kAppend[] = "INSERT INTO events (kind, resource, request_id, payload) VALUES ($1, $2, $3, $4)";
  event.set_request_id(request_id);
  const std::string payload = event.SerializeAsString();
  if (payload.size() > kMaxEventBytes) {
    return absl::InvalidArgumentError(absl::StrCat(event.resource(), ": the change is ", payload.size(),
                                                   " bytes, over the ", kMaxEventBytes, " an event may carry"));
  }
  tx.exec_params(kAppend, static_cast<int>(event.kind()), event.resource(), request_id, pqxx::binarystring(payload));
  return absl::OkStatus();
}

}  // namespace p06::task::pg
