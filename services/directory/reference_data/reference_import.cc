#include "services/directory/reference_data/reference_import.h"

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/resource_name.h"
#include "common/text/fold.h"
#include "services/directory/unit_dates.h"
#include "services/directory/unit_validation.h"

namespace p06::directory {
namespace {

using NameKey = std::function<std::string(absl::string_view)>;

// One line of the file, split at tabs, with its number.
struct Record {
  int line = 0;
  std::vector<std::string> fields;  // fields[0] is the record type.
};

// The columns of each record type after the type itself, in order.
const absl::flat_hash_map<std::string, std::vector<std::string>>& Columns() {
  static const auto* kColumns = new absl::flat_hash_map<std::string, std::vector<std::string>>{
      {"unit", {"id", "code", "kind", "parent", "in_ministry", "valid_from", "display_name"}},
      {"alias", {"unit", "kind", "from", "until", "text"}},
      {"rename", {"unit", "day", "display_name"}},
      {"merge", {"unit", "day", "successors"}},
      {"dissolve", {"unit", "day", "successors"}},
      {"abbreviation", {"abbreviation", "expansion"}},
      {"member", {"group", "unit", "from", "until"}},
  };
  return *kColumns;
}

constexpr absl::string_view kNone = "-";
constexpr size_t kMaxExpansionChars = 200;  // The abbreviations table's limit (001_units.sql).
constexpr int kFirstYear = 1900, kLastYear = 2200;

// " from D until D" of a membership, either part only when set.
std::string DaysOf(const pb::GroupMembership& m) {
  const std::optional<absl::CivilDay> from = MemberFrom(m), until = MemberUntil(m);
  return absl::StrCat(from ? " from " + FormatIsoDate(*from) : "", until ? " until " + FormatIsoDate(*until) : "");
}

// DaysOf, or " undated" for a membership as long as its unit.
std::string SpellOf(const pb::GroupMembership& m) {
  std::string days = DaysOf(m);
  return days.empty() ? " undated" : days;
}

class Planner {
 public:
  Planner(const DirectorySnapshot& current, const NameKey& name_key) : name_key_(name_key) {
    for (const pb::Unit& u : current.units) {
      const std::string id = LastSegment(u.name());
      order_.push_back(id);
      units_.emplace(id, u);
      code_holder_[u.code()] = id;
      if (u.state() == pb::UNIT_STATE_ACTIVE) HoldNames(id, u);
    }
    for (const pb::Group& g : current.groups) {
      groups_.emplace(LastSegment(g.name()), g);
      name_holder_[name_key_(g.display_name())] = g.name();
      group_names_.emplace_back(g.name(), g.display_name());
      for (const pb::Alias& a : g.aliases()) group_names_.emplace_back(g.name(), a.text());
    }
    for (const auto& [abbreviation, expansion] : current.abbreviations) abbreviations_[abbreviation] = {expansion, 0};
  }

  ReferenceImport Run(absl::string_view text) {
    if (text.size() > kMaxReferenceFileBytes) {
      Problem(0, "text", absl::StrCat("longer than ", kMaxReferenceFileBytes, " bytes"));
      return std::move(out_);
    }
    if (const size_t bad = text::FirstInvalidUtf8(text); bad != absl::string_view::npos) {
      Problem(text::LineOf(text, bad), "text", "not UTF-8 (save the file as UTF-8)");
      return std::move(out_);
    }
    std::vector<Record> records = Split(text);
    if (records.size() > kMaxReferenceRecords) {
      Problem(0, "text", absl::StrCat(records.size(), " records; at most ", kMaxReferenceRecords, " a file"));
      return std::move(out_);
    }
    for (const Record& r : records) Apply(r);
    CheckParents();
    CheckSuccessorDays();
    CheckSuccessorCycles();
    CheckAbbreviationsKeepNamesApart();
    if (!out_.problems.empty()) return std::move(out_);
    for (const std::string& id : order_) {
      if (!touched_.contains(id)) continue;
      (added_ids_.contains(id) ? out_.changes.added : out_.changes.changed).push_back(units_.at(id));
    }
    SortParentsFirst(out_.changes.added);
    for (const std::string& id : touched_groups_) out_.changes.groups.push_back(groups_.at(id));
    return std::move(out_);
  }

