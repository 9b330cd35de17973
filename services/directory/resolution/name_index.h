// An immutable in-memory index of every unit and group name, answering
// ResolveUnitNames without touching the database. Built from a DirectorySnapshot;
// replaced whole when the directory changes (see index_refresher.h).
//
// Matching, best first (the first tier that matches decides):
//   1. EXACT          the official name, as written (after NFC and trimming);
//   2. ALIAS          an alias as written (ABBREVIATION for abbreviation aliases);
//   3. FOLDED         equal after folding case, diacritics, punctuation and spaces;
//   4. ABBREVIATION   equal once the sector's abbreviations are expanded, or the code;
//   5. FUZZY          edit similarity of the expanded keys ≥ kFuzzyThreshold and clearly
//                     ahead of the runner-up; otherwise UNRESOLVED with candidates.
// Names are matched as they stood on `as_of`, and the units meant then are followed
// to `follow_to` (as_of or later): a match on a unit that is no longer active on
// `follow_to` (renamed, merged, dissolved) follows the successor links to the unit(s)
// active then: SUCCESSOR_OF, with the chain. A group's members are those of `as_of`,
// each followed to `follow_to`.
// A name that matches different targets equally well is UNRESOLVED: never a guess.
//
// Thread-safe: const after Build().
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "p06/directory/v1/directory.pb.h"
#include "services/directory/storage/directory_snapshot.h"
#include "services/directory/storage/name_key.h"

namespace p06::directory {

namespace pb = ::p06::directory::v1;

inline constexpr double kFuzzyThreshold = 0.88;
inline constexpr double kFuzzyMargin = 0.04;
inline constexpr size_t kMaxResolveInputBytes = 500;
inline constexpr int kMaxCandidates = 5;

class NameIndex {
 public:
  static std::shared_ptr<const NameIndex> Build(DirectorySnapshot snapshot);

  pb::Resolution Resolve(absl::string_view input, absl::CivilDay as_of, absl::CivilDay follow_to) const;

  // The key names are compared on (name_key.h), by this snapshot's abbreviations.
  std::string CanonicalKey(absl::string_view text) const;

  // A group's members ("units/…") as of a day: computed kinds (all ministry units,
  // all provincial departments) evaluated on the snapshot; an explicit group's list.
  std::vector<std::string> MembersOf(const pb::Group& group, absl::CivilDay as_of) const;
  // As of today and on: units that ended count out, whenever they ended.
  static constexpr absl::CivilDay kFromNowOn{9999, 12, 31};
  // A group's members today, computed once at Build().
  const std::vector<std::string>& MembersOf(absl::string_view group_name) const;

  const pb::Unit* FindUnit(absl::string_view unit_id) const;
  const pb::Group* FindGroup(absl::string_view group_id) const;
  int64_t revision() const { return snapshot_.revision; }
  const DirectorySnapshot& snapshot() const { return snapshot_; }

 private:
  struct Entry {
    std::string target;  // "units/…" or "groups/…"
    pb::MatchKind kind;  // EXACT, ALIAS, ABBREVIATION or SUCCESSOR_OF (former name)
    std::string canonical;
    std::optional<absl::CivilDay> until;       // Former name: applied before this day; else: named it before.
    std::optional<absl::CivilDay> valid_from;  // Not a match before this day.
  };
  using Postings = std::vector<int>;  // indexes into entries_

  NameIndex() = default;
  void AddName(const std::string& target, const std::string& text, pb::MatchKind kind,
               std::optional<absl::CivilDay> until = std::nullopt,
               std::optional<absl::CivilDay> valid_from = std::nullopt);
  // Fills units, group, successor_chain and followed of `out` for a target matched as of
  // `as_of`, followed to `follow_to`; a former name, or a unit not active on
  // `follow_to`, makes the match SUCCESSOR_OF.
  void Expand(const std::string& target, bool former_name, absl::CivilDay as_of, absl::CivilDay follow_to,
              pb::Resolution& out) const;
  bool IsActiveAt(const pb::Unit& unit, absl::CivilDay as_of) const;
  // Where following a unit's successor links to a day leads.
  struct Succession {
    std::vector<std::string> units;   // Active on the day.
    std::vector<std::string> passed;  // Ended before it, in the order reached.
    // A unit reached -> the passed units it succeeded directly.
    absl::flat_hash_map<std::string, std::vector<std::string>> predecessors;
    // The passed units with a line of successor links to `unit`, in the order reached.
    std::vector<std::string> LineOf(const std::string& unit) const;
  };
  // What `unit` stood for at `as_of`: itself, or, if it had ended, its successors then
  // (followed through renames and merges).
  Succession Follow(const std::string& unit, absl::CivilDay as_of) const;
  std::vector<std::string> UnitsAt(const std::string& unit, absl::CivilDay as_of) const {
    return Follow(unit, as_of).units;
  }
  // Whether the name of `e` named its target on `day` (its valid_from and, but for
  // a former name, its until).
  static bool InUseOn(const Entry& e, absl::CivilDay day);
  std::string DisplayName(const std::string& target) const;
  // Distinct targets of `postings`; with `as_of`, only of the entries valid then.
  std::vector<const Entry*> Distinct(const Postings& postings,
                                     std::optional<absl::CivilDay> as_of = std::nullopt) const;
  // UNRESOLVED, with each of `targets` as an even candidate.
  void Unresolved(const std::vector<const Entry*>& targets, pb::Resolution& out) const;
  // Fuzzy candidates for `key` among the names valid at `as_of`, best first.
  void AddCandidates(const std::string& key, const std::string& exclude, absl::CivilDay as_of,
                     pb::Resolution& out) const;

  DirectorySnapshot snapshot_;
  absl::flat_hash_map<std::string, int> unit_by_id_;
  absl::flat_hash_map<std::string, int> group_by_id_;
  Expansions expansions_;
  std::vector<Entry> entries_;
  absl::flat_hash_map<std::string, Postings> by_text_;                  // NFC text as written
  absl::flat_hash_map<std::string, Postings> by_folded_;                // text::Fold
  absl::flat_hash_map<std::string, Postings> by_canonical_;             // CanonicalKey
  absl::flat_hash_map<std::string, std::vector<std::string>> members_;  // group name → members today
  // The latest day a unit ended or began, or an alias or a membership did: resolution
  // as of a later day is resolution as of today, and group members come from members_.
  absl::CivilDay last_change_ = absl::CivilDay(1, 1, 1);
  // Each distinct canonical key once, with its postings: what the fuzzy tier scans.
  std::vector<std::pair<std::string, Postings>> fuzzy_keys_;
};

// 1 − Levenshtein distance / longer length, on bytes; 1 for equal strings.
double EditSimilarity(absl::string_view a, absl::string_view b);

// EditSimilarity(a, b) when it is at least `floor`, else a negative number; stops as
// soon as the floor is out of reach, which makes scanning many keys cheap.
double EditSimilarityAtLeast(absl::string_view a, absl::string_view b, double floor);

}  // namespace p06::directory
