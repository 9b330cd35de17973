// What the notification channels promise without a network: Standard Webhooks
// signatures as the specification computes them, the address policy that keeps a
// webhook away from loopback, private and metadata addresses, and e-mail that a mail
// client reads back as the Vietnamese text it was given. Only literal IP addresses
// are resolved (getaddrinfo answers them without DNS).
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/base/utf8.h"
#include "gtest/gtest.h"
#include "services/notification/channels/address_policy.h"
#include "services/notification/channels/channel.h"
#include "services/notification/channels/smtp_sender.h"
#include "services/notification/channels/webhook_signature.h"

namespace p06::notification {
namespace {

// The test vector published with the Standard Webhooks specification.
constexpr char kSpecSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr char kSpecId[] = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr int64_t kSpecTimestamp = 1614265330;
constexpr char kSpecBody[] = "{\"test\": 2432232314}";
constexpr char kSpecSignature[] = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

TEST(WebhookSignature, MatchesTheSpecificationsVector) {
  absl::StatusOr<std::string> signature = SignWebhook(kSpecSecret, kSpecId, kSpecTimestamp, kSpecBody);
  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(*signature, kSpecSignature);
}

TEST(WebhookSignature, ChangesWithTheBodyTheIdOrTheTimestamp) {
  absl::StatusOr<std::string> body = SignWebhook(kSpecSecret, kSpecId, kSpecTimestamp, "{\"test\": 2432232315}");
  absl::StatusOr<std::string> id = SignWebhook(kSpecSecret, "msg_other", kSpecTimestamp, kSpecBody);
  absl::StatusOr<std::string> timestamp = SignWebhook(kSpecSecret, kSpecId, kSpecTimestamp + 1, kSpecBody);
  ASSERT_TRUE(body.ok() && id.ok() && timestamp.ok());
  EXPECT_NE(*body, kSpecSignature);
  EXPECT_NE(*id, kSpecSignature);
  EXPECT_NE(*timestamp, kSpecSignature);
}

TEST(WebhookSignature, RefusesASecretThatIsNotWhsecBase64) {
  EXPECT_EQ(SignWebhook("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", kSpecId, 1, "{}").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SignWebhook("whsec_!!not base64!!", kSpecId, 1, "{}").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SignWebhook("whsec_", kSpecId, 1, "{}").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(WebhookSignature, TheHeaderSignsWithEverySecret) {
  const std::string other = NewWebhookSecret();
  absl::StatusOr<std::string> header = SignatureHeader({kSpecSecret, other}, kSpecId, kSpecTimestamp, kSpecBody);
  ASSERT_TRUE(header.ok()) << header.status();
  const std::vector<std::string> entries = absl::StrSplit(*header, ' ');
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0], kSpecSignature);
  EXPECT_TRUE(absl::StartsWith(entries[1], "v1,"));
  EXPECT_EQ(entries[1], *SignWebhook(other, kSpecId, kSpecTimestamp, kSpecBody));
  EXPECT_NE(entries[0], entries[1]);
}

TEST(WebhookSignature, ANewSecretIs32RandomBytes) {
  const std::string a = NewWebhookSecret();
  const std::string b = NewWebhookSecret();
  ASSERT_TRUE(absl::StartsWith(a, "whsec_"));
  std::string key;
  ASSERT_TRUE(absl::Base64Unescape(a.substr(6), &key));
  EXPECT_EQ(key.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(SignWebhook(a, kSpecId, kSpecTimestamp, kSpecBody).ok()) << "a new secret is one SignWebhook accepts";
}

TEST(AddressPolicy, UrlSyntaxIsHttpOrHttpsWithAHostAndNothingHidden) {
  const AddressPolicy policy;
  for (const std::string& url : {std::string("ftp://example.gov.vn/hook"), std::string("javascript:alert(1)"),
                                 std::string("http://"), std::string("http:///path"),
                                 std::string("http://user:secret@example.gov.vn/hook"),
                                 std::string("http://example.gov.vn@10.0.0.1/"), std::string("http://exa mple.gov.vn/"),
                                 std::string("http://example.gov.vn/\r\nX-Injected: 1"),
                                 std::string("http://example.gov.vn:0/"), std::string("http://example.gov.vn:65536/"),
                                 std::string("http://example.gov.vn:/"), std::string("http://example.gov.vn:80a/"),
                                 std::string("http://[::1/"), std::string("http://[not-ipv6]/"),
                                 absl::StrCat("https://example.gov.vn/", std::string(3000, 'a'))}) {
    const absl::Status status = policy.CheckUrlSyntax(url, "endpoint.url");
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << url.substr(0, 80);
    EXPECT_TRUE(absl::StartsWith(status.message(), "endpoint.url: ")) << status;
  }
  for (const char* url : {"https://example.gov.vn/hook", "http://127.0.0.1:8080/x", "HTTPS://Example.Gov.VN/hook?a=1",
                          "http://[2001:db8::1]:8443/", "https://example.gov.vn:65535"}) {
    EXPECT_TRUE(policy.CheckUrlSyntax(url, "endpoint.url").ok()) << url;
  }
}

TEST(AddressPolicy, RefusesLoopbackPrivateAndMetadataTargets) {
  const AddressPolicy policy;
  for (const char* url :
       {"http://127.0.0.1/", "http://169.254.169.254/latest/meta-data", "http://[::1]/", "http://10.1.2.3/",
        "http://[::ffff:127.0.0.1]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:7f00:1::]/", "http://0.0.0.0/", "http://172.16.5.4/", "http://192.168.1.1/",
        "http://100.64.0.1/", "http://224.0.0.1/", "http://255.255.255.255/", "http://[::]/", "http://[fe80::1]/",
        "http://[fd00::1]/", "http://[ff02::1]/", "http://[::ffff:169.254.169.254]/", "http://2130706433/",
        "http://localhost:8080/", "http://LOCALHOST./", "http://api.localhost/"}) {
    EXPECT_EQ(policy.CheckUrlTarget(url).code(), absl::StatusCode::kPermissionDenied) << url;
  }
  const absl::Status metadata = policy.CheckUrlTarget("http://169.254.169.254/latest/meta-data");
  EXPECT_TRUE(absl::StrContains(metadata.message(), "169.254.169.254")) << metadata;
  EXPECT_EQ(policy.CheckUrlTarget("ftp://127.0.0.1/").code(), absl::StatusCode::kInvalidArgument);
}

TEST(AddressPolicy, PassesPublicAddressesAndTheAllowList) {
  EXPECT_TRUE(AddressPolicy().CheckUrlTarget("https://93.184.216.34/hook").ok());
  EXPECT_TRUE(AddressPolicy().CheckUrlTarget("http://[2001:db8::1]/hook").ok());
  const AddressPolicy tests(std::set<std::string>{"127.0.0.1"});
  EXPECT_TRUE(tests.CheckUrlTarget("http://127.0.0.1:9/").ok());
  EXPECT_TRUE(tests.CheckUrlTarget("http://2130706433:9/").ok()) << "its address, 127.0.0.1, is allowed";
  EXPECT_EQ(tests.CheckUrlTarget("http://10.1.2.3/").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(AddressPolicy(std::set<std::string>{"::1"}).CheckUrlTarget("http://[::1]:9/").ok());
  EXPECT_TRUE(AddressPolicy(std::set<std::string>{"localhost"}).CheckUrlTarget("http://localhost:9/").ok());
}

TEST(AddressPolicy, EmailLooksLikeOne) {
  EXPECT_TRUE(AddressPolicy::CheckEmail("vanphong@moj.gov.vn", "endpoint.email").ok());
  EXPECT_TRUE(AddressPolicy::CheckEmail("van.phong+bao-cao@so-tu-phap.hanoi.gov.vn", "endpoint.email").ok());
  for (const std::string& address :
       {std::string("a b@x.vn"), std::string("@x.vn"), std::string("x@"), std::string("x@y"), std::string("x@@y.vn"),
        std::string("x@y.vn\r\nRCPT TO:<z@y.vn>"), std::string("<x@y.vn>"), std::string("x@-y.vn"),
        std::string("x@y..vn"), std::string("x,z@y.vn"), absl::StrCat(std::string(65, 'a'), "@moj.gov.vn"),
        absl::StrCat(std::string(60, 'a'), "@", std::string(240, 'b'), ".vn")}) {
    const absl::Status status = AddressPolicy::CheckEmail(address, "endpoint.email");
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << address;
    EXPECT_TRUE(absl::StartsWith(status.message(), "endpoint.email: ")) << status;
  }
}

// Whether `bytes` ends with a whole UTF-8 character (no sequence cut short).
bool EndsWithWholeCharacter(const std::string& bytes) {
  size_t continuation = 0;
  auto at_end = [&](size_t back) { return static_cast<unsigned char>(bytes[bytes.size() - 1 - back]); };
  while (continuation < bytes.size() && (at_end(continuation) & 0xC0) == 0x80) ++continuation;
  if (continuation == bytes.size()) return continuation == 0;
  const unsigned char lead = at_end(continuation);
  const size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  return length == continuation + 1;
}

// Decodes a header value of "=?UTF-8?B?…?=" words folded with CRLF SPACE, checking
// each physical line's length (with `first_prefix` on the first line) on the way.
std::string DecodeWords(const std::string& value, size_t first_prefix) {
  std::string text;
  const std::vector<std::string> lines = absl::StrSplit(value, "\r\n");
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string word = lines[i];
    EXPECT_LE(word.size() + (i == 0 ? first_prefix : 0), 76u) << word;
    if (i > 0) {
      EXPECT_TRUE(absl::StartsWith(word, " ")) << "a folded line starts with a space";
      word = word.substr(1);
    }
    EXPECT_LE(word.size(), 75u);
    EXPECT_TRUE(absl::StartsWith(word, "=?UTF-8?B?") && absl::EndsWith(word, "?=")) << word;
    if (word.size() < 12) continue;
    std::string bytes;
    EXPECT_TRUE(absl::Base64Unescape(word.substr(10, word.size() - 12), &bytes)) << word;
    EXPECT_TRUE(EndsWithWholeCharacter(bytes)) << "a word never splits a character";
    text += bytes;
  }
  return text;
}

TEST(SmtpMime, EncodesAVietnameseSubjectAsFoldedWords) {
  const std::string subject = "Nhắc việc: báo cáo tháng 3";
  const std::string encoded = EncodeHeaderWord(subject);
  EXPECT_TRUE(absl::StartsWith(encoded, "=?UTF-8?B?"));
  EXPECT_EQ(DecodeWords(encoded, 0), subject);

  const std::string longer = absl::StrCat(
      "Nhắc việc: báo cáo tháng 3 của Vụ Pháp chế về tình hình thực hiện kế hoạch ",
      "công tác năm 2024 đã quá hạn 5 ngày làm việc, đề nghị khẩn trương hoàn thành");
  const std::string folded = EncodeHeaderWord(longer);
  EXPECT_TRUE(absl::StrContains(folded, "\r\n ")) << "a long subject takes several words";
  EXPECT_EQ(DecodeWords(folded, 0), longer);
  EXPECT_EQ(DecodeWords(folded, std::string("Subject: ").size()), longer) << "the first line fits after Subject: too";
}

TEST(SmtpMime, AsciiPassesAsIsAndHeaderInjectionDoesNot) {
  EXPECT_EQ(EncodeHeaderWord("Report"), "Report");
  EXPECT_EQ(EncodeHeaderWord("Monthly report (March)"), "Monthly report (March)");
  const std::string injected = EncodeHeaderWord("Report\r\nBcc: someone@example.com");
  EXPECT_FALSE(absl::StrContains(injected, "\r\nBcc"));
  EXPECT_EQ(DecodeWords(injected, 0), "Report\r\nBcc: someone@example.com");
  EXPECT_TRUE(absl::StartsWith(EncodeHeaderWord("looks =?like?= a word"), "=?UTF-8?B?"));
}

TEST(SmtpMime, ComposesAUtf8PlainTextMessage) {
  const SmtpOptions options;
  OutgoingMessage message;
  message.id = "ntf_abc";
  message.address = "vanphong@moj.gov.vn";
  message.subject = "Nhắc việc: báo cáo tháng 3";
  message.text = absl::StrCat("Kính gửi Văn phòng Bộ,\r\nBáo cáo tháng 3 của đơn vị đã quá hạn. ",
                              std::string(100, 'x'), "\r\nTrân trọng.");
  const std::string mime = ComposeMime(options, message, absl::FromUnixSeconds(kSpecTimestamp));

  EXPECT_TRUE(absl::StrContains(mime, "From: p06-notification@moj.gov.vn\r\n"));
  EXPECT_TRUE(absl::StrContains(mime, "\r\nTo: vanphong@moj.gov.vn\r\n"));
  EXPECT_TRUE(absl::StrContains(mime, "Message-ID: <ntf_abc@p06.moj.gov.vn>\r\n"));
  EXPECT_TRUE(absl::StrContains(mime, "MIME-Version: 1.0\r\n"));
  EXPECT_TRUE(absl::StrContains(mime, "Content-Type: text/plain; charset=UTF-8\r\n"));
  EXPECT_TRUE(absl::StrContains(mime, "Content-Transfer-Encoding: base64\r\n"));
  EXPECT_TRUE(absl::StrContains(mime, "Date: Thu, 25 Feb 2021 22:02:10 +0700\r\n")) << mime;
  EXPECT_TRUE(absl::StrContains(mime, absl::StrCat("Subject: ", EncodeHeaderWord(message.subject), "\r\n")));
  for (size_t i = 0; i < mime.size(); ++i) {
    if (mime[i] == '\n') {
      ASSERT_TRUE(i > 0 && mime[i - 1] == '\r') << "a bare LF at " << i;
    }
    if (mime[i] == '\r') {
      ASSERT_TRUE(i + 1 < mime.size() && mime[i + 1] == '\n') << "a bare CR at " << i;
    }
  }

  const size_t blank = mime.find("\r\n\r\n");
  ASSERT_NE(blank, std::string::npos);
  std::string base64;
  for (const absl::string_view line : absl::StrSplit(mime.substr(blank + 4), "\r\n", absl::SkipEmpty())) {
    EXPECT_LE(line.size(), 76u);
    absl::StrAppend(&base64, line);
  }
  std::string body;
  ASSERT_TRUE(absl::Base64Unescape(base64, &body));
  EXPECT_EQ(body, message.text);
}

TEST(SmtpMime, BodyLineEndsBecomeCrlf) {
  OutgoingMessage message;
  message.id = "ntf_lf";
  message.address = "vanphong@moj.gov.vn";
  message.subject = "Report";
  message.text = "Dòng một\nDòng hai\r\nDòng ba";
  // 2024-04-01 00:00 UTC; Vietnam's offset has been +7 since 1975 (it was +8 before).
  const std::string mime = ComposeMime(SmtpOptions(), message, absl::FromUnixSeconds(1711929600));
  std::string base64;
  const std::string after_headers = mime.substr(mime.find("\r\n\r\n") + 4);
  for (const absl::string_view line : absl::StrSplit(after_headers, "\r\n", absl::SkipEmpty())) {
    absl::StrAppend(&base64, line);
  }
  std::string body;
  ASSERT_TRUE(absl::Base64Unescape(base64, &body));
  EXPECT_EQ(body, "Dòng một\r\nDòng hai\r\nDòng ba");
  EXPECT_TRUE(absl::StrContains(mime, "Subject: Report\r\n"));
  EXPECT_TRUE(absl::StrContains(mime, "Date: Mon, 01 Apr 2024 07:00:00 +0700\r\n"));
}

}  // namespace
}  // namespace p06::notification

namespace p06 {
namespace {

TEST(ValidUtf8, ReplacesWhatPostgresqlWouldRefuseAndCutsOnACharacter) {
  EXPECT_EQ(ValidUtf8("Cục Hành chính tư pháp"), "Cục Hành chính tư pháp");
  EXPECT_EQ(ValidUtf8("l\xE0 500"), "l\xEF\xBF\xBD 500");                  // Latin-1 "à".
  EXPECT_EQ(ValidUtf8(absl::string_view("a\0b", 3)), "a\xEF\xBF\xBD" "b");  // NUL.
  EXPECT_EQ(ValidUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");             // Overlong '/'.
  EXPECT_EQ(ValidUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // A surrogate.
  EXPECT_EQ(ValidUtf8("ệệ", 5), "ệ");  // Three bytes each: the second does not fit.
}

}  // namespace
}  // namespace p06
