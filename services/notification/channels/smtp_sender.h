// Sends a notification as e-mail over SMTP with libcurl (STARTTLS when the server
// offers it, CURLUSESSL_TRY), as a MIME message in UTF-8: Subject encoded per RFC 2047
// (base64 "=?UTF-8?B?…?=" words, folded so no line exceeds 76 characters), From, To,
// Date (RFC 5322), Message-ID "<{message.id}@{message_id_domain}>", MIME-Version 1.0,
// Content-Type text/plain; charset=UTF-8, Content-Transfer-Encoding base64 (lines of
// 76). A 2xx/3xx SMTP answer is delivered; a refused recipient (5xx) or a connection
// failure is an error to retry.
#pragma once

#include <string>

#include "common/base/clock.h"
#include "services/notification/channels/address_policy.h"
#include "services/notification/channels/channel.h"

namespace p06::notification {

struct SmtpOptions {
  std::string url = "smtp://127.0.0.1:2525";  // smtp:// or smtps://
  std::string from = "p06-notification@moj.gov.vn";
  std::string username, password;             // Empty: no AUTH.
  std::string message_id_domain = "p06.moj.gov.vn";
  absl::Duration timeout = absl::Seconds(20);
};

// The whole message (headers and body, CRLF line ends), as sent; pure, for tests.
std::string ComposeMime(const SmtpOptions& options, const OutgoingMessage& message, absl::Time now);
// RFC 2047 encoded-words for a header value (ASCII without specials passes as is).
std::string EncodeHeaderWord(absl::string_view utf8);

class SmtpSender final : public Sender {
 public:
  SmtpSender(SmtpOptions options, const Clock& clock) : options_(std::move(options)), clock_(clock) {}
  SendResult Send(const OutgoingMessage& message) override;

 private:
  SmtpOptions options_;
  const Clock& clock_;
};

}  // namespace p06::notification
