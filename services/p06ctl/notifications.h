// p06ctl's commands for the notification service: calendar, rules, inbox,
// deliveries, retry, secret.
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "services/p06ctl/call.h"

namespace p06::ctl {

// Working days and days off between two dates (yyyy-mm-dd).
int ShowCalendar(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options, const std::string& start,
                 const std::string& end);
// Every rule, one a line.
int ListRules(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options);
// A unit's inbox, newest first (up to 50).
int ListInbox(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options, const std::string& unit,
              bool unread_only);
// The delivery log, newest first (up to 100), of a state (PENDING, DELIVERED, FAILED; empty: all).
int ListDeliveries(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options,
                   const std::string& state);
// Sends deliveries/{id} again with a fresh budget.
int RetryDelivery(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options, const std::string& name,
                  const std::string& request_id);
// A new signing secret for a webhook URL (printed once).
int RotateSecret(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options, const std::string& url,
                 const std::string& request_id);

}  // namespace p06::ctl
