#include "common/events/consumer_tables.h"

#include "common/db/bytea.h"
#include "common/grpc/proto_time.h"

namespace p06::events {
namespace {

constexpr char kState[] = R"sql(
SELECT event_cursor, events_applied, (extract(epoch FROM last_commit_time) * 1000000)::bigint,
       caught_up, (extract(epoch FROM caught_up_time) * 1000000)::bigint
FROM consumer_state WHERE singleton
)sql";
constexpr char kMoveCursor[] = R"sql(
UPDATE consumer_state
SET event_cursor = $2, events_applied = events_applied + $3,
    last_commit_time = coalesce(to_timestamp($4::double precision / 1000000), last_commit_time),
    caught_up = $5, caught_up_time = CASE WHEN $5 THEN to_timestamp($6::double precision / 1000000)
                                          ELSE caught_up_time END
WHERE singleton AND event_cursor = $1
)sql";
constexpr char kRewind[] = R"sql(
UPDATE consumer_state SET event_cursor = '', caught_up = false, caught_up_time = NULL, last_commit_time = NULL
WHERE singleton AND event_cursor = $1
)sql";
constexpr char kKeepSkipped[] = R"sql(
INSERT INTO skipped_events (event_cursor, resource, error, event, skip_time)
VALUES ($1, $2, $3, $4, to_timestamp($5::double precision / 1000000)) ON CONFLICT DO NOTHING
)sql";

std::optional<absl::Time> MicrosField(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return absl::FromUnixMicros(f.as<int64_t>());
}

absl::Status MovedOrAborted(const pqxx::result& moved) {
  if (moved.affected_rows() == 1) return absl::OkStatus();
  return absl::AbortedError("the event cursor moved under this consumer; another one is running");
}

}  // namespace

ConsumerState ReadConsumerState(pqxx::transaction_base& tx) {
  const pqxx::row r = tx.exec1(kState);
  return ConsumerState{.cursor = r[0].as<std::string>(),
                       .events_applied = r[1].as<int64_t>(),
                       .last_commit_time = MicrosField(r[2]),
                       .caught_up = r[3].as<bool>(),
                       .caught_up_time = MicrosField(r[4])};
}

absl::Status MoveCursor(pqxx::transaction_base& tx, const std::string& expected_cursor,
                        const std::vector<tpb::Event>& events, bool caught_up, absl::Time now) {
  const std::string cursor = events.empty() ? expected_cursor : events.back().cursor();
  std::optional<int64_t> commit_us;
  if (!events.empty()) commit_us = ProtoTimestampToMicros(events.back().commit_time());
  return MovedOrAborted(tx.exec_params(kMoveCursor, expected_cursor, cursor, static_cast<int64_t>(events.size()),
                                       commit_us, caught_up, absl::ToUnixMicros(now)));
}

absl::Status SkipEvent(pqxx::transaction_base& tx, const std::string& expected_cursor, const tpb::Event& event,
                       const std::string& error, absl::Time now) {
  tx.exec_params(kKeepSkipped, event.cursor(), event.resource(), error.substr(0, 2000), db::Bytes(event),
                 absl::ToUnixMicros(now));
  // Counted among the events passed, as applied ones are: the cursor is past it.
  return MovedOrAborted(tx.exec_params(kMoveCursor, expected_cursor, event.cursor(), 1,
                                       ProtoTimestampToMicros(event.commit_time()), false, absl::ToUnixMicros(now)));
}

absl::Status RewindCursor(pqxx::transaction_base& tx, const std::string& expected_cursor) {
  return MovedOrAborted(tx.exec_params(kRewind, expected_cursor));
}

}  // namespace p06::events