 private:
  // The names an active unit answers to (its name, its aliases but former names) are
  // its own: no other unit may take them (the rule the store keeps, CheckNamesFree).
  void HoldNames(const std::string& id, const pb::Unit& u) {
    name_holder_[name_key_(u.display_name())] = id;
    for (const pb::Alias& a : u.aliases()) {
      if (a.kind() != pb::ALIAS_KIND_FORMER_NAME) name_holder_[name_key_(a.text())] = id;
    }
  }
  void ReleaseNames(const std::string& id, const pb::Unit& u) {
    auto release = [&](const std::string& text) {
      auto it = name_holder_.find(name_key_(text));
      if (it != name_holder_.end() && it->second == id) name_holder_.erase(it);
    };
    release(u.display_name());
    for (const pb::Alias& a : u.aliases()) release(a.text());
  }

  void Problem(int line, std::string field, std::string message) {
    out_.problems.push_back({line, std::move(field), std::move(message)});
  }
  // A validation error of the shared checks, "unit.code: must be …" (InvalidField's
  // shape), as the problem of that field (the last part of its path) on `line`.
  void Problem(int line, const absl::Status& invalid) {
    const absl::string_view message = invalid.message();
    const size_t colon = message.find(": ");
    absl::string_view field = message.substr(0, colon);
    if (const size_t dot = field.rfind('.'); dot != absl::string_view::npos) field.remove_prefix(dot + 1);
    Problem(line, std::string(field), std::string(colon == absl::string_view::npos ? message : message.substr(colon + 2)));
  }

  std::vector<Record> Split(absl::string_view text) {
    std::vector<Record> records;
    int line = 0;
    for (absl::string_view raw : absl::StrSplit(text, '\n')) {
      ++line;
      if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
      const absl::string_view trimmed = absl::StripAsciiWhitespace(raw);
      if (trimmed.empty() || trimmed[0] == '#') continue;
      Record r{.line = line};
      for (absl::string_view f : absl::StrSplit(raw, '\t')) r.fields.emplace_back(absl::StripAsciiWhitespace(f));
      auto it = Columns().find(r.fields[0]);
      if (it == Columns().end()) {
        Problem(line, "type", absl::StrCat("\"", r.fields[0],
                                           "\" is not a record type (unit, alias, rename, merge, dissolve, abbreviation, member)"));
        continue;
      }
      const std::vector<std::string>& columns = it->second;
      if (r.fields.size() != columns.size() + 1) {
        const std::string missing = r.fields.size() <= columns.size() ? columns[r.fields.size() - 1] : "";
        Problem(line, missing.empty() ? "line" : missing,
                absl::StrCat(r.fields[0], " has ", columns.size(), " tab-separated fields after its type (",
                             absl::StrJoin(columns, ", "), "), this line ", r.fields.size() - 1,
                             missing.empty() ? "" : absl::StrCat(": ", missing, " is missing")));
        continue;
      }
      for (size_t i = 1; i < r.fields.size(); ++i) {
        if (r.fields[i].empty()) Problem(line, columns[i - 1], "empty (write - for none)");
      }
      records.push_back(std::move(r));
    }
    return records;
  }

  std::optional<absl::CivilDay> Day(const Record& r, size_t i, const std::string& field, bool optional) {
    if (optional && r.fields[i] == kNone) return std::nullopt;
    absl::CivilDay day;
    if (!ParseIsoDate(r.fields[i], &day)) {
      Problem(r.line, field, absl::StrCat("\"", r.fields[i], "\" is not a day (YYYY-MM-DD)"));
      return std::nullopt;
    }
    // A year the state's records could hold: 0000 or 9999 is a slip of the pen, and
    // the store (and protobuf dates) would not keep it as written.
    if (day.year() < kFirstYear || day.year() > kLastYear) {
      Problem(r.line, field, absl::StrCat("\"", r.fields[i], "\" is outside ", kFirstYear, "..", kLastYear));
      return std::nullopt;
    }
    return day;
  }

  // The unit a record names, as the file has made it so far.
  pb::Unit* Known(const Record& r, const std::string& id, const std::string& field) {
    auto it = units_.find(id);
    if (it == units_.end()) {
      Problem(r.line, field, absl::StrCat("units/", id, " is neither in the directory nor earlier in the file"));
      return nullptr;
    }
    return &it->second;
  }

