// When a unit began and ended, and an explicit group's membership held, as the data
// says: what resolution as of a day, group expansion, the group writes and the
// reference data import all judge them by.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
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

// The first day of an explicit group's membership, when it has one (else: from when
// its unit began).
inline std::optional<absl::CivilDay> MemberFrom(const v1::GroupMembership& m) {
  if (IsUnset(m.valid_from())) return std::nullopt;
  absl::StatusOr<absl::CivilDay> day = FromProtoDate(m.valid_from(), "valid_from");
  if (!day.ok()) return std::nullopt;
  return *day;
}

// The day a membership ends (a member before it only), when it has one.
inline std::optional<absl::CivilDay> MemberUntil(const v1::GroupMembership& m) {
  if (IsUnset(m.valid_until())) return std::nullopt;
  absl::StatusOr<absl::CivilDay> day = FromProtoDate(m.valid_until(), "valid_until");
  if (!day.ok()) return std::nullopt;
  return *day;
}

// Whether a membership holds on `day`.
inline bool MembershipHolds(const v1::GroupMembership& m, absl::CivilDay day) {
  const std::optional<absl::CivilDay> from = MemberFrom(m), until = MemberUntil(m);
  return (!from || *from <= day) && (!until || day < *until);
}

// Whether a membership had ended by `day`.
inline bool MembershipEndedBy(const v1::GroupMembership& m, absl::CivilDay day) {
  const std::optional<absl::CivilDay> until = MemberUntil(m);
  return until && *until <= day;
}

// Whether two memberships (spells of one unit in one group) share a day.
inline bool MembershipsOverlap(const v1::GroupMembership& a, const v1::GroupMembership& b) {
  const std::optional<absl::CivilDay> a_from = MemberFrom(a), a_until = MemberUntil(a);
  const std::optional<absl::CivilDay> b_from = MemberFrom(b), b_until = MemberUntil(b);
  return (!a_from || !b_until || *a_from < *b_until) && (!b_from || !a_until || *b_from < *a_until);
}

// Whether a unit with these spells in a group had left it by `day`: one of them ended
// by then and none holds then (a spell that begins later does not undo the leaving).
inline bool LeftGroupBy(const std::vector<const v1::GroupMembership*>& spells, absl::CivilDay day) {
  bool ended = false;
  for (const v1::GroupMembership* m : spells) {
    if (MembershipHolds(*m, day)) return false;
    ended = ended || MembershipEndedBy(*m, day);
  }
  return ended;
}

// The etag a group is served with on `today`: its stored version (`g.etag()` as
// read) and, for an explicit group whose members changed by date (a membership began
// or ended) by then, the last such day. UpdateGroup writes "today's members", so a
// list read before a membership began or ended must be stale after it: otherwise the
// unit that joined overnight, missing from the list read yesterday, would be taken as
// left out today.
inline std::string GroupEtagOn(const v1::Group& g, absl::CivilDay today) {
  std::optional<absl::CivilDay> last;
  for (const v1::GroupMembership& m : g.memberships()) {
    for (std::optional<absl::CivilDay> day : {MemberFrom(m), MemberUntil(m)}) {
      if (day && *day <= today && (!last || *day > *last)) last = day;
    }
  }
  return last ? absl::StrCat(g.etag(), "-", FormatIsoDate(*last)) : g.etag();
}

// The stored version a served group etag names (GroupEtagOn's first part): what an
// update that writes no members compares, since the day its members last changed by
// date does not bear on a name or an alias.
inline std::string GroupEtagVersion(const std::string& served) { return served.substr(0, served.find('-')); }

}  // namespace p06::directory
