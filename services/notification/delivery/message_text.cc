#include "services/notification/delivery/message_text.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/base/clock.h"

namespace p06::notification {
namespace {

std::string Vn(absl::CivilDay d) { return absl::StrFormat("%02d/%02d/%04d", d.day(), d.month(), d.year()); }

// Subjects stay readable in a mail list: the title cut at a word near 80 bytes.
std::string Short(const std::string& title) {
  if (title.size() <= 80) return title;
  size_t cut = title.rfind(' ', 80);
  if (cut == std::string::npos || cut < 40) cut = 80;
  while (cut > 0 && (static_cast<unsigned char>(title[cut]) & 0xC0) == 0x80) --cut;  // Not inside a UTF-8 sequence.
  return title.substr(0, cut) + "…";
}

}  // namespace

MessageText ComposeText(pb::Rule::Kind kind, int working_days, const OccurrenceFacts& o,
                        const std::string& unit_display_name, const std::string& notification_id) {
  MessageText m;
  std::string when;
  if (kind == pb::Rule::KIND_REMINDER) {
    m.subject = absl::StrCat("[Đề án 06] Nhắc hạn: ", Short(o.title), " (hạn ", Vn(o.due), ")");
    when = working_days == 0 ? "Hôm nay là hạn thực hiện, báo cáo."
                             : absl::StrCat("Còn ", working_days, " ngày làm việc đến hạn.");
  } else {
    m.subject = absl::StrCat("[Đề án 06] Đôn đốc: quá hạn ", working_days, " ngày làm việc: ", Short(o.title));
    when = absl::StrCat("Đã quá hạn ", working_days,
                        " ngày làm việc mà đơn vị chủ trì chưa báo cáo hoàn thành.");
  }
  m.body = absl::StrCat("Kính gửi: ", unit_display_name, "\n\n", "Nhiệm vụ: ", o.title, "\n", "Hạn: ", Vn(o.due),
                        "\n", when, "\n\n",
                        "Đề nghị đơn vị cập nhật tiến độ trên hệ thống theo dõi thực hiện Đề án 06 của Bộ Tư pháp.\n\n",
                        "Kỳ: ", o.name, "\n", "Mã thông báo: ", notification_id, "\n");
  return m;
}

std::string WebhookPayload(const pb::Notification& notification) {
  std::string data;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  (void)google::protobuf::util::MessageToJsonString(notification, &data, options);
  const std::string type =
      notification.kind() == pb::Rule::KIND_ESCALATION ? "p06.notification.escalation" : "p06.notification.reminder";
  const std::string timestamp =
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                       absl::FromUnixSeconds(notification.create_time().seconds()), absl::UTCTimeZone());
  return absl::StrCat("{\"type\":\"", type, "\",\"timestamp\":\"", timestamp, "\",\"data\":", data, "}");
}

MessageText ComposeDigest(const std::vector<MessageText>& items, const std::string& digest_id) {
  MessageText m;
  m.subject = absl::StrCat("[Đề án 06] Tổng hợp nhắc việc trong ngày: ", items.size(), " nội dung");
  m.body = absl::StrCat("Hệ thống theo dõi Đề án 06 tổng hợp ", items.size(),
                        " nội dung cần đơn vị lưu ý hôm nay:\n\n");
  for (size_t i = 0; i < items.size(); ++i) {
    absl::StrAppend(&m.body, i + 1, ". ", items[i].subject, "\n");
  }
  absl::StrAppend(&m.body, "\nMã bản tổng hợp: ", digest_id, "\n");
  return m;
}

}  // namespace p06::notification
