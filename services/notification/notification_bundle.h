// The notification service's object graph, built the same way by main.cc and by the
// tests: store → event consumer; directory client, senders → dispatcher; logic →
// gRPC adapter.
#pragma once

#include <memory>
#include <set>

#include "common/events/event_consumer.h"
#include "common/server/run_service.h"
#include "services/notification/channels/address_policy.h"
#include "services/notification/channels/smtp_sender.h"
#include "services/notification/channels/webhook_sender.h"
#include "services/notification/delivery/dispatcher.h"
#include "services/notification/delivery/recipients.h"
#include "services/notification/notification_grpc.h"
#include "services/notification/notification_metrics.h"
#include "services/notification/notification_service.h"
#include "services/notification/storage/pg_notification_store.h"

std::span<const p06::db::Migration> NotificationMigrations();

namespace p06::notification {

// The service's own settings, beside the common ServerConfig; main.cc reads them
// from flags, the tests set them directly.
struct NotificationOptions {
  std::string task_target = "127.0.0.1:7102";       // Whose events it follows.
  std::string directory_target = "127.0.0.1:7101";  // Where recipients come from.
  SmtpOptions smtp;
  std::set<std::string> webhook_allowed_hosts;      // Pass the address policy (e.g. 127.0.0.1 in tests).
  DispatcherOptions dispatch;
  bool start_dispatcher = true;                     // Tests on a fake clock drive Drain() instead.

  // INVALID_ARGUMENT naming the first bad setting.
  absl::Status Validate() const;
};

class NotificationBundle final : public ServiceBundle {
 public:
  // Validates `options`, plans every open occurrence again (the calendar or the
  // rules may have changed since the last run), and starts following events and
  // dispatching (in the background: it starts while the others are down).
  static absl::StatusOr<std::unique_ptr<NotificationBundle>> Create(ServiceContext& ctx,
                                                                    const NotificationOptions& options);
  std::vector<NamedService> GrpcServices() override;
  void PrepareForShutdown() override;
  events::EventConsumer& consumer() { return consumer_; }
  Dispatcher& dispatcher() { return dispatcher_; }
  NotificationStore& store() { return store_; }

 private:
  NotificationBundle(ServiceContext& ctx, const NotificationOptions& options);

  NotificationOptions options_;
  NotificationMetrics metrics_;  // Before the others: they report to it.
  PgNotificationStore store_;
  events::EventConsumer consumer_;
  AddressPolicy policy_;
  DirectoryRecipients recipients_;
  WebhookSender webhook_;
  SmtpSender email_;
  Dispatcher dispatcher_;
  NotificationService service_;
  NotificationGrpc grpc_;
};

}  // namespace p06::notification
