#include "services/task/task_limits.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/grpc/status_mapping.h"

namespace p06::task {
namespace {

absl::Status CheckBytes(const std::string& text, size_t max, absl::string_view field) {
  if (text.size() <= max) return absl::OkStatus();
  return InvalidField(field, absl::StrCat("longer than ", max, " bytes (", text.size(), ")"));
}

template <typename Repeated>
absl::Status CheckCount(const Repeated& items, int max, absl::string_view field) {
  if (items.size() <= max) return absl::OkStatus();
  return InvalidField(field, absl::StrCat("at most ", max, " (", items.size(), " given)"));
}

absl::Status CheckSchedule(const pb::Schedule& s, const std::string& field) {
  RETURN_IF_ERROR(CheckBytes(s.phrase(), kMaxShortTextBytes, field + ".phrase"));
  RETURN_IF_ERROR(CheckBytes(s.trigger(), kMaxShortTextBytes, field + ".trigger"));
  return CheckCount(s.months(), 12, field + ".months");
}

}  // namespace

absl::Status CheckTaskLimits(const pb::Task& t, absl::string_view prefix) {
  const std::string p(prefix);
  RETURN_IF_ERROR(CheckBytes(t.title(), kMaxTitleBytes, p + "title"));
  RETURN_IF_ERROR(CheckBytes(t.note(), kMaxTitleBytes, p + "note"));
  RETURN_IF_ERROR(CheckBytes(t.funding_source(), kMaxShortTextBytes, p + "funding_source"));
  RETURN_IF_ERROR(CheckSchedule(t.schedule(), p + "schedule"));
  RETURN_IF_ERROR(CheckCount(t.expected_products(), kMaxProducts, p + "expected_products"));
  for (int i = 0; i < t.expected_products_size(); ++i) {
    RETURN_IF_ERROR(
        CheckBytes(t.expected_products(i), kMaxProductBytes, absl::StrCat(p, "expected_products[", i, "]")));
  }
  for (auto [refs, field] : {std::pair{&t.lead_units(), "lead_units"}, std::pair{&t.coordinating_units(),
                                                                                  "coordinating_units"}}) {
    RETURN_IF_ERROR(CheckCount(*refs, kMaxUnitRefs, p + field));
    for (int i = 0; i < refs->size(); ++i) {
      RETURN_IF_ERROR(CheckBytes(refs->Get(i).text(), kMaxNameBytes, absl::StrCat(p, field, "[", i, "].text")));
    }
  }
  RETURN_IF_ERROR(CheckCount(t.sub_activities(), kMaxSubRows, p + "sub_activities"));
  for (int i = 0; i < t.sub_activities_size(); ++i) {
    const std::string f = absl::StrCat(p, "sub_activities[", i, "]");
    RETURN_IF_ERROR(CheckBytes(t.sub_activities(i).title(), kMaxTitleBytes, f + ".title"));
    RETURN_IF_ERROR(CheckSchedule(t.sub_activities(i).schedule(), f + ".schedule"));
  }
  RETURN_IF_ERROR(CheckCount(t.targets(), kMaxSubRows, p + "targets"));
  for (int i = 0; i < t.targets_size(); ++i) {
    const std::string f = absl::StrCat(p, "targets[", i, "]");
    RETURN_IF_ERROR(CheckBytes(t.targets(i).text(), kMaxTitleBytes, f + ".text"));
    RETURN_IF_ERROR(CheckCount(t.targets(i).level_targets(), 10, f + ".level_targets"));
  }
  return absl::OkStatus();
}

absl::Status CheckPlanLimits(const pb::Plan& plan, absl::string_view prefix) {
  const std::string p(prefix);
  RETURN_IF_ERROR(CheckBytes(plan.title(), kMaxTitleBytes, p + "title"));
  RETURN_IF_ERROR(CheckBytes(plan.decision_number(), 100, p + "decision_number"));
  for (auto [text, field] : {std::pair{&plan.issuer(), "issuer"}, std::pair{&plan.signer(), "signer"},
                             std::pair{&plan.signer_title(), "signer_title"}}) {
    RETURN_IF_ERROR(CheckBytes(*text, kMaxNameBytes, p + field));
  }
  RETURN_IF_ERROR(CheckCount(plan.sections(), kMaxSections, p + "sections"));
  for (int i = 0; i < plan.sections_size(); ++i) {
    RETURN_IF_ERROR(CheckBytes(plan.sections(i).title(), kMaxTitleBytes, absl::StrCat(p, "sections[", i, "].title")));
  }
  RETURN_IF_ERROR(CheckCount(plan.narrative(), kMaxSections, p + "narrative"));
  size_t narrative = 0;
  for (const pb::NarrativeSection& n : plan.narrative()) narrative += n.heading().size() + n.text().size();
  if (narrative > kMaxNarrativeBytes) {
    return InvalidField(p + "narrative", absl::StrCat("longer than ", kMaxNarrativeBytes, " bytes in all"));
  }
  return absl::OkStatus();
}

}  // namespace p06::task
