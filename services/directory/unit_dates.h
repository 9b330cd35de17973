// When a unit began and ended, as its data says: what resolution as of a day, group
// expansion and the reference data import all judge a unit's lifetime by.
#pragma once

#include <optional>

#include "absl/time/civil_time.h"
#include "common/grpc/proto_time.h"
#include "p06/directory/v1/directory.pb.h"

namespace p06::directory {

// The day a unit began, when it began within the records (Unit.valid_from).
inline std::optional<absl::CivilDay> BeginDay(const v1::Unit& u) {
  if (!u.has_valid_from()) return std::nullopt;
  absl::StatusOr<absl::CivilDay> began = FromProtoDate(u.valid_from(), "valid_from");
  if (!began.ok()) return std::nullopt;
  return *began;
}

// The day a unit that is no longer active ended, when its data says.
inline std::optional<absl::CivilDay> EndDay(const v1::Unit& u) {
  if (u.state() == v1::UNIT_STATE_ACTIVE || !u.has_state_date()) return std::nullopt;
  absl::StatusOr<absl::CivilDay> ended = FromProtoDate(u.state_date(), "state_date");
  if (!ended.ok()) return std::nullopt;
  return *ended;
}

}  // namespace p06::directory