  // A name the file gives `id` must not be another unit's or a group's.
  bool CheckNameFree(const Record& r, const std::string& id, const std::string& name, const std::string& field) {
    auto it = name_holder_.find(name_key_(name));
    if (it == name_holder_.end() || it->second == id) return true;
    const std::string holder = absl::StartsWith(it->second, "groups/") ? it->second : absl::StrCat("units/", it->second);
    Problem(r.line, field, absl::StrCat("\"", name, "\" already names ", holder));
    return false;
  }

  void Apply(const Record& r) {
    const std::string& type = r.fields[0];
    if (type == "unit") {
      AddUnit(r);
    } else if (type == "alias") {
      AddAlias(r);
    } else if (type == "rename") {
      Rename(r);
    } else if (type == "abbreviation") {
      AddAbbreviation(r);
    } else if (type == "member") {
      SetMembership(r);
    } else {
      End(r, type == "merge" ? pb::UNIT_STATE_MERGED : pb::UNIT_STATE_DISSOLVED);
    }
  }

  void AddUnit(const Record& r) {
    const std::string& id = r.fields[1];
    if (!IsValidResourceId(id)) return Problem(r.line, "id", "2..63 of a-z, 0-9 and -");
    pb::Unit u;
    u.set_name(absl::StrCat("units/", id));
    u.set_code(r.fields[2]);
    pb::UnitKind kind;
    if (!pb::UnitKind_Parse(absl::StrCat("UNIT_KIND_", absl::AsciiStrToUpper(r.fields[3])), &kind) ||
        kind == pb::UNIT_KIND_UNSPECIFIED) {
      return Problem(r.line, "kind", absl::StrCat("\"", r.fields[3], "\" is not a unit kind (ministry, agency, …)"));
    }
    u.set_kind(kind);
    if (r.fields[4] != kNone) u.set_parent(absl::StrCat("units/", r.fields[4]));
    if (r.fields[5] != "yes" && r.fields[5] != "no") return Problem(r.line, "in_ministry", "yes or no");
    u.set_in_ministry(r.fields[5] == "yes");
    if (r.fields[6] != kNone) {
      std::optional<absl::CivilDay> began = Day(r, 6, "valid_from", false);
      if (!began) return;
      *u.mutable_valid_from() = ToProtoDate(*began);
    }
    u.set_display_name(r.fields[7]);
    u.set_state(pb::UNIT_STATE_ACTIVE);
    if (absl::Status s = NormalizeAndValidateUnit(u, "unit"); !s.ok()) {
      return Problem(r.line, s);
    }
    if (auto it = units_.find(id); it != units_.end()) {
      const pb::Unit& now = it->second;
      // Its name then, if it was renamed since (by this file on an earlier run, say).
      bool same_name = now.display_name() == u.display_name();
      for (const pb::Alias& a : now.aliases()) {
        same_name = same_name || (a.kind() == pb::ALIAS_KIND_FORMER_NAME && a.text() == u.display_name());
      }
      const bool same = now.code() == u.code() && same_name && now.kind() == u.kind() && now.parent() == u.parent() &&
                        now.in_ministry() == u.in_ministry() &&
                        now.valid_from().SerializeAsString() == u.valid_from().SerializeAsString();
      if (added_ids_.contains(id)) return Problem(r.line, "id", absl::StrCat("units/", id, " is defined twice"));
      if (!same) {
        return Problem(r.line, "id", absl::StrCat("units/", id, " exists with other fields: change it with a rename "
                                                               "record or UpdateUnit"));
      }
      return;  // Already there as written: a file applied twice changes nothing.
    }
    if (auto holder = code_holder_.find(u.code()); holder != code_holder_.end()) {
      return Problem(r.line, "code", absl::StrCat(u.code(), " is units/", holder->second, "'s"));
    }
    if (!CheckNameFree(r, id, u.display_name(), "display_name")) return;
    code_holder_[u.code()] = id;
    HoldNames(id, u);
    units_.emplace(id, u);
    order_.push_back(id);
    added_ids_.insert(id);
    touched_.insert(id);
    parent_lines_[id] = r.line;
    out_.summary.add_units_added(u.name());
  }

