#include "services/notification/channels/webhook_sender.h"


#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/notification/channels/curl_easy.h"
#include "services/notification/channels/webhook_signature.h"

namespace p06::notification {
namespace {

constexpr size_t kAnswerPrefixBytes = 200;




// Keeps the first bytes of the answer for the error message and reads (and drops)
// the rest, so the connection ends cleanly.
size_t KeepPrefix(char* data, size_t size, size_t count, void* user) {
  auto* prefix = static_cast<std::string*>(user);
  const size_t bytes = size * count;
  if (prefix->size() < kAnswerPrefixBytes) prefix->append(data, std::min(bytes, kAnswerPrefixBytes - prefix->size()));
  return bytes;
}

// The answer's prefix as one printable line: it ends up in a status message and a log.
// CURLOPT_OPENSOCKETFUNCTION: opens the socket only to an address the policy allows.
struct ConnectCheck {
  const AddressPolicy* policy;
  std::string url;
  absl::Status refused = absl::OkStatus();
};

curl_socket_t OpenCheckedSocket(void* data, curlsocktype purpose, curl_sockaddr* address) {
  auto* check = static_cast<ConnectCheck*>(data);
  if (absl::Status s = check->policy->CheckConnectAddress(&address->addr, check->url); !s.ok()) {
    check->refused = s;
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

std::string Printable(std::string text) {
  for (char& c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  // Drop a UTF-8 sequence cut off by the 200-byte limit.
  size_t end = text.size();
  size_t back = 0;
  while (back < 4 && back < end && (static_cast<unsigned char>(text[end - 1 - back]) & 0xC0) == 0x80) ++back;
  if (back < end && back < 4) {
    const auto lead = static_cast<unsigned char>(text[end - 1 - back]);
    const size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (need > back + 1) end -= back + 1;
  }
  text.resize(end);
  return text;
}

bool HasControlChar(absl::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return true;
  }
  return false;
}

}  // namespace

WebhookSender::WebhookSender(const AddressPolicy& policy, SecretsFor secrets, const Clock& clock,
                             absl::Duration timeout)
    : policy_(policy), secrets_(std::move(secrets)), clock_(clock), timeout_(timeout) {
  curl::Init();
}

SendResult WebhookSender::Send(const OutgoingMessage& message) {
  if (absl::Status target = policy_.CheckUrlTarget(message.address); !target.ok()) {
    const bool refused = absl::IsPermissionDenied(target) || absl::IsInvalidArgument(target);
    return {std::move(target), refused};
  }
  // The id goes into a header line as is; a line break in it would add headers.
  if (message.id.empty() || HasControlChar(message.id)) {
    return {absl::InvalidArgumentError("webhook message id must be non-empty, without control characters"), true};
  }
  absl::StatusOr<std::vector<std::string>> secrets = secrets_(message.address);
  if (!secrets.ok()) return {secrets.status()};
  if (secrets->empty()) return {absl::FailedPreconditionError("no webhook secret is valid now for this address")};
  const int64_t timestamp = absl::ToUnixSeconds(clock_.Now());
  absl::StatusOr<std::string> signature = SignatureHeader(*secrets, message.id, timestamp, message.json);
  if (!signature.ok()) return {signature.status()};

  std::unique_ptr<CURL, curl::EasyCleanup> curl(curl_easy_init());
  if (curl == nullptr) return {absl::UnavailableError("cannot start a libcurl handle")};
  curl_slist* raw_headers = nullptr;
  for (const std::string& line :
       {std::string("Content-Type: application/json"), absl::StrCat("webhook-id: ", message.id),
        absl::StrCat("webhook-timestamp: ", timestamp), absl::StrCat("webhook-signature: ", *signature),
        // Without this curl waits up to a second for "100 Continue" before a large body.
        std::string("Expect:"), std::string("User-Agent: p06-notification")}) {
    curl_slist* appended = curl_slist_append(raw_headers, line.c_str());
    if (appended == nullptr) {
      curl_slist_free_all(raw_headers);
      return {absl::UnavailableError("cannot build the webhook headers")};
    }
    raw_headers = appended;
  }
  std::unique_ptr<curl_slist, curl::SlistFree> headers(raw_headers);

  std::string answer;
  char error[CURL_ERROR_SIZE] = {0};
  CURL* h = curl.get();
  // DNS rebinding: curl resolves the host again, so a name that CheckUrlTarget saw
  // resolve to a public address could resolve to a refused one a moment later. The
  // address curl is about to connect to is checked again as the socket opens.
  ConnectCheck check{.policy = &policy_, .url = message.address};
  curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, &OpenCheckedSocket);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &check);
  curl_easy_setopt(h, CURLOPT_URL, message.address.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  // A proxy from the environment would make the connection somewhere the address
  // policy did not check.
  curl_easy_setopt(h, CURLOPT_PROXY, "");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, curl::Millis(std::min(timeout_, curl::kMaxConnectTimeout)));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, curl::Millis(timeout_));
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  // The size first, so that libcurl never measures the body with strlen.
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(message.json.size()));
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, message.json.data());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &KeepPrefix);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);

  const CURLcode rc = curl_easy_perform(h);
  if (!check.refused.ok()) return {check.refused, true};
  if (rc != CURLE_OK) {
    // The URL is not quoted: a webhook URL often carries a token in its path or query.
    return {absl::UnavailableError(absl::StrCat("webhook not delivered: ", curl_easy_strerror(rc),
                                                error[0] != '\0' ? absl::StrCat(" (", error, ")") : ""))};
  }
  long code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  if (code >= 200 && code < 300) return {absl::OkStatus()};
  return {absl::UnavailableError(absl::StrCat("webhook answered ", code, ": ", Printable(std::move(answer))))};
}

}  // namespace p06::notification
