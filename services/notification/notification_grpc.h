// The gRPC adapter of the notification service: each handler checks the caller's
// access and hands the request to the logic (common/grpc/serve.h), nothing else.
#pragma once

#include "p06/notification/v1/notification.grpc.pb.h"
#include "services/notification/notification_service.h"

namespace p06::notification {

class NotificationGrpc final : public pb::NotificationService::Service {
 public:
  explicit NotificationGrpc(NotificationService& service) : service_(service) {}

  grpc::Status ListRules(grpc::ServerContext*, const pb::ListRulesRequest*, pb::ListRulesResponse*) override;
  grpc::Status GetRule(grpc::ServerContext*, const pb::GetRuleRequest*, pb::Rule*) override;
  grpc::Status CreateRule(grpc::ServerContext*, const pb::CreateRuleRequest*, pb::Rule*) override;
  grpc::Status UpdateRule(grpc::ServerContext*, const pb::UpdateRuleRequest*, pb::Rule*) override;
  grpc::Status GetCalendar(grpc::ServerContext*, const pb::GetCalendarRequest*, pb::Calendar*) override;
  grpc::Status ListInbox(grpc::ServerContext*, const pb::ListInboxRequest*, pb::ListInboxResponse*) override;
  grpc::Status MarkRead(grpc::ServerContext*, const pb::MarkReadRequest*, pb::Notification*) override;
  grpc::Status ListDeliveries(grpc::ServerContext*, const pb::ListDeliveriesRequest*,
                              pb::ListDeliveriesResponse*) override;
  grpc::Status RetryDelivery(grpc::ServerContext*, const pb::RetryDeliveryRequest*, pb::Delivery*) override;
  grpc::Status RotateWebhookSecret(grpc::ServerContext*, const pb::RotateWebhookSecretRequest*,
                                   pb::WebhookSecret*) override;
  grpc::Status ListNotices(grpc::ServerContext*, const pb::ListNoticesRequest*, pb::ListNoticesResponse*) override;

 private:
  NotificationService& service_;
};

}  // namespace p06::notification
