// ReportingStore on PostgreSQL (schema "reporting", see ../schema/).
#pragma once

#include "common/db/pool.h"
#include "services/reporting/storage/reporting_store.h"

namespace p06::reporting {

class PgReportingStore final : public ReportingStore {
 public:
  explicit PgReportingStore(db::Pool& pool) : pool_(pool) {}

  absl::StatusOr<ConsumerState> State() override;
  absl::Status Apply(const std::string& expected_cursor, const std::vector<tpb::Event>& events,
                     bool caught_up, absl::Time now) override;
  absl::Status Skip(const std::string& expected_cursor, const tpb::Event& event, const std::string& error,
                    absl::Time now) override;
  absl::Status Rebuild(const std::string& expected_cursor, const std::vector<tpb::Event>& current) override;
  absl::StatusOr<LoadedPlan> LoadPlan(const std::string& plan_id) override;
  absl::StatusOr<pb::Report> SaveReport(const std::string& plan_id, const pb::CreateReportRequest& request,
                                        const std::string& caller, const ReportFn& build) override;
  absl::StatusOr<pb::Report> GetReport(int64_t id) override;
  absl::StatusOr<std::vector<pb::Report>> ListReports(const std::string& plan_id, int64_t before_id,
                                                      int limit) override;

 private:
  db::Pool& pool_;
};

}  // namespace p06::reporting
