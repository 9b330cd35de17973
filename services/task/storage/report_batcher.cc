#include "services/task/storage/report_batcher.h"

#include <algorithm>
#include <numeric>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/db/transaction.h"

namespace p06::task {
namespace {

// "SELECT i AS n, refusal, answer FROM report_progress($first, …)", each argument
// taken from its text as ReportArgs() says.
std::string CallSql(size_t index, size_t first_param) {
  std::string sql =
      absl::StrCat(index == 0 ? "" : " UNION ALL ", "SELECT ", index, " AS n, refusal, answer FROM report_progress(");
  size_t param = first_param;
  for (const ReportArg& arg : ReportArgs()) {
    absl::StrAppend(&sql, param == first_param ? "" : ", ",
                    absl::StrReplaceAll(arg.sql, {{"{}", absl::StrCat("$", param)}}));
    ++param;
  }
  return sql + ")";
}

}  // namespace

absl::StatusOr<ReportAnswer> ReportBatcher::Run(const ReportCall& call) {
  Waiter me{.call = &call};
  std::unique_lock lock(mu_);
  queue_.push_back(&me);
  while (!me.answer.has_value()) {
    if (writing_) {
      me.wake.wait(lock);  // Woken with an answer, or to write the next batch.
      continue;
    }
    writing_ = true;
    std::vector<Waiter*> batch;
    while (!queue_.empty() && batch.size() < max_batch_) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    lock.unlock();
    if (batch.size() > largest_batch_.load(std::memory_order_relaxed)) {
      largest_batch_.store(batch.size(), std::memory_order_relaxed);  // Only the writer stores.
    }
    std::vector<const ReportCall*> calls;
    for (Waiter* w : batch) calls.push_back(w->call);
    std::vector<absl::StatusOr<ReportAnswer>> answers = Write(calls);
    lock.lock();
    writing_ = false;
    // Wake each caller of the batch, and the first still waiting to write the next:
    // no herd of wake-ups for every batch.
    for (size_t i = 0; i < batch.size(); ++i) {
      batch[i]->answer = std::move(answers[i]);
      batch[i]->wake.notify_one();
    }
    if (!queue_.empty()) queue_.front()->wake.notify_one();
  }
  return *std::move(me.answer);
}

size_t ReportBatcher::Waiting() {
  std::lock_guard lock(mu_);
  return queue_.size();
}

std::vector<absl::StatusOr<ReportAnswer>> ReportBatcher::Write(const std::vector<const ReportCall*>& calls) {
  std::vector<size_t> order(calls.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return calls[a]->OrderKey() < calls[b]->OrderKey(); });
  std::vector<absl::StatusOr<ReportAnswer>> answers(calls.size(), absl::InternalError("no answer"));
  std::string sql;
  std::vector<std::string> params;
  for (size_t i = 0; i < order.size(); ++i) {
    absl::StrAppend(&sql, CallSql(i, params.size() + 1));
    for (const ReportArg& arg : ReportArgs()) params.push_back(arg.text(*calls[order[i]]));
  }
  absl::Status written = db::RunSingleWrite(pool_, "ReportProgress", [&](pqxx::nontransaction& tx) {
    for (const auto& row : tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params))) {
      ReportAnswer answer{.refusal = ParseReportRefusal(row[1].as<std::string>())};
      if (!row[2].is_null()) answer.response = pqxx::binarystring(row[2]).str();
      answers[order[row[0].as<size_t>()]] = std::move(answer);
    }
    return absl::OkStatus();
  });
  if (written.ok()) {
    if (batch_written_) batch_written_(calls.size());
    return answers;
  }
  if (calls.size() > 1 && written.code() != absl::StatusCode::kUnavailable) {
    for (size_t i = 0; i < calls.size(); ++i) answers[i] = std::move(Write({calls[i]})[0]);  // Only the bad one fails.
    return answers;
  }
  std::fill(answers.begin(), answers.end(), written);
  return answers;
}

}  // namespace p06::task
