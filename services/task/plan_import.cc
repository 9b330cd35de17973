#include "services/task/plan_import.h"

#include <openssl/evp.h>

#include <algorithm>
#include <regex>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/base/hash.h"
#include "common/base/status_macros.h"
#include "common/grpc/status_mapping.h"
#include "common/text/fold.h"
#include "services/task/plan_text/time_phrase.h"

namespace p06::task {
namespace {

namespace dpb = ::p06::directory::v1;

std::string Sha256Hex(absl::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

bool Resolved(const dpb::Resolution& r) {
  return r.match_kind() != dpb::MATCH_KIND_UNRESOLVED && r.match_kind() != dpb::MATCH_KIND_INVALID;
}

// A unit's name that leads to no unit today: it ended (Thanh tra Bộ, 2026-01-10) and
// no successor is known. A group may have no members ("các cơ quan có liên quan").
bool EndedWithoutSuccessor(const dpb::Resolution& r) {
  return Resolved(r) && r.group().empty() && r.units().empty();
}

// "A, B" or "A và B" when the whole is no unit: the parts, if there are several.
std::vector<std::string> SplitCompound(const std::string& name) {
  static const std::regex kSeparators("\\s*,\\s*|\\s+và\\s+");
  std::vector<std::string> parts;
  for (std::sregex_token_iterator it(name.begin(), name.end(), kSeparators, -1), end; it != end; ++it) {
    if (!it->str().empty()) parts.push_back(it->str());
  }
  return parts;
}

// Resolves every name, splitting compound cells ("Cục A, Cục B", "Vụ X và các đơn vị
// thuộc Bộ") when the whole is no unit but every part is.
class NameBook {
 public:
  absl::Status Load(const std::vector<std::string>& names, UnitResolver& resolver, const ResolutionDays& days,
                    const IncomingCall& call) {
    std::vector<std::string> unique;
    for (const auto& n : names) {
      if (!known_.contains(n)) {
        known_[n] = {};
        unique.push_back(n);
      }
    }
    absl::StatusOr<std::vector<dpb::Resolution>> first = resolver.Resolve(unique, days, call);
    if (!first.ok()) return first.status();
    std::vector<std::string> parts;
    for (size_t i = 0; i < unique.size(); ++i) {
      known_[unique[i]] = {(*first)[i]};
      if (!Resolved((*first)[i])) {
        for (const std::string& p : SplitCompound(unique[i])) parts.push_back(p);
      }
    }
    if (parts.empty()) return absl::OkStatus();
    absl::StatusOr<std::vector<dpb::Resolution>> second = resolver.Resolve(parts, days, call);
    if (!second.ok()) return second.status();
    absl::flat_hash_map<std::string, dpb::Resolution> by_part;
    for (size_t i = 0; i < parts.size(); ++i) by_part[parts[i]] = (*second)[i];
    for (const std::string& name : unique) {
      std::vector<std::string> split = SplitCompound(name);
      if (Resolved(known_[name].front()) || split.size() < 2) continue;
      std::vector<dpb::Resolution> resolved;
      for (const std::string& p : split) {
        if (!Resolved(by_part[p])) break;
        resolved.push_back(by_part[p]);
      }
      if (resolved.size() == split.size()) known_[name] = std::move(resolved);
    }
    return absl::OkStatus();
  }
  const std::vector<dpb::Resolution>& Get(const std::string& name) const { return known_.at(name); }
  // Whether a name, or every part of it, yields no unit that resolved.
  bool Unresolved(const std::string& name) const {
    const std::vector<dpb::Resolution>& parts = known_.at(name);
    return std::any_of(parts.begin(), parts.end(), [](const dpb::Resolution& r) { return !Resolved(r); });
  }
  // Asks `names` again on `days`, keeping what resolves then.
  absl::Status Retry(const std::vector<std::string>& names, UnitResolver& resolver, const ResolutionDays& days,
                     const IncomingCall& call) {
    if (names.empty()) return absl::OkStatus();
    NameBook again;
    RETURN_IF_ERROR(again.Load(names, resolver, days, call));
    for (const std::string& n : names) {
      if (!again.Unresolved(n)) known_[n] = again.Get(n);
    }
    return absl::OkStatus();
  }

 private:
  absl::flat_hash_map<std::string, std::vector<dpb::Resolution>> known_;
};

// What an import diagnostic says of a cell that yields no unit (of its parts, the
// first that yields none).
std::string WhyNoUnit(const std::vector<dpb::Resolution>& parts) {
  auto it = std::find_if(parts.begin(), parts.end(),
                         [](const dpb::Resolution& r) { return !Resolved(r) || EndedWithoutSuccessor(r); });
  const dpb::Resolution& r = it == parts.end() ? parts.front() : *it;
  if (EndedWithoutSuccessor(r)) {
    return absl::StrCat("names ", r.successor_chain().empty() ? "a unit" : r.successor_chain(0),
                        ", which ended with no successor recorded");
  }
  // Known, but not on the plan's date: a unit formed after it; the directory says when.
  if (!r.error().empty()) return absl::StrCat("is no unit on the plan's date: ", r.error());
  std::string out = "not found in the directory";
  if (!r.candidates().empty()) absl::StrAppend(&out, "; did you mean ", r.candidates(0).display_name(), "?");
  return out;
}

// The ended units `unit` carries on for the name `r` resolved: its own line of
// successors. A directory older than `Resolution.followed` gives only the whole walk
// (the successor chain, ending with the units of today), so every unit passed counts.
std::vector<std::string> TookOverFrom(const dpb::Resolution& r, const std::string& unit) {
  std::vector<std::string> from;
  if (r.followed_size() > 0) {
    for (const dpb::FollowedUnit& f : r.followed()) {
      if (f.unit() == unit) from.assign(f.predecessors().begin(), f.predecessors().end());
    }
    return from;
  }
  for (const std::string& before : r.successor_chain()) {
    if (std::find(r.units().begin(), r.units().end(), before) == r.units().end()) from.push_back(before);
  }
  return from;
}

void Diagnose(PlanDraft& d, int line, pb::ImportDiagnostic::Kind kind, std::string message, int task) {
  pb::ImportDiagnostic& diag = d.diagnostics.emplace_back();
  diag.set_line(line);
  diag.set_kind(kind);
  diag.set_message(std::move(message));
  diag.set_task_number(task);
}

// Appends the refs and unit rows of `texts`; returns the names left unresolved.
std::vector<std::string> AddUnits(const NameBook& book, UnitRole role, const std::vector<std::string>& texts,
                                  google::protobuf::RepeatedPtrField<pb::UnitRef>* refs, TaskDraft& draft) {
  std::vector<std::string> unresolved;
  // Parts of a cell may come to one unit (one merged into the other) or both end: the
  // cell then has that ref once, as a caller's list may (UpdateTask refuses repeats).
  std::set<std::pair<std::string, std::string>> added;
  auto add_ref = [&](const std::string& text, const std::string& unit, const dpb::Resolution& r) {
    pb::UnitRef* ref = nullptr;
    if (added.emplace(text, unit).second) {
      ref = refs->Add();
      ref->set_unit(unit);
      ref->set_text(text);
    } else {  // Another part of the cell came to this unit: what it passed through counts too.
      for (pb::UnitRef& existing : *refs) {
        if (existing.text() == text && existing.unit() == unit) ref = &existing;
      }
      if (ref == nullptr) return;
    }
    for (const std::string& before : TookOverFrom(r, unit)) {
      if (std::find(ref->followed_from().begin(), ref->followed_from().end(), before) == ref->followed_from().end()) {
        ref->add_followed_from(before);
      }
    }
  };
  for (const std::string& text : texts) {
    for (const dpb::Resolution& r : book.Get(text)) {
      if (!Resolved(r) || EndedWithoutSuccessor(r)) {
        if (added.emplace(text, "").second) {
          refs->Add()->set_text(text);
          unresolved.push_back(text);
        }
        continue;
      }
      if (!r.group().empty()) {
        add_ref(text, r.group(), dpb::Resolution());
        draft.units.emplace_back(role, r.group());
      }
      for (const std::string& unit : r.units()) {
        if (r.group().empty()) add_ref(text, unit, r);
        draft.units.emplace_back(role, unit);
      }
    }
  }
  return unresolved;
}

std::string DeterministicBytes(const google::protobuf::Message& m) {
  std::string bytes;
  google::protobuf::io::StringOutputStream out(&bytes);
  google::protobuf::io::CodedOutputStream coded(&out);
  coded.SetSerializationDeterministic(true);
  m.SerializeToCodedStream(&coded);
  return bytes;
}

}  // namespace

std::string PlanIdFor(absl::string_view decision_number, int year) {
  std::string id = absl::StrReplaceAll(text::Fold(decision_number), {{" ", "-"}});
  return absl::StrCat(id.substr(0, 50), "-", year);
}

absl::StatusOr<PlanDraft> DraftPlan(absl::string_view text, UnitResolver& resolver, absl::CivilDay today,
                                    const IncomingCall& call) {
  absl::StatusOr<ParsedPlan> parsed = ParsePlanDocument(text);
  if (!parsed.ok()) return parsed.status();
  PlanDraft d;
  d.plan = std::move(parsed->plan);
  d.plan_id = PlanIdFor(d.plan.decision_number(), d.plan.year());
  d.plan.set_name(absl::StrCat("plans/", d.plan_id));
  d.source_text = *text::NormalizeNfc(text, "text");  // Valid: the parser checked.
  d.source_sha256 = Sha256Hex(d.source_text);
  d.plan.set_source_sha256(d.source_sha256);
  d.diagnostics = std::move(parsed->diagnostics);

  std::vector<std::string> names;
  for (const ParsedTask& t : parsed->tasks) {
    names.insert(names.end(), t.lead_texts.begin(), t.lead_texts.end());
    names.insert(names.end(), t.coordinating_texts.begin(), t.coordinating_texts.end());
  }
  NameBook book;
  if (absl::Status s = book.Load(names, resolver, PlanResolutionDays(d.plan, today), call); !s.ok()) return s;

  for (const ParsedTask& parsed_task : parsed->tasks) {
    TaskDraft draft;
    draft.task = parsed_task.task;
    pb::Task& t = draft.task;
    t.set_name(absl::StrCat(d.plan.name(), "/tasks/", t.number()));
    for (int i = 0; i < t.targets_size(); ++i)
      t.mutable_targets(i)->set_name(absl::StrCat(t.name(), "/targets/", i + 1));
    std::vector<std::string> unresolved =
        AddUnits(book, UnitRole::kLead, parsed_task.lead_texts, t.mutable_lead_units(), draft);
    std::vector<std::string> more =
        AddUnits(book, UnitRole::kCoordinating, parsed_task.coordinating_texts, t.mutable_coordinating_units(), draft);
    unresolved.insert(unresolved.end(), more.begin(), more.end());
    for (const std::string& text : unresolved) {
      Diagnose(d, parsed_task.line, pb::ImportDiagnostic::KIND_UNRESOLVED_UNIT,
               absl::StrCat("task ", t.number(), ": unit \"", text, "\" ", WhyNoUnit(book.Get(text))), t.number());
    }
    CompleteDraft(draft, d.plan.year());
    d.tasks.push_back(std::move(draft));
  }
  return d;
}

absl::StatusOr<UnresolvedNames> ResolveTaskUnits(UnitResolver& resolver, const ResolutionDays& days,
                                                 const std::set<std::string>& typed, const IncomingCall& call,
                                                 const std::vector<std::string>& lead_texts,
                                                 const std::vector<std::string>& coordinating_texts, TaskDraft& draft) {
  std::vector<std::string> names = lead_texts;
  names.insert(names.end(), coordinating_texts.begin(), coordinating_texts.end());
  NameBook book;
  if (absl::Status s = book.Load(names, resolver, days, call); !s.ok()) return s;
  // A name no unit had on the plan's day may be one formed since, typed in this edit
  // or an earlier one (refs do not keep the day they were read on): read it as of
  // today.
  std::vector<std::string> unknown_then;
  for (const std::string& n : names) {
    if (book.Unresolved(n)) unknown_then.push_back(n);
  }
  RETURN_IF_ERROR(book.Retry(unknown_then, resolver, {days.follow_to, days.follow_to}, call));
  draft.units.clear();
  draft.task.clear_lead_units();
  draft.task.clear_coordinating_units();
  // A stored name of a unit that ended with no successor keeps its text, with no unit,
  // as the import left it; a name typed today must name a unit.
  auto unknown = [&](std::vector<std::string> texts) {
    texts.erase(std::remove_if(texts.begin(), texts.end(),
                               [&](const std::string& t) { return !typed.contains(t) && !book.Unresolved(t); }),
                texts.end());
    return texts;
  };
  UnresolvedNames out;
  out.lead = unknown(AddUnits(book, UnitRole::kLead, lead_texts, draft.task.mutable_lead_units(), draft));
  out.coordinating = unknown(
      AddUnits(book, UnitRole::kCoordinating, coordinating_texts, draft.task.mutable_coordinating_units(), draft));
  return out;
}

std::vector<std::string> CellTexts(const google::protobuf::RepeatedPtrField<pb::UnitRef>& refs) {
  std::vector<std::string> texts;
  for (const pb::UnitRef& ref : refs) {
    if (std::find(texts.begin(), texts.end(), ref.text()) == texts.end()) texts.push_back(ref.text());
  }
  return texts;
}

void ClearDerivedFields(pb::Task& t) {
  for (const char* derived : {"status", "percent_complete", "overdue", "etag", "update_time"}) {
    t.GetReflection()->ClearField(&t, t.GetDescriptor()->FindFieldByName(derived));
  }
}

void CompleteDraft(TaskDraft& draft, int plan_year) {
  pb::Task& t = draft.task;
  // Decree 39/2022: one accountable lead, the first named that is a unit (the first
  // of all when none is: a cell kept as text).
  for (auto& ref : *t.mutable_lead_units()) ref.set_primary(false);
  auto primary = std::find_if(t.mutable_lead_units()->begin(), t.mutable_lead_units()->end(),
                              [](const pb::UnitRef& ref) { return !ref.unit().empty(); });
  if (primary == t.mutable_lead_units()->end()) primary = t.mutable_lead_units()->begin();
  if (primary != t.mutable_lead_units()->end()) primary->set_primary(true);
  std::sort(draft.units.begin(), draft.units.end());
  draft.units.erase(std::unique(draft.units.begin(), draft.units.end()), draft.units.end());
  draft.occurrences.clear();
  for (absl::CivilDay due : OccurrenceDates(t.schedule(), plan_year)) draft.occurrences.emplace_back(0, due);
  for (const pb::SubActivity& a : t.sub_activities()) {
    for (absl::CivilDay due : OccurrenceDates(a.schedule(), plan_year))
      draft.occurrences.emplace_back(a.ordinal(), due);
  }
  draft.definition_hash = StableHashHex(DeterministicBytes(t));
  // What ListTasks.query searches: the title first (weighted above the rest, see
  // 007_task_search.sql), then the products, the note and the units as printed.
  std::vector<std::string> searchable = {text::Fold(t.title())};
  for (const auto& p : t.expected_products()) searchable.push_back(text::Fold(p));
  if (!t.note().empty()) searchable.push_back(text::Fold(t.note()));
  for (const auto* refs : {&t.lead_units(), &t.coordinating_units()}) {
    for (const pb::UnitRef& ref : *refs) searchable.push_back(text::Fold(ref.text()));
  }
  draft.search_text = absl::StrJoin(searchable, " | ");
}

}  // namespace p06::task
