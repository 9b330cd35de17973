// Fuzz target: ParseTimePhrase and OccurrenceDates (services/task/plan_text/time_phrase.h).
//
// The input is the phrase, as a plan's time cell would hold it. It is parsed for the
// plan year of the 2025 plan and for the ends of the four-digit years a plan can name,
// and every schedule must keep the promises of the header:
//   - an unknown phrase is unparsed with kind UNSPECIFIED, its (trimmed) text kept;
//   - a ONE_OFF due date (and a window start) is a calendar date, by FromProtoDate;
//   - OccurrenceDates gives, in date order, the due date, 12 monthly, 4 quarterly,
//     the listed months (1..12), 30/6 and 31/12, or nothing for triggered kinds;
//   - parsing is deterministic (static regexes hold no state between calls).
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/ascii.h"
#include "common/grpc/proto_time.h"
#include "common/text/fold.h"
#include "services/task/plan_text/time_phrase.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using p06::task::pb::Schedule;

void CheckSchedule(absl::string_view input, const Schedule& s, int year) {
  if (s.unparsed()) FUZZ_CHECK(s.kind() == Schedule::KIND_UNSPECIFIED);
  if (p06::text::IsValidUtf8(input)) {
    FUZZ_CHECK(p06::text::IsValidUtf8(s.phrase()));
    FUZZ_CHECK(absl::StripAsciiWhitespace(s.phrase()) == s.phrase());
  }

  const std::vector<absl::CivilDay> days = p06::task::OccurrenceDates(s, year);
  FUZZ_CHECK(std::is_sorted(days.begin(), days.end()));
  switch (s.kind()) {
    case Schedule::KIND_ONE_OFF: {
      absl::StatusOr<absl::CivilDay> due = p06::FromProtoDate(s.due_date(), "due_date");
      FUZZ_CHECK(due.ok());  // A due date the rest of the suite (and PostgreSQL) accepts.
      FUZZ_CHECK(days.size() == 1 && days[0] == *due);
      if (s.has_window_start()) {
        absl::StatusOr<absl::CivilDay> start = p06::FromProtoDate(s.window_start(), "window_start");
        FUZZ_CHECK(start.ok() && *start <= *due);
      }
      return;  // A one-off date may lie in another year than the plan's.
    }
    case Schedule::KIND_MONTHLY:
      FUZZ_CHECK(days.size() == 12);
      break;
    case Schedule::KIND_QUARTERLY:
      FUZZ_CHECK(days.size() == 4);
      break;
    case Schedule::KIND_ON_MONTHS:
      FUZZ_CHECK(s.months_size() > 0 && days.size() == static_cast<size_t>(s.months_size()));
      for (int m : s.months()) FUZZ_CHECK(m >= 1 && m <= 12);
      break;
    case Schedule::KIND_YEARLY:
    case Schedule::KIND_CONTINUOUS:
      FUZZ_CHECK(days.size() == 2);
      break;
    default:  // UNSPECIFIED and the triggered kinds: nothing until the trigger.
      FUZZ_CHECK(days.empty());
      break;
  }
  for (absl::CivilDay d : days) FUZZ_CHECK(d.year() == year);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view phrase(reinterpret_cast<const char*>(data), size);
  for (int year : {2025, 1, 9999}) {
    const Schedule s = p06::task::ParseTimePhrase(phrase, year);
    CheckSchedule(phrase, s, year);
    FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(s, p06::task::ParseTimePhrase(phrase, year)));
  }
  return 0;
}
