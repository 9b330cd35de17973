#include "services/task/plan_text/time_phrase.h"

#include <gtest/gtest.h>

#include "common/grpc/proto_time.h"

namespace p06::task {
namespace {

using K = pb::Schedule;

struct Case {
  const char* phrase;
  pb::Schedule::Kind kind;
  const char* due = "";  // For ONE_OFF.
};

// Every phrase of the 2025 plan, and the common forms of other plans.
const Case kCases[] = {
    {"Tháng 3", K::KIND_ONE_OFF, "2025-03-31"},
    {"Tháng 12", K::KIND_ONE_OFF, "2025-12-31"},
    {"Tháng 6/2025", K::KIND_ONE_OFF, "2025-06-30"},
    {"<i>Tháng 12/2025</i>", K::KIND_ONE_OFF, "2025-12-31"},
    {"Tháng 10/2025", K::KIND_ONE_OFF, "2025-10-31"},
    {"Năm 2025", K::KIND_ONE_OFF, "2025-12-31"},
    {"Hàng tháng", K::KIND_MONTHLY},
    {"Hằng tháng", K::KIND_MONTHLY},
    {"Hàng Quý", K::KIND_QUARTERLY},
    {"Tháng 6 và Tháng 12", K::KIND_ON_MONTHS},
    {"Cả năm", K::KIND_CONTINUOUS},
    {"Thường xuyên", K::KIND_CONTINUOUS},
    {"Hằng năm", K::KIND_YEARLY},
    {"Hàng năm", K::KIND_YEARLY},
    {"Năm 2025 và các năm tiếp theo", K::KIND_YEARLY},
    {"Quý II/2025", K::KIND_ONE_OFF, "2025-06-30"},
    {"Quý IV", K::KIND_ONE_OFF, "2025-12-31"},
    {"Trước ngày 30/6/2025", K::KIND_ONE_OFF, "2025-06-30"},
    {"Trước 15/12", K::KIND_ONE_OFF, "2025-12-15"},
    {"6 tháng đầu năm", K::KIND_ONE_OFF, "2025-06-30"},
    {"Từ tháng 3 đến tháng 6", K::KIND_ONE_OFF, "2025-06-30"},
    {"Theo yêu cầu của Lãnh đạo Chính phủ, Văn phòng Chính phủ, Tổ Công tác Đề án 06 của Chính phủ",
     K::KIND_ON_REQUEST},
    {"Theo yêu cầu của Chính phủ, Tổ Công tác Đề án 06 của Chính phủ", K::KIND_ON_REQUEST},
    {"Theo đề nghị phối hợp của các cơ quan, đơn vị,...", K::KIND_ON_REQUEST},
    {"Ngay sau khi Thủ tướng Chính phủ ký ban hành Chỉ thị", K::KIND_ON_EVENT},
    {"Khi có thay đổi về nhân sự", K::KIND_ON_EVENT},
    {"Theo lịch họp giao ban của Bộ", K::KIND_FOLLOWS_PROGRAMME},
    {"Theo Kế hoạch năm 2025 của Tổ Công tác của Thủ tướng Chính phủ về rà soát VBQPPL và yêu cầu của các cơ quan có "
     "liên quan",
     K::KIND_FOLLOWS_PROGRAMME},
    {"Theo tiến độ triển khai Kế hoạch đầu tư công trung hạn giai đoạn 2021-2025", K::KIND_FOLLOWS_PROGRAMME},
    {"Theo Kế hoạch đào tạo, bồi dưỡng công chức, viên chức Bộ Tư pháp năm 2025", K::KIND_FOLLOWS_PROGRAMME},
};

std::string Due(const pb::Schedule& s) {
  absl::StatusOr<absl::CivilDay> d = FromProtoDate(s.due_date(), "due");
  return d.ok() ? FormatIsoDate(*d) : "";
}

TEST(TimePhraseTest, EveryKnownPhrase) {
  for (const Case& c : kCases) {
    pb::Schedule s = ParseTimePhrase(c.phrase, 2025);
    SCOPED_TRACE(c.phrase);
    EXPECT_EQ(K::Kind_Name(s.kind()), K::Kind_Name(c.kind));
    EXPECT_FALSE(s.unparsed());
    EXPECT_EQ(Due(s), c.due);
  }
}

TEST(TimePhraseTest, WithoutDiacriticsAndInOtherCaseTheSame) {
  for (const char* p : {"THANG 6 VA THANG 12", "thang 6 va thang 12", "Tháng 6, tháng 12"}) {
    pb::Schedule s = ParseTimePhrase(p, 2025);
    EXPECT_EQ(s.kind(), K::KIND_ON_MONTHS) << p;
    EXPECT_EQ(std::vector<int>(s.months().begin(), s.months().end()), (std::vector<int>{6, 12})) << p;
  }
  EXPECT_EQ(Due(ParseTimePhrase("Quy II/2025", 2025)), "2025-06-30");
  EXPECT_EQ(ParseTimePhrase("hang thang", 2025).kind(), K::KIND_MONTHLY);
}

TEST(TimePhraseTest, KeepsThePhraseAndTheTrigger) {
  pb::Schedule s = ParseTimePhrase("Theo yêu cầu của Chính phủ", 2025);
  EXPECT_EQ(s.phrase(), "Theo yêu cầu của Chính phủ");
  EXPECT_EQ(s.trigger(), "yêu cầu của Chính phủ");
  pb::Schedule window = ParseTimePhrase("Từ tháng 3 đến tháng 6", 2025);
  EXPECT_EQ(window.window_start().month(), 3);
}

TEST(TimePhraseTest, UnknownAndImpossiblePhrasesAreFlaggedNotDropped) {
  for (const char* p : {"Sớm nhất có thể", "Tháng 13", "Trước ngày 31/2/2025", "Từ tháng 9 đến tháng 3"}) {
    pb::Schedule s = ParseTimePhrase(p, 2025);
    EXPECT_TRUE(s.unparsed()) << p;
    EXPECT_EQ(s.kind(), K::KIND_UNSPECIFIED) << p;
    EXPECT_EQ(s.phrase(), p);
  }
  pb::Schedule empty = ParseTimePhrase("", 2025);
  EXPECT_FALSE(empty.unparsed());  // An empty cell is no phrase at all.
  EXPECT_EQ(empty.kind(), K::KIND_UNSPECIFIED);
}

TEST(OccurrenceDatesTest, OneObligationPerPeriod) {
  auto dates = [](const char* phrase) {
    std::vector<std::string> out;
    for (absl::CivilDay d : OccurrenceDates(ParseTimePhrase(phrase, 2025), 2025)) out.push_back(FormatIsoDate(d));
    return out;
  };
  EXPECT_EQ(dates("Hàng tháng").size(), 12u);
  EXPECT_EQ(dates("Hàng tháng")[1], "2025-02-28");
  EXPECT_EQ(dates("Hàng Quý"), (std::vector<std::string>{"2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"}));
  EXPECT_EQ(dates("Tháng 6 và Tháng 12"), (std::vector<std::string>{"2025-06-30", "2025-12-31"}));
  EXPECT_EQ(dates("Tháng 3"), (std::vector<std::string>{"2025-03-31"}));
  EXPECT_EQ(dates("Cả năm"), (std::vector<std::string>{"2025-06-30", "2025-12-31"}));
  EXPECT_TRUE(dates("Theo yêu cầu của Chính phủ").empty());
  EXPECT_TRUE(dates("Khi có thay đổi về nhân sự").empty());
}

// Found by the fuzzer: a year far from the plan's is flagged, never a date (year 0
// was imported as a one-off with no obligation at all).
TEST(TimePhraseTest, AYearFarFromThePlansIsNotADate) {
  for (const char* phrase : {"Năm 0000", "năm/0000", "Tháng 3/0000", "Quý II/0000", "Trước 15/12/0000",
                             "6 tháng đầu năm 0000", "Tháng 3/1900"}) {
    pb::Schedule s = ParseTimePhrase(phrase, 2025);
    EXPECT_TRUE(s.unparsed()) << phrase;
    EXPECT_FALSE(s.has_due_date()) << phrase;
    EXPECT_EQ(s.phrase(), phrase);
  }
  EXPECT_EQ(ParseTimePhrase("Năm 2030", 2025).due_date().year(), 2030);  // The plan's own horizon.
}

}  // namespace
}  // namespace p06::task
