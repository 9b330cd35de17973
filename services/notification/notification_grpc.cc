#include "services/notification/notification_grpc.h"

#include "common/grpc/serve.h"

namespace p06::notification {

// The access each RPC needs is stated in proto/p06/notification/v1/notification.proto;
// ListInbox, MarkRead and ListDeliveries check the caller's unit or role in the logic.

grpc::Status NotificationGrpc::ListRules(grpc::ServerContext* ctx, const pb::ListRulesRequest* request, pb::ListRulesResponse* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return service_.ListRules(*request); });
}

grpc::Status NotificationGrpc::GetRule(grpc::ServerContext* ctx, const pb::GetRuleRequest* request, pb::Rule* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return service_.GetRule(*request); });
}

grpc::Status NotificationGrpc::CreateRule(grpc::ServerContext* ctx, const pb::CreateRuleRequest* request, pb::Rule* response) {
  return ServeAs(*ctx, Access::kOffice, response, [&](const Principal& caller) { return service_.CreateRule(*request, caller); });
}

grpc::Status NotificationGrpc::UpdateRule(grpc::ServerContext* ctx, const pb::UpdateRuleRequest* request, pb::Rule* response) {
  return ServeAs(*ctx, Access::kOffice, response, [&](const Principal& caller) { return service_.UpdateRule(*request, caller); });
}

grpc::Status NotificationGrpc::GetCalendar(grpc::ServerContext* ctx, const pb::GetCalendarRequest* request, pb::Calendar* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return service_.GetCalendar(*request); });
}

grpc::Status NotificationGrpc::ListInbox(grpc::ServerContext* ctx, const pb::ListInboxRequest* request, pb::ListInboxResponse* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal& caller) { return service_.ListInbox(*request, caller); });
}

grpc::Status NotificationGrpc::MarkRead(grpc::ServerContext* ctx, const pb::MarkReadRequest* request, pb::Notification* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal& caller) { return service_.MarkRead(*request, caller); });
}

grpc::Status NotificationGrpc::ListDeliveries(grpc::ServerContext* ctx, const pb::ListDeliveriesRequest* request, pb::ListDeliveriesResponse* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal& caller) { return service_.ListDeliveries(*request, caller); });
}

grpc::Status NotificationGrpc::RetryDelivery(grpc::ServerContext* ctx, const pb::RetryDeliveryRequest* request, pb::Delivery* response) {
  return ServeAs(*ctx, Access::kOffice, response, [&](const Principal& caller) { return service_.RetryDelivery(*request, caller); });
}

grpc::Status NotificationGrpc::RotateWebhookSecret(grpc::ServerContext* ctx, const pb::RotateWebhookSecretRequest* request, pb::WebhookSecret* response) {
  return ServeAs(*ctx, Access::kOffice, response, [&](const Principal& caller) { return service_.RotateWebhookSecret(*request, caller); });
}

grpc::Status NotificationGrpc::ListNotices(grpc::ServerContext* ctx, const pb::ListNoticesRequest* request, pb::ListNoticesResponse* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return service_.ListNotices(*request); });
}

}  // namespace p06::notification