  void AddAlias(const Record& r) {
    pb::Unit* u = Known(r, r.fields[1], "unit");
    if (u == nullptr) return;
    static const absl::flat_hash_map<std::string, pb::AliasKind> kKinds = {
        {"alias", pb::ALIAS_KIND_ALIAS}, {"abbreviation", pb::ALIAS_KIND_ABBREVIATION},
        {"former", pb::ALIAS_KIND_FORMER_NAME}};
    auto kind = kKinds.find(r.fields[2]);
    if (kind == kKinds.end()) return Problem(r.line, "kind", "alias, abbreviation or former");
    pb::Alias a;
    a.set_kind(kind->second);
    std::string text = r.fields[5];
    if (absl::Status s = NormalizeName(&text, "text"); !s.ok()) {
      return Problem(r.line, s);
    }
    a.set_text(text);
    std::optional<absl::CivilDay> from, until;
    if (r.fields[3] != kNone) {
      if (!(from = Day(r, 3, "from", false))) return;
      *a.mutable_valid_from() = ToProtoDate(*from);
    }
    if (r.fields[4] != kNone) {
      if (!(until = Day(r, 4, "until", false))) return;
      *a.mutable_until() = ToProtoDate(*until);
    } else if (a.kind() == pb::ALIAS_KIND_FORMER_NAME) {
      return Problem(r.line, "until", "a former name needs the day it stopped applying");
    }
    if (from && until && *from >= *until) return Problem(r.line, "from", "must be before until");
    for (const pb::Alias& existing : u->aliases()) {
      if (existing.text() != a.text() || existing.kind() != a.kind()) continue;
      if (existing.valid_from().SerializeAsString() == a.valid_from().SerializeAsString() &&
          existing.until().SerializeAsString() == a.until().SerializeAsString()) {
        return;  // Already there.
      }
      return Problem(r.line, "from", absl::StrCat(u->name(), " has this ", r.fields[2],
                                                  " with other dates; change them with UpdateUnit"));
    }
    if (u->aliases_size() >= kMaxAliases) return Problem(r.line, "unit", absl::StrCat("more than ", kMaxAliases, " aliases"));
    if (a.kind() != pb::ALIAS_KIND_FORMER_NAME) {
      if (!CheckNameFree(r, r.fields[1], a.text(), "text")) return;
      if (u->state() == pb::UNIT_STATE_ACTIVE) name_holder_[name_key_(a.text())] = r.fields[1];
    }
    *u->add_aliases() = a;
    touched_.insert(r.fields[1]);
    out_.summary.add_aliases_added(absl::StrCat(u->name(), ": ", a.text()));
  }

  // The unit must be active when the record takes effect, and have begun by then.
  bool ActiveOn(const Record& r, const pb::Unit& u, absl::CivilDay day) {
    if (std::optional<absl::CivilDay> ended = EndDay(u)) {
      Problem(r.line, "unit", absl::StrCat(u.name(), " already ended on ", FormatIsoDate(*ended)));
      return false;
    }
    if (std::optional<absl::CivilDay> began = BeginDay(u); began && day < *began) {
      Problem(r.line, "day", absl::StrCat(u.name(), " began on ", FormatIsoDate(*began), ", after ", FormatIsoDate(day)));
      return false;
    }
    return true;
  }

  void Rename(const Record& r) {
    pb::Unit* u = Known(r, r.fields[1], "unit");
    std::optional<absl::CivilDay> day = Day(r, 2, "day", false);
    if (u == nullptr || !day) return;
    std::string name = r.fields[3];
    if (absl::Status s = NormalizeName(&name, "display_name"); !s.ok()) {
      return Problem(r.line, s);
    }
    for (const pb::Alias& a : u->aliases()) {  // Renamed on that day already (this file, run before).
      if (a.kind() == pb::ALIAS_KIND_FORMER_NAME && a.until().SerializeAsString() == ToProtoDate(*day).SerializeAsString()) {
        return;
      }
    }
    if (u->display_name() == name) return;  // Named so already.
    if (!ActiveOn(r, *u, *day)) return;
    if (!CheckNameFree(r, r.fields[1], name, "display_name")) return;
    if (u->aliases_size() >= kMaxAliases) return Problem(r.line, "unit", absl::StrCat("more than ", kMaxAliases, " aliases"));
    ReleaseNames(r.fields[1], *u);
    pb::Alias* former = u->add_aliases();
    former->set_text(u->display_name());
    former->set_kind(pb::ALIAS_KIND_FORMER_NAME);
    *former->mutable_until() = ToProtoDate(*day);
    u->set_display_name(name);
    HoldNames(r.fields[1], *u);
    touched_.insert(r.fields[1]);
    out_.summary.add_units_renamed(u->name());
  }

