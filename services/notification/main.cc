// The notification service binary. See README.md for flags and ports.
#include "absl/flags/flag.h"
#include "absl/strings/str_split.h"
#include "common/server/run_service.h"
#include "services/notification/notification_bundle.h"

ABSL_FLAG(std::string, task_target, "127.0.0.1:7102", "host:port of the task service, whose events it follows.");
ABSL_FLAG(std::string, directory_target, "127.0.0.1:7101", "host:port of the directory, for recipients.");
ABSL_FLAG(std::string, smtp_url, "smtp://127.0.0.1:2525", "SMTP server (smtp:// uses STARTTLS when offered).");
ABSL_FLAG(std::string, smtp_from, "p06-notification@moj.gov.vn", "Sender address of e-mails.");
ABSL_FLAG(std::string, smtp_username, "", "SMTP AUTH user; empty: no AUTH.");
ABSL_FLAG(std::string, smtp_password, "", "SMTP AUTH password.");
ABSL_FLAG(std::string, webhook_allowed_hosts, "",
          "Comma-separated hosts or IPs a webhook may target although loopback or private (e.g. 127.0.0.1).");
ABSL_FLAG(int, office_open_minutes, 7 * 60 + 30, "Delivery window opens, minutes after midnight in Hà Nội.");
ABSL_FLAG(int, office_close_minutes, 17 * 60, "Delivery window closes, minutes after midnight in Hà Nội.");
ABSL_FLAG(bool, office_every_day, false,
          "Test rigs and drills only: open the delivery window on days off too (quiet hours still hold).");
ABSL_FLAG(int, delivery_budget, 8, "Attempts per delivery before it is FAILED.");
ABSL_FLAG(int, retry_min_backoff_ms, 30000, "First retry after about this long (doubling, with jitter).");
ABSL_FLAG(int, delivery_senders, 8, "Sender threads.");
ABSL_FLAG(int, delivery_lease_seconds, 300,
          "A claimed delivery is another worker's after this long (longer than any send's timeout).");
ABSL_FLAG(int, endpoint_pause_after, 5, "Consecutive failures that pause an endpoint.");
ABSL_FLAG(int, endpoint_pause_seconds, 300, "How long a failing endpoint is paused.");
ABSL_FLAG(int, per_endpoint_concurrency, 4, "Sends in flight to one address at most.");

int main(int argc, char** argv) {
  return p06::RunServiceMain(
      argc, argv,
      {.defaults = {"notification", 7104, 9104},
       .migrations = NotificationMigrations(),
       .make_bundle = [](p06::ServiceContext& ctx) -> absl::StatusOr<std::unique_ptr<p06::ServiceBundle>> {
         p06::notification::NotificationOptions options;
         options.task_target = absl::GetFlag(FLAGS_task_target);
         options.directory_target = absl::GetFlag(FLAGS_directory_target);
         options.smtp.url = absl::GetFlag(FLAGS_smtp_url);
         options.smtp.from = absl::GetFlag(FLAGS_smtp_from);
         options.smtp.username = absl::GetFlag(FLAGS_smtp_username);
         options.smtp.password = absl::GetFlag(FLAGS_smtp_password);
         for (absl::string_view h : absl::StrSplit(absl::GetFlag(FLAGS_webhook_allowed_hosts), ',', absl::SkipEmpty())) {
           options.webhook_allowed_hosts.insert(std::string(h));
         }
         options.dispatch.window.open = absl::Minutes(absl::GetFlag(FLAGS_office_open_minutes));
         options.dispatch.window.close = absl::Minutes(absl::GetFlag(FLAGS_office_close_minutes));
         options.dispatch.window.every_day = absl::GetFlag(FLAGS_office_every_day);
         options.dispatch.budget = absl::GetFlag(FLAGS_delivery_budget);
         options.dispatch.min_backoff = absl::Milliseconds(absl::GetFlag(FLAGS_retry_min_backoff_ms));
         options.dispatch.senders = absl::GetFlag(FLAGS_delivery_senders);
         options.dispatch.lease = absl::Seconds(absl::GetFlag(FLAGS_delivery_lease_seconds));
         options.dispatch.pause_after_failures = absl::GetFlag(FLAGS_endpoint_pause_after);
         options.dispatch.pause_for = absl::Seconds(absl::GetFlag(FLAGS_endpoint_pause_seconds));
         options.dispatch.per_endpoint = absl::GetFlag(FLAGS_per_endpoint_concurrency);
         auto bundle = p06::notification::NotificationBundle::Create(ctx, options);
         if (!bundle.ok()) return bundle.status();
         return std::unique_ptr<p06::ServiceBundle>(std::move(*bundle));
       }});
}
