#include "services/notification/channels/smtp_sender.h"


#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/notification/channels/curl_easy.h"

namespace p06::notification {
namespace {

// 39 bytes make 52 base64 characters and a 64-character word: within RFC 2047's 75,
// and "Subject: " plus the first word still fits a 76-character line. A multiple of 3
// leaves no padding inside the text.
constexpr size_t kWordBytes = 39;
constexpr size_t kBodyLineChars = 76;




bool HasControlChar(absl::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return true;
  }
  return false;
}

// The length of the UTF-8 sequence that starts with `lead`; a stray byte counts as one.
size_t SequenceLength(unsigned char lead) {
  if (lead >= 0xF0 && lead <= 0xF7) return 4;
  if (lead >= 0xE0) return lead <= 0xEF ? 3 : 1;
  if (lead >= 0xC0) return 2;
  return 1;
}

// RFC 5322's date, with English names whatever the process's locale (FormatTime's
// %a and %b go through strftime, which follows it).
std::string RfcDate(absl::Time now) {
  static constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const absl::TimeZone zone = VietnamTimeZone();
  const absl::CivilSecond t = absl::ToCivilSecond(now, zone);
  return absl::StrFormat("%s, %02d %s %04d %02d:%02d:%02d %s", kDays[static_cast<int>(absl::GetWeekday(t))], t.day(),
                         kMonths[t.month() - 1], t.year(), t.hour(), t.minute(), t.second(),
                         absl::FormatTime("%z", now, zone));
}

// Text in its canonical form for MIME (RFC 2045): every line ending CRLF.
std::string CrlfLines(absl::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out.push_back('\r');
    out.push_back(text[i]);
  }
  return out;
}

// The composed message as libcurl reads it out for the upload.
struct Upload {
  const std::string* data;
  size_t sent = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const size_t bytes = std::min(size * count, upload->data->size() - upload->sent);
  std::memcpy(buffer, upload->data->data() + upload->sent, bytes);
  upload->sent += bytes;
  return bytes;
}

}  // namespace

std::string EncodeHeaderWord(absl::string_view utf8) {
  bool plain = !absl::StrContains(utf8, "=?");
  for (char c : utf8) plain = plain && c >= 0x20 && c <= 0x7E;
  if (plain) return std::string(utf8);
  std::vector<std::string> words;
  size_t start = 0;
  while (start < utf8.size()) {
    // Whole characters only: a decoder may decode each word on its own.
    size_t end = start;
    while (end < utf8.size()) {
      const size_t next = std::min(utf8.size(), end + SequenceLength(static_cast<unsigned char>(utf8[end])));
      if (next - start > kWordBytes && end > start) break;
      end = next;
    }
    words.push_back(absl::StrCat("=?UTF-8?B?", absl::Base64Escape(utf8.substr(start, end - start)), "?="));
    start = end;
  }
  return absl::StrJoin(words, "\r\n ");
}

std::string ComposeMime(const SmtpOptions& options, const OutgoingMessage& message, absl::Time now) {
  std::string out = absl::StrCat("From: ", options.from, "\r\n", "To: ", message.address, "\r\n");
  absl::StrAppend(&out, "Subject: ", EncodeHeaderWord(message.subject), "\r\n", "Date: ", RfcDate(now), "\r\n");
  absl::StrAppend(&out, "Message-ID: <", message.id, "@", options.message_id_domain, ">\r\n");
  absl::StrAppend(&out, "MIME-Version: 1.0\r\n", "Content-Type: text/plain; charset=UTF-8\r\n",
                  "Content-Transfer-Encoding: base64\r\n", "\r\n");
  const std::string body = absl::Base64Escape(CrlfLines(message.text));
  for (size_t i = 0; i < body.size(); i += kBodyLineChars) {
    absl::StrAppend(&out, absl::string_view(body).substr(i, kBodyLineChars), "\r\n");
  }
  return out;
}

SendResult SmtpSender::Send(const OutgoingMessage& message) {
  if (absl::Status address = AddressPolicy::CheckEmail(message.address, "address"); !address.ok()) {
    return {std::move(address), true};
  }
  // The id goes into the Message-ID header as is; a line break in it would add headers.
  if (message.id.empty() || HasControlChar(message.id)) {
    return {absl::InvalidArgumentError("e-mail message id must be non-empty, without control characters"), true};
  }
  curl::Init();
  const std::string mime = ComposeMime(options_, message, clock_.Now());
  std::unique_ptr<CURL, curl::EasyCleanup> curl(curl_easy_init());
  if (curl == nullptr) return {absl::UnavailableError("cannot start a libcurl handle")};
  std::unique_ptr<curl_slist, curl::SlistFree> recipients(
      curl_slist_append(nullptr, absl::StrCat("<", message.address, ">").c_str()));
  if (recipients == nullptr) return {absl::UnavailableError("cannot build the recipient list")};
  const std::string from = absl::StrCat("<", options_.from, ">");
  Upload upload{&mime};
  char error[CURL_ERROR_SIZE] = {0};

  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, &ReadUpload);
  curl_easy_setopt(h, CURLOPT_READDATA, &upload);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mime.size()));
  // STARTTLS when the server offers it; a server without TLS still gets the mail.
  // STARTTLS when offered; required when a password is sent, so that a server (or
  // someone in between) that hides STARTTLS never receives it in the clear.
  curl_easy_setopt(h, CURLOPT_USE_SSL,
                   static_cast<long>(options_.username.empty() ? CURLUSESSL_TRY : CURLUSESSL_ALL));
  if (!options_.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, options_.password.c_str());
  }
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, curl::Millis(std::min(options_.timeout, curl::kMaxConnectTimeout)));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, curl::Millis(options_.timeout));
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);

  const CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_OK) return {absl::OkStatus()};
  long code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  return {absl::UnavailableError(absl::StrCat("e-mail not delivered: ", curl_easy_strerror(rc),
                                              error[0] != '\0' ? absl::StrCat(" (", error, ")") : "",
                                              "; the server's last answer was ", code))};
}

}  // namespace p06::notification
