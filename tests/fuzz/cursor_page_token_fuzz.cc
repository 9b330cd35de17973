// Fuzz target: event cursors (services/task/event_position.h) and page tokens
// (common/grpc/pagination.h), the two opaque strings clients hand back to us.
//
// The input is tried three ways:
//   1. as a cursor: OK or INVALID_ARGUMENT; an accepted position is non-negative and
//      formats to a cursor that parses to the same position;
//   2. as a page token under fingerprint "fp-a", with several page sizes: OK or
//      INVALID_ARGUMENT; a negative size is refused; an accepted size is the default or
//      the request's, capped; the key it carries comes back through a new token; the
//      same token under another fingerprint is refused;
//   3. as a sort key (the part after the first NUL byte, the part before it being the
//      fingerprint, when there is one): MakePageToken's token parses back to the same
//      key under the same fingerprint and is refused under another.
//
// Not checked: the header says ParseCursor refuses "a text that FormatCursor did not
// make", but absl::SimpleAtoi also accepts " 1.2", "+1.2" and "01.2"; the round trip
// above is what clients rely on.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/base/hash.h"
#include "common/grpc/pagination.h"
#include "services/task/event_position.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;

// ParsePageRequest refuses tokens over 4096 characters, which MakePageToken makes for
// keys over 3052 bytes (base64 of "p1:<16 hex>:" + key). Keys are resource names and
// sort columns, far shorter; longer ones must at least be refused, not crash.
constexpr size_t kMaxTokenChars = 4096;

void CheckCursor(absl::string_view in) {
  const absl::StatusOr<p06::task::EventPosition> pos = p06::task::ParseCursor(in, "after");
  FUZZ_CHECK(pos.ok() || pos.status().code() == kInvalid);
  if (!pos.ok()) return;
  FUZZ_CHECK(pos->xid >= 0 && pos->seq >= 0);
  const absl::StatusOr<p06::task::EventPosition> again = p06::task::ParseCursor(p06::task::FormatCursor(*pos), "after");
  FUZZ_CHECK(again.ok() && *again == *pos);
}

// The key and fingerprint must round-trip through a token.
void CheckRoundTrip(absl::string_view key, absl::string_view fingerprint) {
  const std::string token = p06::MakePageToken(key, fingerprint);
  for (char c : token) {
    FUZZ_CHECK((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_');
  }
  const absl::StatusOr<p06::PageRequest> back = p06::ParsePageRequest(0, token, fingerprint);
  if (token.size() > kMaxTokenChars) {
    FUZZ_CHECK(back.status().code() == kInvalid);
    return;
  }
  FUZZ_CHECK(back.ok() && back->after_key == key && back->size == p06::PageLimits{}.default_size);
  const std::string other = std::string(fingerprint) + "+";
  if (p06::StableHashHex(other) != p06::StableHashHex(fingerprint)) {
    FUZZ_CHECK(p06::ParsePageRequest(0, token, other).status().code() == kInvalid);
  }
}

void CheckToken(absl::string_view in) {
  const p06::PageLimits limits;
  for (int page_size : {0, 1, 7, limits.max_size, limits.max_size + 1, -1}) {
    const absl::StatusOr<p06::PageRequest> page = p06::ParsePageRequest(page_size, in, "fp-a");
    FUZZ_CHECK(page.ok() || page.status().code() == kInvalid);
    if (page_size < 0) FUZZ_CHECK(!page.ok());
    if (!page.ok()) continue;
    FUZZ_CHECK(page->size == (page_size == 0 ? limits.default_size : std::min(page_size, limits.max_size)));
    if (in.empty()) {
      FUZZ_CHECK(page->after_key.empty());
      continue;
    }
    CheckRoundTrip(page->after_key, "fp-a");
    FUZZ_CHECK(p06::ParsePageRequest(page_size, in, "fp-b").status().code() == kInvalid);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view in(reinterpret_cast<const char*>(data), size);
  CheckCursor(in);
  CheckToken(in);
  const size_t nul = in.find('\0');
  if (nul == absl::string_view::npos) {
    CheckRoundTrip(in, "fp-a");
  } else {
    CheckRoundTrip(in.substr(nul + 1), in.substr(0, nul));
  }
  return 0;
}
