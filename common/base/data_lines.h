// The lines of the suite's small data formats (the working calendar, the reporting
// regime, the gateway's client principals): numbered from 1, trimmed, with blank lines
// and "#" comments left out, so that every parser names a bad line the same way.
#pragma once

#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace p06 {

struct DataLine {
  int number;              // 1-based, counting every line of the text.
  absl::string_view text;  // Trimmed; a view into the text given.
};

inline std::vector<DataLine> DataLines(absl::string_view text) {
  std::vector<DataLine> out;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    out.push_back({number, line});
  }
  return out;
}

}  // namespace p06