  void End(const Record& r, pb::UnitState state) {
    pb::Unit* u = Known(r, r.fields[1], "unit");
    std::optional<absl::CivilDay> day = Day(r, 2, "day", false);
    if (u == nullptr || !day) return;
    std::vector<std::string> successors;
    if (r.fields[3] != kNone) successors = absl::StrSplit(r.fields[3], ',', absl::SkipWhitespace());
    if (state == pb::UNIT_STATE_MERGED && successors.empty()) {
      return Problem(r.line, "successors", "a merge names the unit(s) it went into");
    }
    std::vector<std::string> names;
    for (std::string& s : successors) {
      s = std::string(absl::StripAsciiWhitespace(s));
      if (Known(r, s, "successors") == nullptr) return;
      if (s == r.fields[1]) return Problem(r.line, "successors", "a unit cannot succeed itself");
      const std::string name = absl::StrCat("units/", s);
      if (std::find(names.begin(), names.end(), name) != names.end()) {
        return Problem(r.line, "successors", absl::StrCat(name, " listed twice"));
      }
      names.push_back(name);
    }
    // The same change again (this file, run before) is nothing to do; another is a conflict.
    if (EndDay(*u) == day && u->state() == state &&
        std::equal(u->successors().begin(), u->successors().end(), names.begin(), names.end())) {
      return;
    }
    if (!ActiveOn(r, *u, *day)) return;
    ReleaseNames(r.fields[1], *u);  // An ended unit's names no longer compete.
    u->set_state(state);
    *u->mutable_state_date() = ToProtoDate(*day);
    u->clear_successors();
    for (const std::string& name : names) u->add_successors(name);
    touched_.insert(r.fields[1]);
    successor_lines_[r.fields[1]] = r.line;
    (state == pb::UNIT_STATE_MERGED ? out_.summary.add_units_merged() : out_.summary.add_units_dissolved())
        ->assign(u->name());
  }

  // A unit's membership of an explicit group, with its days: the new days of the stored
  // membership they share a day with (an undated membership dated, a dated one ended
  // by a later file), or, sharing none, a membership of their own (a new member, or
  // one that left and joins again). Days shared with two stored memberships, or with
  // another record of the file, are refused. The same days again are nothing to do.
  void SetMembership(const Record& r) {
    auto g = groups_.find(r.fields[1]);
    if (g == groups_.end()) {
      return Problem(r.line, "group", absl::StrCat("groups/", r.fields[1], " is not in the directory (CreateGroup makes groups)"));
    }
    pb::Group& group = g->second;
    if (group.kind() != pb::Group::KIND_EXPLICIT) {
      return Problem(r.line, "group", absl::StrCat(group.name(), " computes its members; only an explicit group lists them"));
    }
    const pb::Unit* u = Known(r, r.fields[2], "unit");
    if (u == nullptr) return;
    pb::GroupMembership m;
    m.set_unit(u->name());
    std::optional<absl::CivilDay> from, until;
    if (r.fields[3] != kNone) {
      if (!(from = Day(r, 3, "from", false))) return;
      *m.mutable_valid_from() = ToProtoDate(*from);
    }
    if (r.fields[4] != kNone) {
      if (!(until = Day(r, 4, "until", false))) return;
      *m.mutable_valid_until() = ToProtoDate(*until);
    }
    if (from && until && *from >= *until) return Problem(r.line, "from", "must be before until");
    // A unit may leave a group and join it again: its spells of membership, never two
    // sharing a day, in the file as in the directory.
    std::vector<std::pair<int, pb::GroupMembership>>& in_file = file_spells_[absl::StrCat(group.name(), " ", m.unit())];
    for (const auto& [line, earlier] : in_file) {
      if (MembershipsOverlap(earlier, m)) {
        return Problem(r.line, "from", absl::StrCat(m.unit(), "'s membership of ", group.name(), SpellOf(m),
                                                    " shares days with its membership on line ", line));
      }
    }
    const std::string said = absl::StrCat(group.name(), ": ", m.unit(), DaysOf(m));
    // The stored spell these days re-date is the one they share a day with; none, and
    // they are a spell of their own.
    pb::GroupMembership* redated = nullptr;
    for (pb::GroupMembership& existing : *group.mutable_memberships()) {
      if (existing.unit() != m.unit() || !MembershipsOverlap(existing, m)) continue;
      if (redated != nullptr) {
        return Problem(r.line, "from", absl::StrCat(m.unit(), "'s membership of ", group.name(), SpellOf(m),
                                                    " shares days with two of its memberships (",
                                                    absl::StripLeadingAsciiWhitespace(SpellOf(*redated)),
                                                    ";", SpellOf(existing), "): give each its own record"));
      }
      redated = &existing;
    }
    if (redated != nullptr) {
      in_file.emplace_back(r.line, m);
      if (redated->SerializeAsString() == m.SerializeAsString()) return;  // Already so.
      // The file's days replace the stored ones (UpdateGroup's, or an earlier file's);
      // the summary, and so the dry run, says what they were.
      const std::string was = SpellOf(*redated);
      *redated = m;
      touched_groups_.insert(r.fields[1]);
      out_.summary.add_memberships_changed(absl::StrCat(said, " (was", was, ")"));
      return;
    }
    if (std::find(group.members().begin(), group.members().end(), m.unit()) == group.members().end()) {
      if (group.members_size() >= kMaxMembers) {
        return Problem(r.line, "group", absl::StrCat(group.name(), " has ", kMaxMembers, " members already"));
      }
      group.add_members(m.unit());
    }
    in_file.emplace_back(r.line, m);
    *group.add_memberships() = std::move(m);
    touched_groups_.insert(r.fields[1]);
    out_.summary.add_memberships_changed(said);
  }

