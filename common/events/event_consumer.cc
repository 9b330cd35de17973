#include "common/events/event_consumer.h"

#include <grpcpp/client_context.h>

#include <map>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/grpc/client.h"
#include "common/grpc/principal.h"
#include "common/grpc/status_mapping.h"
#include "common/log/log.h"

namespace p06::events {
namespace {

constexpr absl::Duration kMinBackoff = absl::Milliseconds(200);
constexpr absl::Duration kMaxBackoff = absl::Seconds(30);
constexpr absl::Duration kListTimeout = absl::Seconds(30);

// Calls a List RPC of the task service page by page from `request`'s first, as
// `service`, handing each page to `take`.
template <typename Req, typename Resp, typename Take>
absl::Status EveryPage(tpb::TaskService::Stub& stub, const std::string& service,
                       grpc::Status (tpb::TaskService::Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                       Req request, const std::function<bool()>& stopping, Take&& take) {
  do {
    if (stopping()) return absl::CancelledError("stopping");
    grpc::ClientContext ctx;
    PrepareClientContext(ctx, kListTimeout, service + "-rebuild");
    AttachPrincipal(ctx, ServicePrincipal(service));
    Resp page;
    if (grpc::Status s = (stub.*method)(&ctx, request, &page); !s.ok()) return FromGrpcStatus(s);
    RETURN_IF_ERROR(take(page));
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return absl::OkStatus();
}

// The database refused the data itself (a value out of range, a constraint): the same
// batch would fail the same way for ever. Anything else (a lost connection, a
// timeout, an internal error) is retried, never skipped: skipping loses the event's
// effect, so only what cannot succeed is set aside.
bool IsPoison(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kOutOfRange:
      return true;
    default:
      return false;
  }
}

}  // namespace

ConsumerMetrics ConsumerMetrics::Register(prometheus::Registry& registry, const std::string& service) {
  auto counter = [&](const std::string& name, const std::string& help) -> prometheus::Counter& {
    return prometheus::BuildCounter().Name(service + name).Help(help).Register(registry).Add({});
  };
  auto gauge = [&](const std::string& name, const std::string& help) -> prometheus::Gauge& {
    return prometheus::BuildGauge().Name(service + name).Help(help).Register(registry).Add({});
  };
  return ConsumerMetrics{
      .events_applied = counter("_events_applied_total", "Task events applied to the service's own state."),
      .lag_seconds = gauge("_event_lag_seconds",
                           "Seconds since the service last held every committed task event; 0 while it does."),
      .lag_events = gauge("_event_lag_events",
                          "Task events committed that the service has not applied, as last counted."),
      .caught_up = gauge("_event_stream_caught_up",
                         "1 while the event stream is open and every committed task event is applied."),
      .reconnects = counter("_event_stream_reconnects_total",
                            "Times the event stream was opened again after it ended or failed."),
      .rebuilds = counter("_read_model_rebuilds_total", "Rebuilds from the task service's List RPCs after OUT_OF_RANGE."),
      .events_skipped = counter("_events_skipped_total", "Task events the service could not apply, kept in skipped_events."),
  };
}

EventConsumer::EventConsumer(EventSink& sink, std::shared_ptr<grpc::Channel> task_channel, const Clock& clock,
                             ConsumerMetrics& metrics, std::string service)
    : sink_(sink),
      tasks_(tpb::TaskService::NewStub(std::move(task_channel))),
      clock_(clock),
      metrics_(metrics),
      service_(std::move(service)) {}

EventConsumer::~EventConsumer() { Stop(); }

void EventConsumer::Start() { thread_ = std::thread([this] { Run(); }); }

void EventConsumer::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    if (ctx_) ctx_->TryCancel();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::optional<absl::Time> EventConsumer::CompleteAsOf() {
  if (live_.load()) return clock_.Now();
  absl::StatusOr<ConsumerState> state = sink_.State();
  if (!state.ok() || !state->caught_up_time) return std::nullopt;
  return state->caught_up_time;
}

ConsumerLag EventConsumer::Lag() {
  ConsumerLag lag;
  absl::StatusOr<ConsumerState> state = sink_.State();
  if (!state.ok()) return lag;
  lag.cursor = state->cursor;
  lag.events_applied = state->events_applied;
  lag.caught_up = live_.load();
  if (const int64_t behind = behind_.load(); behind >= 0) lag.events_behind = lag.caught_up ? 0 : behind;
  lag.last_commit_time = state->last_commit_time;
  if (!lag.caught_up) lag.seconds_behind = SecondsSince(state->caught_up_time);
  return lag;
}

double EventConsumer::SecondsSince(const std::optional<absl::Time>& complete_at) const {
  return complete_at ? absl::ToDoubleSeconds(clock_.Now() - *complete_at) : 0;
}

void EventConsumer::Backoff(absl::Duration* delay) {
  static thread_local absl::BitGen random;
  const absl::Duration wait = *delay * absl::Uniform(random, 0.5, 1.0);  // Jitter: replicas do not retry in step.
  *delay = std::min(*delay * 2, kMaxBackoff);
  std::unique_lock lock(mu_);
  wake_.wait_for(lock, absl::ToChronoNanoseconds(wait), [&] { return stopping_; });
}

void EventConsumer::Run() {
  absl::Duration delay = kMinBackoff;
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    absl::Status ended = Follow();
    live_.store(false);
    metrics_.caught_up.Set(0);
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    metrics_.reconnects.Increment();
    if (ended.code() == absl::StatusCode::kOutOfRange) {
      log::Warning("event cursor behind the task service's retention; rebuilding from the List RPCs",
                   {{"error", ended.ToString()}});
      metrics_.rebuilds.Increment();
      if (absl::Status rebuilt = Rebuild(); rebuilt.ok()) {
        delay = kMinBackoff;
        continue;  // Replay what is retained at once.
      } else {
        ended = rebuilt;
      }
    }
    metrics_.lag_seconds.Set(Lag().seconds_behind);
    if (ended.ok()) delay = kMinBackoff;  // A stream that worked and ended (a drain): reconnect soon.
    log::Info("event stream ended; reconnecting", {{"error", ended.ToString()}});
    Backoff(&delay);
  }
}

absl::Status EventConsumer::Follow() {
  absl::StatusOr<ConsumerState> state = sink_.State();
  if (!state.ok()) return state.status();
  std::string cursor = state->cursor;
  std::optional<absl::Time> complete_at = state->caught_up_time;  // Kept here: no read per batch.
  auto ctx = std::make_shared<grpc::ClientContext>();
  AttachPrincipal(*ctx, ServicePrincipal(service_));
  {
    std::lock_guard lock(mu_);
    if (stopping_) return absl::CancelledError("stopping");
    ctx_ = ctx;
  }
  tpb::WatchEventsRequest request;
  request.set_after(cursor);
  std::unique_ptr<grpc::ClientReader<tpb::WatchEventsResponse>> reader = tasks_->WatchEvents(ctx.get(), request);
  tpb::WatchEventsResponse batch;
  absl::Status applied = absl::OkStatus();
  while (reader->Read(&batch)) {
    std::vector<tpb::Event> events(batch.events().begin(), batch.events().end());
    const absl::Time now = clock_.Now();
    applied = sink_.Apply(cursor, events, batch.caught_up(), now);
    if (IsPoison(applied)) applied = ApplyAroundPoison(cursor, events, batch.caught_up());
    if (!applied.ok()) {
      ctx->TryCancel();
      break;
    }
    if (!events.empty()) {
      cursor = events.back().cursor();
      metrics_.events_applied.Increment(static_cast<double>(events.size()));
    }
    live_.store(batch.caught_up());
    if (batch.caught_up()) {
      complete_at = now;
      behind_.store(0);
    } else if (batch.has_events_behind()) {
      behind_.store(batch.events_behind());
    } else if (int64_t b = behind_.load(); b > 0) {
      behind_.store(std::max<int64_t>(0, b - static_cast<int64_t>(events.size())));
    }
    metrics_.lag_events.Set(static_cast<double>(std::max<int64_t>(0, behind_.load())));
    metrics_.lag_seconds.Set(batch.caught_up() ? 0 : SecondsSince(complete_at));
    metrics_.caught_up.Set(batch.caught_up() ? 1 : 0);
  }
  grpc::Status finished = reader->Finish();
  {
    std::lock_guard lock(mu_);
    ctx_.reset();
  }
  if (!applied.ok()) return applied;
  return FromGrpcStatus(finished);
}

absl::Status EventConsumer::ApplyAroundPoison(const std::string& cursor, const std::vector<tpb::Event>& events,
                                              bool caught_up) {
  std::string at = cursor;
  for (size_t i = 0; i < events.size(); ++i) {
    const bool last = i + 1 == events.size();
    absl::Status one = sink_.Apply(at, {events[i]}, last && caught_up, clock_.Now());
    if (IsPoison(one)) {
      log::Error("event skipped: it cannot be applied; it is kept in skipped_events",
                 {{"cursor", events[i].cursor()}, {"resource", events[i].resource()}, {"error", one.ToString()}});
      one = sink_.Skip(at, events[i], one.ToString(), clock_.Now());
      if (one.ok()) metrics_.events_skipped.Increment();
    }
    if (!one.ok()) return one;
    at = events[i].cursor();
  }
  return absl::OkStatus();
}

absl::Status EventConsumer::Rebuild() {
  absl::StatusOr<ConsumerState> state = sink_.State();
  if (!state.ok()) return state.status();
  auto stopping = [this] {
    std::lock_guard lock(mu_);
    return stopping_;
  };
  // The current state as the List RPCs tell it, as synthetic events, stored in one
  // transaction with the cursor moved back to the start (the retained events replay
  // after it).
  std::vector<tpb::Event> events;
  tpb::ListPlansRequest plans;
  plans.set_page_size(100);
  RETURN_IF_ERROR(EveryPage(*tasks_, service_, &tpb::TaskService::Stub::ListPlans, plans, stopping,
                            [&](const tpb::ListPlansResponse& page) -> absl::Status {
    for (const tpb::Plan& plan : page.plans()) {
      tpb::Event& e = events.emplace_back();
      e.set_kind(tpb::Event::KIND_PLAN_IMPORTED);
      e.set_resource(plan.name());
      *e.mutable_plan() = plan;
      // The plan's occurrences in one listing, then its tasks, each with its own.
      std::map<std::string, std::vector<tpb::Occurrence>> by_task;
      tpb::ListOccurrencesRequest occurrences;
      occurrences.set_parent(plan.name());
      occurrences.set_page_size(1000);
      RETURN_IF_ERROR(EveryPage(*tasks_, service_, &tpb::TaskService::Stub::ListOccurrences, occurrences, stopping,
                                [&](const tpb::ListOccurrencesResponse& o) {
        for (const tpb::Occurrence& occurrence : o.occurrences()) {
          by_task[occurrence.name().substr(0, occurrence.name().find("/occurrences/"))].push_back(occurrence);
        }
        return absl::OkStatus();
      }));
      tpb::ListTasksRequest tasks;
      tasks.set_parent(plan.name());
      tasks.set_page_size(500);
      RETURN_IF_ERROR(EveryPage(*tasks_, service_, &tpb::TaskService::Stub::ListTasks, tasks, stopping,
                                [&](const tpb::ListTasksResponse& t) {
        for (const tpb::Task& task : t.tasks()) {
          tpb::Event& te = events.emplace_back();
          te.set_kind(tpb::Event::KIND_TASK_CHANGED);
          te.set_resource(task.name());
          *te.mutable_task() = task;
          for (tpb::Occurrence& o : by_task[task.name()]) *te.add_occurrences() = std::move(o);
        }
        return absl::OkStatus();
      }));
    }
    return absl::OkStatus();
  }));
  return sink_.Rebuild(state->cursor, events);
}

}  // namespace p06::events
