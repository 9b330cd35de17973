// Dates every service of the suite agrees on.
#pragma once

#include "absl/time/civil_time.h"

namespace p06 {

// Đề án 06 was approved by QĐ 06/QĐ-TTg on this day: no plan of it, and no record of
// the directory, is older.
inline constexpr absl::CivilDay kDeAn06Approved{2022, 1, 6};

}  // namespace p06
