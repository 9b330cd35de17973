#include "services/notification/planning/occurrence_facts.h"

#include "common/grpc/proto_time.h"

namespace p06::notification {

std::vector<OccurrenceFacts> FactsOf(const tpb::Task& task,
                                     const google::protobuf::RepeatedPtrField<tpb::Occurrence>& occurrences) {
  OccurrenceFacts base;
  base.task = task.name();
  base.plan = task.name().substr(0, task.name().find("/tasks/"));
  base.title = task.title();
  base.section_ordinal = task.section_ordinal();
  base.schedule_kind = task.schedule().kind();
  for (const tpb::UnitRef& u : task.lead_units()) {
    if (!u.unit().empty()) base.lead_units.push_back(u.unit());
  }
  for (const tpb::UnitRef& u : task.coordinating_units()) {
    if (!u.unit().empty()) base.coordinating_units.push_back(u.unit());
  }
  std::vector<OccurrenceFacts> facts;
  facts.reserve(occurrences.size());
  for (const tpb::Occurrence& o : occurrences) {
    OccurrenceFacts& f = facts.emplace_back(base);
    f.name = o.name();
    f.due = CivilDayOf(o.due_date());
    f.status = o.status();
  }
  return facts;
}

}  // namespace p06::notification
