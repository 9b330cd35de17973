#include "services/reporting/export/exporters.h"

namespace p06::reporting {

std::string OutcomeName(pb::Outcome outcome) {
  switch (outcome) {
    case pb::OUTCOME_COMPLETED_ON_TIME:
      return "Hoàn thành đúng hạn";
    case pb::OUTCOME_COMPLETED_LATE:
      return "Hoàn thành quá hạn";
    case pb::OUTCOME_IN_PROGRESS_WITHIN_DEADLINE:
      return "Đang thực hiện, trong hạn";
    case pb::OUTCOME_OVERDUE:
      return "Chưa hoàn thành, quá hạn";
    case pb::OUTCOME_NOT_YET_DUE:
      return "Chưa đến hạn";
    case pb::OUTCOME_AWAITING_TRIGGER:
      return "Chờ yêu cầu, sự kiện";
    case pb::OUTCOME_BLOCKED:
      return "Vướng mắc";
    case pb::OUTCOME_CANCELLED:
      return "Hủy bỏ";
    default:
      return "";
  }
}

std::string StatusName(p06::task::v1::TaskStatus s) {
  switch (s) {
    case p06::task::v1::TASK_STATUS_IN_PROGRESS:
      return "Đang thực hiện";
    case p06::task::v1::TASK_STATUS_COMPLETED:
      return "Hoàn thành";
    case p06::task::v1::TASK_STATUS_BLOCKED:
      return "Vướng mắc";
    case p06::task::v1::TASK_STATUS_CANCELLED:
      return "Hủy bỏ";
    default:
      return "Chưa triển khai";
  }
}

}  // namespace p06::reporting