  // Once every record is in, whatever their order: each successor existed on the day
  // it took over (begun by then, not ended before).
  void CheckSuccessorDays() {
    for (const auto& [id, line] : successor_lines_) {
      const pb::Unit& u = units_.at(id);
      const std::optional<absl::CivilDay> day = EndDay(u);
      if (!day) continue;
      for (const std::string& name : u.successors()) {
        const pb::Unit& successor = units_.at(LastSegment(name));
        if (std::optional<absl::CivilDay> began = BeginDay(successor); began && *began > *day) {
          Problem(line, "successors",
                  absl::StrCat(name, " begins on ", FormatIsoDate(*began), ", after ", FormatIsoDate(*day)));
        }
        if (std::optional<absl::CivilDay> ended = EndDay(successor); ended && *ended <= *day) {
          Problem(line, "successors", absl::StrCat(name, " ended on ", FormatIsoDate(*ended), ", by ", FormatIsoDate(*day)));
        }
      }
    }
  }

  // An abbreviation is one word, expanded when names are compared ("STP" → "Sở Tư
  // pháp"). Its expansion is written in full words, so expanding once is enough.
  void AddAbbreviation(const Record& r) {
    const std::string abbreviation = text::Fold(r.fields[1]);
    if (abbreviation.empty() || abbreviation.size() > 20 ||
        !std::all_of(abbreviation.begin(), abbreviation.end(), [](char c) { return absl::ascii_isalnum(c); })) {
      return Problem(r.line, "abbreviation", absl::StrCat("\"", r.fields[1], "\": one word of up to 20 letters and digits"));
    }
    std::string expansion = r.fields[2];
    if (absl::Status s = NormalizeName(&expansion, "expansion"); !s.ok()) return Problem(r.line, s);
    // Characters, as PostgreSQL's length() counts them: the bytes that start one.
    const auto characters = std::count_if(expansion.begin(), expansion.end(), [](char c) { return (c & 0xC0) != 0x80; });
    if (static_cast<size_t>(characters) > kMaxExpansionChars) {
      return Problem(r.line, "expansion", absl::StrCat("longer than ", kMaxExpansionChars, " characters"));
    }
    const std::string folded = text::Fold(expansion);
    if (folded == abbreviation) return Problem(r.line, "expansion", "the abbreviation itself");
    if (auto it = abbreviations_.find(abbreviation); it != abbreviations_.end()) {
      if (text::Fold(it->second.expansion) == folded) return;  // Already there: nothing to do.
      return Problem(r.line, "abbreviation",
                     absl::StrCat("\"", abbreviation, "\" already expands to \"", it->second.expansion, "\"",
                                  it->second.line > 0 ? absl::StrCat(" (line ", it->second.line, ")") : ""));
    }
    abbreviations_[abbreviation] = {expansion, r.line};
    out_.changes.abbreviations.emplace_back(abbreviation, expansion);
    out_.summary.add_abbreviations_added(absl::StrCat(abbreviation, ": ", expansion));
  }

