#include "services/directory/resolution/name_index.h"

#include <algorithm>
#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/resource_name.h"
#include "common/text/fold.h"
#include "services/directory/unit_dates.h"

namespace p06::directory {
namespace {

constexpr double kConfidenceExact = 1.0;
constexpr double kConfidenceAlias = 0.99;
constexpr double kConfidenceFolded = 0.97;
constexpr double kConfidenceAbbreviation = 0.95;
constexpr double kCandidateFloor = 0.5;

bool BeganAfter(const pb::Unit& u, absl::CivilDay day) {
  const std::optional<absl::CivilDay> began = BeginDay(u);
  return began && *began > day;
}

}  // namespace

double EditSimilarityAtLeast(absl::string_view a, absl::string_view b, double floor) {
  if (a == b) return 1.0;
  const size_t n = a.size(), m = b.size();
  if (n == 0 || m == 0) return floor <= 0 ? 0.0 : -1.0;
  const size_t longer = std::max(n, m);
  // The most edits that still reach the floor; the length difference alone costs edits.
  const size_t budget = static_cast<size_t>((1.0 - floor) * static_cast<double>(longer) + 1e-9);
  if ((n > m ? n - m : m - n) > budget) return -1.0;
  std::vector<size_t> row(m + 1);
  for (size_t j = 0; j <= m; ++j) row[j] = j;
  for (size_t i = 1; i <= n; ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    size_t best = row[0];
    for (size_t j = 1; j <= m; ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
      best = std::min(best, row[j]);
    }
    if (best > budget) return -1.0;  // Every path already costs too much.
  }
  if (row[m] > budget) return -1.0;
  return 1.0 - static_cast<double>(row[m]) / static_cast<double>(longer);
}

double EditSimilarity(absl::string_view a, absl::string_view b) {
  return std::max(0.0, EditSimilarityAtLeast(a, b, 0.0));
}

std::shared_ptr<const NameIndex> NameIndex::Build(DirectorySnapshot snapshot) {
  std::shared_ptr<NameIndex> index(new NameIndex());
  index->snapshot_ = std::move(snapshot);
  index->expansions_ = FoldExpansions(index->snapshot_.abbreviations);
  const auto& units = index->snapshot_.units;
  for (size_t i = 0; i < units.size(); ++i) {
    const pb::Unit& u = units[i];
    index->unit_by_id_[LastSegment(u.name())] = static_cast<int>(i);
    index->AddName(u.name(), u.display_name(), pb::MATCH_KIND_EXACT);
    index->AddName(u.name(), u.code(), pb::MATCH_KIND_ABBREVIATION);
    for (const pb::Alias& a : u.aliases()) {
      pb::MatchKind kind = a.kind() == pb::ALIAS_KIND_ABBREVIATION  ? pb::MATCH_KIND_ABBREVIATION
                           : a.kind() == pb::ALIAS_KIND_FORMER_NAME ? pb::MATCH_KIND_SUCCESSOR_OF
                                                                    : pb::MATCH_KIND_ALIAS;
      absl::StatusOr<absl::CivilDay> until = FromProtoDate(a.until(), "until");
      absl::StatusOr<absl::CivilDay> from = FromProtoDate(a.valid_from(), "valid_from");
      index->AddName(u.name(), a.text(), kind, until.ok() ? std::make_optional(*until) : std::nullopt,
                     from.ok() ? std::make_optional(*from) : std::nullopt);
      // Resolution as of a day after the last dated change is resolution as of today.
      for (const auto* day : {&until, &from}) {
        if (day->ok() && **day > index->last_change_) index->last_change_ = **day;
      }
    }
  }
  const auto& groups = index->snapshot_.groups;
  for (size_t i = 0; i < groups.size(); ++i) {
    const pb::Group& g = groups[i];
    index->group_by_id_[LastSegment(g.name())] = static_cast<int>(i);
    index->AddName(g.name(), g.display_name(), pb::MATCH_KIND_EXACT);
    for (const pb::Alias& a : g.aliases()) {
      index->AddName(g.name(), a.text(),
                     a.kind() == pb::ALIAS_KIND_ABBREVIATION ? pb::MATCH_KIND_ABBREVIATION : pb::MATCH_KIND_ALIAS);
    }
  }
  for (const pb::Unit& u : index->snapshot_.units) {
    if (std::optional<absl::CivilDay> ended = EndDay(u); ended && *ended > index->last_change_) {
      index->last_change_ = *ended;
    }
    if (std::optional<absl::CivilDay> began = BeginDay(u); began && *began > index->last_change_) {
      index->last_change_ = *began;
    }
  }
  for (pb::Group& g : index->snapshot_.groups) {
    // Members without a membership (a snapshot not read from the store): as long as
    // their units.
    if (g.memberships().empty()) {
      for (const std::string& unit : g.members()) g.add_memberships()->set_unit(unit);
    }
    for (const pb::GroupMembership& m : g.memberships()) {
      for (const std::optional<absl::CivilDay>& day : {MemberFrom(m), MemberUntil(m)}) {
        if (day && *day > index->last_change_) index->last_change_ = *day;
      }
    }
  }
  for (const pb::Group& g : index->snapshot_.groups) {
    index->members_[g.name()] = index->MembersOf(g, kFromNowOn);
  }
  for (const auto& [key, postings] : index->by_canonical_) index->fuzzy_keys_.emplace_back(key, postings);
  return index;
}

void NameIndex::AddName(const std::string& target, const std::string& text, pb::MatchKind kind,
                        std::optional<absl::CivilDay> until, std::optional<absl::CivilDay> valid_from) {
  std::string canonical = CanonicalKey(text);
  if (canonical.empty()) return;
  int id = static_cast<int>(entries_.size());
  entries_.push_back({target, kind, canonical, until, valid_from});
  by_text_[std::string(absl::StripAsciiWhitespace(text))].push_back(id);
  by_folded_[text::Fold(text)].push_back(id);
  by_canonical_[canonical].push_back(id);
}

std::string NameIndex::CanonicalKey(absl::string_view text) const { return NameKeyOf(text, expansions_); }


std::vector<const NameIndex::Entry*> NameIndex::Distinct(const Postings& postings,
                                                        std::optional<absl::CivilDay> as_of) const {
  std::vector<const Entry*> out;
  absl::flat_hash_set<absl::string_view> seen;
  for (int id : postings) {
    const Entry& e = entries_[id];
    if (as_of && !InUseOn(e, *as_of)) continue;
    if (seen.insert(e.target).second) out.push_back(&e);
  }
  return out;
}

bool NameIndex::InUseOn(const Entry& e, absl::CivilDay day) {
  if (e.valid_from && day < *e.valid_from) return false;
  // A former name's `until` makes it a former name, not no name; any other alias
  // names the unit no more from that day.
  return e.kind == pb::MATCH_KIND_SUCCESSOR_OF || !e.until || day < *e.until;
}

bool NameIndex::IsActiveAt(const pb::Unit& unit, absl::CivilDay as_of) const {
  if (unit.state() == pb::UNIT_STATE_ACTIVE) return true;
  if (unit.successors().empty() && unit.state() != pb::UNIT_STATE_DISSOLVED) return true;
  const std::optional<absl::CivilDay> ended = EndDay(unit);
  return ended && *ended > as_of;  // It still existed on that day.
}

const pb::Unit* NameIndex::FindUnit(absl::string_view unit_id) const {
  auto it = unit_by_id_.find(unit_id);
  return it == unit_by_id_.end() ? nullptr : &snapshot_.units[it->second];
}

const pb::Group* NameIndex::FindGroup(absl::string_view group_id) const {
  auto it = group_by_id_.find(group_id);
  return it == group_by_id_.end() ? nullptr : &snapshot_.groups[it->second];
}

std::string NameIndex::DisplayName(const std::string& target) const {
  if (target.rfind("units/", 0) == 0) {
    const pb::Unit* u = FindUnit(LastSegment(target));
    return u == nullptr ? "" : u->display_name();
  }
  const pb::Group* g = FindGroup(LastSegment(target));
  return g == nullptr ? "" : g->display_name();
}

std::vector<std::string> NameIndex::MembersOf(const pb::Group& group, absl::CivilDay as_of) const {
  std::vector<std::string> members;
  switch (group.kind()) {
    case pb::Group::KIND_EXPLICIT: {
      // Dated by their memberships and their units: a membership that does not hold
      // then, or a unit that had not begun, is no member; a unit that ended is
      // followed to its successors then (each once).
      // A successor that had left the group by then (LeftGroupBy: its own membership
      // ended, none holding then) counts no more through a predecessor.
      absl::flat_hash_map<absl::string_view, std::vector<const pb::GroupMembership*>> own;
      for (const pb::GroupMembership& m : group.memberships()) own[m.unit()].push_back(&m);
      absl::flat_hash_set<std::string> seen;
      for (const pb::GroupMembership& m : group.memberships()) {
        if (!MembershipHolds(m, as_of)) continue;
        const pb::Unit* u = FindUnit(LastSegment(m.unit()));
        if (u != nullptr && BeganAfter(*u, as_of)) continue;
        for (std::string& now : UnitsAt(m.unit(), as_of)) {
          if (auto it = own.find(now); it != own.end() && LeftGroupBy(it->second, as_of)) continue;
          if (seen.insert(now).second) members.push_back(std::move(now));
        }
      }
      break;
    }
    case pb::Group::KIND_ALL_MINISTRY_UNITS:
    case pb::Group::KIND_PROVINCIAL_JUSTICE_DEPARTMENTS:
      for (const pb::Unit& u : snapshot_.units) {
        if (BeganAfter(u, as_of)) continue;  // Not yet there.
        // A unit that ended (merged, dissolved, renamed) after `as_of` was a member then.
        if (u.state() != pb::UNIT_STATE_ACTIVE) {
          const std::optional<absl::CivilDay> ended = EndDay(u);
          if (!ended || *ended <= as_of) continue;
        }
        bool member =
            group.kind() == pb::Group::KIND_ALL_MINISTRY_UNITS
                ? u.in_ministry() && u.kind() != pb::UNIT_KIND_MINISTRY && u.kind() != pb::UNIT_KIND_LEADERSHIP
                : u.kind() == pb::UNIT_KIND_PROVINCIAL_JUSTICE_DEPARTMENT;
        if (member) members.push_back(u.name());
      }
      break;
    default:  // UNSPECIFIED_RELATED_BODIES: a marker, no members.
      break;
  }
  return members;
}

NameIndex::Succession NameIndex::Follow(const std::string& unit, absl::CivilDay as_of) const {
  // Successor links breadth-first, to the units active at `as_of`.
  Succession out;
  std::vector<std::string> frontier = {unit};
  absl::flat_hash_set<std::string> visited;
  while (!frontier.empty()) {
    std::vector<std::string> next;
    for (const std::string& name : frontier) {
      if (!visited.insert(name).second) continue;  // A cycle in the data: stop there.
      const pb::Unit* u = FindUnit(LastSegment(name));
      if (u == nullptr) continue;
      if (IsActiveAt(*u, as_of)) {
        out.units.push_back(name);
        continue;
      }
      out.passed.push_back(name);
      for (const std::string& successor : u->successors()) {
        out.predecessors[successor].push_back(name);
        next.push_back(successor);
      }
    }
    frontier = std::move(next);
  }
  return out;
}

std::vector<std::string> NameIndex::Succession::LineOf(const std::string& unit) const {
  absl::flat_hash_set<std::string> line;
  std::vector<std::string> todo = {unit};
  while (!todo.empty()) {
    std::string u = std::move(todo.back());
    todo.pop_back();
    auto it = predecessors.find(u);
    if (it == predecessors.end()) continue;
    for (const std::string& p : it->second) {
      if (line.insert(p).second) todo.push_back(p);
    }
  }
  std::vector<std::string> ordered;
  for (const std::string& p : passed) {
    if (line.contains(p)) ordered.push_back(p);
  }
  return ordered;
}

const std::vector<std::string>& NameIndex::MembersOf(absl::string_view group_name) const {
  static const std::vector<std::string> kNone;
  auto it = members_.find(group_name);
  return it == members_.end() ? kNone : it->second;
}

void NameIndex::Expand(const std::string& target, bool former_name, absl::CivilDay as_of, absl::CivilDay follow_to,
                       pb::Resolution& out) const {
  if (target.rfind("groups/", 0) == 0) {
    out.set_group(target);
    // The members from the last change on are kept; an earlier day, before some unit
    // ended or began, is worked out (the 63 provincial departments before 2025-07-01,
    // 34 after; a Cục that begins next month is not a member yet).
    std::vector<std::string> then;
    if (as_of < last_change_) {
      if (const pb::Group* g = FindGroup(LastSegment(target)); g != nullptr) then = MembersOf(*g, as_of);
    }
    const std::vector<std::string>& members = as_of < last_change_ ? then : MembersOf(absl::string_view(target));
    out.mutable_units()->Reserve(static_cast<int>(members.size()));
    if (follow_to <= as_of) {
      for (const std::string& m : members) out.add_units(m);
      return;
    }
    // Each member of then, followed to its successors on follow_to, each once: the 63
    // departments of early 2025 are the 34 of today.
    absl::flat_hash_set<std::string> seen;
    for (const std::string& m : members) {
      for (std::string& now : UnitsAt(m, follow_to)) {
        if (seen.insert(now).second) out.add_units(std::move(now));
      }
    }
    return;
  }
  // A unit that began after `as_of` stood for nothing then: the name is not its yet.
  if (const pb::Unit* u = FindUnit(LastSegment(target)); u != nullptr && BeganAfter(*u, as_of)) {
    out.set_match_kind(pb::MATCH_KIND_UNRESOLVED);
    out.clear_confidence();
    const bool listed = std::any_of(out.candidates().begin(), out.candidates().end(),
                                    [&](const pb::Candidate& c) { return c.name() == target; });
    if (!listed) {  // A fuzzy match has listed it already.
      pb::Candidate* c = out.add_candidates();
      c->set_name(target);
      c->set_display_name(u->display_name());
      c->set_confidence(0.5);
    }
    out.set_error(absl::StrCat(target, " began on ", FormatIsoDate(*BeginDay(*u)), ", after ", FormatIsoDate(as_of)));
    return;
  }
  // Walking to follow_to passes through what it would walking to as_of first: a unit
  // still active on the later day was active on the earlier.
  Succession walk = Follow(target, follow_to);
  for (const std::string& unit : walk.units) {
    out.add_units(unit);
    if (walk.passed.empty()) continue;
    pb::FollowedUnit* followed = out.add_followed();
    followed->set_unit(unit);
    for (std::string& from : walk.LineOf(unit)) followed->add_predecessors(std::move(from));
  }
  for (std::string& unit : walk.passed) out.add_successor_chain(std::move(unit));
  if (!walk.passed.empty() || former_name) {
    for (const std::string& u : out.units()) out.add_successor_chain(u);
    out.set_match_kind(pb::MATCH_KIND_SUCCESSOR_OF);
  }
}

void NameIndex::Unresolved(const std::vector<const Entry*>& targets, pb::Resolution& out) const {
  out.set_match_kind(pb::MATCH_KIND_UNRESOLVED);
  for (const Entry* e : targets) {
    pb::Candidate* c = out.add_candidates();
    c->set_name(e->target);
    c->set_display_name(DisplayName(e->target));
    c->set_confidence(0.5);
  }
}

void NameIndex::AddCandidates(const std::string& key, const std::string& exclude, absl::CivilDay as_of,
                              pb::Resolution& out) const {
  absl::flat_hash_map<absl::string_view, double> best;
  for (const auto& [candidate_key, postings] : fuzzy_keys_) {
    double sim = EditSimilarityAtLeast(key, candidate_key, kCandidateFloor);
    if (sim < kCandidateFloor) continue;
    for (const Entry* e : Distinct(postings, as_of)) {
      const std::string& target = e->target;
      if (target == exclude) continue;
      double& b = best[target];
      b = std::max(b, sim);
    }
  }
  std::vector<std::pair<double, absl::string_view>> ranked;
  for (const auto& [target, sim] : best) ranked.emplace_back(sim, target);
  std::sort(ranked.begin(), ranked.end(),
            [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  for (size_t i = 0; i < ranked.size() && i < kMaxCandidates; ++i) {
    pb::Candidate* c = out.add_candidates();
    c->set_name(std::string(ranked[i].second));
    c->set_display_name(DisplayName(c->name()));
    c->set_confidence(ranked[i].first);
  }
}

pb::Resolution NameIndex::Resolve(absl::string_view input, absl::CivilDay as_of, absl::CivilDay follow_to) const {
  pb::Resolution out;
  out.set_input(std::string(input));
  if (!text::IsValidUtf8(input)) {
    out.set_match_kind(pb::MATCH_KIND_INVALID);
    out.set_error("not valid UTF-8");
    out.clear_input();  // A protobuf string must be UTF-8.
    return out;
  }
  if (input.size() > kMaxResolveInputBytes) {
    out.set_match_kind(pb::MATCH_KIND_INVALID);
    out.set_error(absl::StrCat("longer than ", kMaxResolveInputBytes, " bytes"));
    return out;
  }
  absl::StatusOr<std::string> nfc = text::NormalizeNfc(input);
  const std::string written(absl::StripAsciiWhitespace(nfc.ok() ? *nfc : std::string(input)));
  const std::string folded = text::Fold(written);
  const std::string key = directory::ExpandAbbreviations(folded, expansions_);
  if (key.empty()) {
    out.set_match_kind(pb::MATCH_KIND_INVALID);
    out.set_error("empty: no letters or digits");
    return out;
  }

  // Tiers 1–4: exact lookups; the first tier with a match decides.
  struct Tier {
    const absl::flat_hash_map<std::string, Postings>* map;
    std::string key;
  };
  const Tier tiers[] = {{&by_text_, written}, {&by_folded_, folded}, {&by_canonical_, key}};
  // Names known but not in use on as_of (matched by an earlier tier): the answer if
  // no later tier finds a name that is, and never a guess at a neighbouring name.
  std::vector<const Entry*> not_then;
  for (int t = 0; t < 3; ++t) {
    auto it = tiers[t].map->find(tiers[t].key);
    if (it == tiers[t].map->end()) continue;
    std::vector<const Entry*> targets = Distinct(it->second, as_of);
    if (targets.empty()) {
      if (not_then.empty()) not_then = Distinct(it->second);
      continue;
    }
    if (targets.size() > 1) {
      Unresolved(targets, out);  // Ambiguous: several units share the name.
      return out;
    }
    const Entry& e = *targets.front();
    // A former name is the current one when followed only to a day before the rename.
    const bool former_name = e.kind == pb::MATCH_KIND_SUCCESSOR_OF && !(e.until.has_value() && follow_to < *e.until);
    pb::MatchKind kind;
    double confidence;
    if (t == 0) {
      kind = e.kind == pb::MATCH_KIND_SUCCESSOR_OF ? pb::MATCH_KIND_ALIAS : e.kind;
      confidence = kind == pb::MATCH_KIND_EXACT ? kConfidenceExact : kConfidenceAlias;
    } else if (t == 1) {
      kind = e.kind == pb::MATCH_KIND_ABBREVIATION ? pb::MATCH_KIND_ABBREVIATION : pb::MATCH_KIND_FOLDED;
      confidence = kConfidenceFolded;
    } else {
      kind = pb::MATCH_KIND_ABBREVIATION;
      confidence = kConfidenceAbbreviation;
    }
    out.set_match_kind(kind);
    out.set_confidence(confidence);
    Expand(e.target, former_name, as_of, follow_to, out);
    return out;
  }

  if (!not_then.empty()) {
    Unresolved(not_then, out);
    const Entry& e = *not_then.front();
    out.set_error(absl::StrCat("names ", e.target, e.valid_from ? " from " + FormatIsoDate(*e.valid_from) : "",
                               e.until ? " until " + FormatIsoDate(*e.until) : "", ", not on ", FormatIsoDate(as_of)));
    return out;
  }

  // Tier 5: fuzzy, only when clearly ahead of every other target.
  AddCandidates(key, "", as_of, out);
  const auto& c = out.candidates();
  const double best = c.empty() ? 0 : c[0].confidence();
  const double second = c.size() < 2 ? 0 : c[1].confidence();
  if (best >= kFuzzyThreshold && best - second >= kFuzzyMargin) {
    std::string target = c[0].name();
    out.mutable_candidates()->DeleteSubrange(0, 1);
    out.set_match_kind(pb::MATCH_KIND_FUZZY);
    out.set_confidence(best * kConfidenceAbbreviation);
    Expand(target, /*former_name=*/false, as_of, follow_to, out);
    return out;
  }
  out.set_match_kind(pb::MATCH_KIND_UNRESOLVED);
  return out;
}

}  // namespace p06::directory