  // Once every record is in: no expansion holds an abbreviation, and the new
  // abbreviations make no two holders' names read alike (a name would then resolve to
  // neither).
  void CheckAbbreviationsKeepNamesApart() {
    if (out_.changes.abbreviations.empty()) return;
    absl::flat_hash_map<std::string, std::string> expand;  // The file's: folded → folded.
    for (const auto& [abbreviation, expansion] : out_.changes.abbreviations) expand[abbreviation] = text::Fold(expansion);
    for (const auto& [abbreviation, expansion] : out_.changes.abbreviations) {
      for (absl::string_view word : absl::StrSplit(expand[abbreviation], ' ', absl::SkipEmpty())) {
        if (abbreviations_.contains(word)) {
          Problem(abbreviations_[abbreviation].line, "expansion",
                  absl::StrCat("write it in full words: \"", word, "\" is an abbreviation"));
        }
      }
      // Nor may a new one be a word of the directory's expansions ("TƯ" for "Trung
      // ương" in "Sở Tư pháp"): names written with the old abbreviation would stop
      // meeting the names written out.
      for (const auto& [other, known] : abbreviations_) {
        if (known.line != 0) continue;
        for (absl::string_view word : absl::StrSplit(text::Fold(known.expansion), ' ', absl::SkipEmpty())) {
          if (word == abbreviation) {
            Problem(abbreviations_[abbreviation].line, "abbreviation",
                    absl::StrCat("\"", abbreviation, "\" is a word of \"", other, "\" (\"", known.expansion,
                                 "\"): names written with one would no longer meet names written with the other"));
          }
        }
      }
    }
    // The key a name has once the file's abbreviations are in: theirs first, then the
    // directory's (expansions are in full words, so the order cannot matter).
    auto new_key = [&](const std::string& text) {
      std::vector<std::string> words;
      for (absl::string_view w : absl::StrSplit(text::Fold(text), ' ', absl::SkipEmpty())) {
        auto it = expand.find(w);
        words.emplace_back(it == expand.end() ? std::string(w) : it->second);
      }
      return name_key_(absl::StrJoin(words, " "));
    };
    struct Holder {
      std::string name, text, old_key;
    };
    absl::flat_hash_map<std::string, Holder> by_key;
    auto hold = [&](const std::string& holder, const std::string& text) {
      const std::string key = new_key(text);
      auto [it, inserted] = by_key.try_emplace(key, Holder{holder, text, name_key_(text)});
      if (inserted || it->second.name == holder || it->second.old_key == name_key_(text)) return;
      // The first of the file's abbreviations in either name: one must be, or their keys
      // would not have changed.
      int line = 0;
      for (const std::string* t : {&text, static_cast<const std::string*>(&it->second.text)}) {
        for (absl::string_view w : absl::StrSplit(text::Fold(*t), ' ', absl::SkipEmpty())) {
          if (expand.contains(w) && (line == 0 || abbreviations_[std::string(w)].line < line)) {
            line = abbreviations_[std::string(w)].line;
          }
        }
      }
      Problem(line, "abbreviation",
              absl::StrCat("makes \"", text, "\" (", holder, ") and \"", it->second.text, "\" (", it->second.name,
                           ") read alike"));
    };
    // Every name the store keeps apart (pg::CheckNamesFree): ended units' and former
    // names too, which still resolve, and groups' aliases.
    for (const std::string& id : order_) {
      const pb::Unit& u = units_.at(id);
      hold(u.name(), u.display_name());
      for (const pb::Alias& a : u.aliases()) hold(u.name(), a.text());
    }
    for (const auto& [name, text] : group_names_) hold(name, text);
  }

  // Every new unit's parent exists, and no chain of parents comes back to where it started.
  void CheckParents() {
    for (const auto& [id, line] : parent_lines_) {
      const pb::Unit& u = units_.at(id);
      absl::flat_hash_set<std::string> seen = {id};
      for (std::string parent = LastSegment(u.parent()); !parent.empty();) {
        auto it = units_.find(parent);
        if (it == units_.end()) {
          Problem(line, "parent", absl::StrCat("units/", parent, " is neither in the directory nor in the file"));
          break;
        }
        if (!seen.insert(parent).second) {
          Problem(line, "parent", absl::StrCat("units/", id, "'s parents come back to units/", parent));
          break;
        }
        parent = LastSegment(it->second.parent());
      }
    }
  }

  // A successor chain that comes back to where it started would never end.
  void CheckSuccessorCycles() {
    enum Mark { kNew, kOnPath, kDone };
    absl::flat_hash_map<std::string, Mark> mark;
    std::vector<std::string> path;
    std::function<bool(const std::string&)> visit = [&](const std::string& id) {
      Mark& m = mark[id];
      if (m == kDone) return false;
      if (m == kOnPath) {
        auto from = std::find(path.begin(), path.end(), id);
        std::vector<std::string> cycle(from, path.end());
        cycle.push_back(id);
        int line = 0;
        for (const std::string& c : cycle) line = std::max(line, successor_lines_.contains(c) ? successor_lines_[c] : 0);
        Problem(line, "successors", absl::StrCat("successor cycle: ", absl::StrJoin(cycle, " → ")));
        return true;
      }
      m = kOnPath;
      path.push_back(id);
      auto it = units_.find(id);
      bool found = false;
      if (it != units_.end()) {
        for (const std::string& s : it->second.successors()) {
          if (visit(LastSegment(s))) {
            found = true;
            break;
          }
        }
      }
      path.pop_back();
      mark[id] = kDone;
      return found;
    };
    for (const std::string& id : order_) {
      if (touched_.contains(id) && visit(id)) return;
    }
  }

  // New units whose parent is new too come after it, so the rows can be inserted in order.
  void SortParentsFirst(std::vector<pb::Unit>& units) {
    std::vector<pb::Unit> sorted;
    absl::flat_hash_set<std::string> placed;
    while (sorted.size() < units.size()) {
      const size_t before = sorted.size();
      for (const pb::Unit& u : units) {
        if (placed.contains(u.name())) continue;
        const bool parent_ready = u.parent().empty() || !added_ids_.contains(LastSegment(u.parent())) ||
                                  placed.contains(u.parent());
        if (!parent_ready) continue;
        placed.insert(u.name());
        sorted.push_back(u);
      }
      if (sorted.size() == before) break;  // A parent cycle among new units: the store refuses it.
    }
    for (const pb::Unit& u : units) {
      if (!placed.contains(u.name())) sorted.push_back(u);
    }
    units = std::move(sorted);
  }

  const NameKey& name_key_;
  absl::flat_hash_map<std::string, pb::Unit> units_;  // The directory as the file leaves it.
  std::vector<std::string> order_;                    // Ids in a stable order: existing, then added.
  absl::flat_hash_set<std::string> added_ids_, touched_;
  absl::flat_hash_map<std::string, int> parent_lines_, successor_lines_;  // Where each was set.
  absl::flat_hash_map<std::string, std::string> name_holder_;  // Name key → unit id or "groups/…".
  absl::flat_hash_map<std::string, std::string> code_holder_;  // Code → unit id.
  struct Abbreviation {
    std::string expansion;
    int line = 0;  // Where the file defines it; 0: the directory's.
  };
  absl::flat_hash_map<std::string, Abbreviation> abbreviations_;      // Folded → its expansion.
  std::vector<std::pair<std::string, std::string>> group_names_;      // (groups/…, its name or an alias).
  absl::flat_hash_map<std::string, pb::Group> groups_;                // By id, as the file leaves them.
  std::set<std::string> touched_groups_;                              // Ids, sorted.
  // "groups/… units/…" → the file's spells of that membership, with their lines.
  absl::flat_hash_map<std::string, std::vector<std::pair<int, pb::GroupMembership>>> file_spells_;
  ReferenceImport out_;
};

}  // namespace

ReferenceImport PlanReferenceImport(absl::string_view text, const DirectorySnapshot& current, const NameKey& name_key) {
  return Planner(current, name_key).Run(text);
}

absl::Status ProblemsStatus(const std::vector<ImportProblem>& problems) {
  constexpr size_t kShown = 20;
  std::vector<std::string> parts;
  for (size_t i = 0; i < problems.size() && i < kShown; ++i) {
    const ImportProblem& p = problems[i];
    parts.push_back(p.line > 0 ? absl::StrCat("line ", p.line, " (", p.field, "): ", p.message)
                               : absl::StrCat(p.field, ": ", p.message));
  }
  if (problems.size() > kShown) parts.push_back(absl::StrCat("and ", problems.size() - kShown, " more"));
  return absl::InvalidArgumentError(absl::StrCat("text: ", absl::StrJoin(parts, "; ")));
}

}  // namespace p06::directory
