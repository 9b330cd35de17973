#include "common/grpc/pagination.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/base/hash.h"
#include "common/grpc/status_mapping.h"

namespace p06 {
namespace {
constexpr absl::string_view kVersion = "p1";
}

std::string QueryFingerprint(const google::protobuf::Message& list_request) {
  std::unique_ptr<google::protobuf::Message> query(list_request.New());
  query->CopyFrom(list_request);
  for (const char* page_field : {"page_size", "page_token"}) {
    if (const auto* field = query->GetDescriptor()->FindFieldByName(page_field)) {
      query->GetReflection()->ClearField(query.get(), field);
    }
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    query->SerializeToCodedStream(&coded);
  }
  return absl::StrCat(query->GetDescriptor()->full_name(), ":", bytes);
}

std::string RankedPageKey(int64_t rank, absl::string_view key) { return absl::StrCat(rank, ":", key); }

bool ParseRankedPageKey(absl::string_view page_key, int64_t* rank, std::string* key) {
  const size_t colon = page_key.find(':');
  if (colon == absl::string_view::npos) {
    *rank = 0;
    *key = std::string(page_key);
    return true;
  }
  *key = std::string(page_key.substr(colon + 1));
  return absl::SimpleAtoi(page_key.substr(0, colon), rank);
}

std::string MakePageToken(absl::string_view last_key, absl::string_view query_fingerprint) {
  return absl::WebSafeBase64Escape(absl::StrCat(kVersion, ":", StableHashHex(query_fingerprint), ":", last_key));
}

absl::StatusOr<PageRequest> ParsePageRequest(int page_size, absl::string_view page_token,
                                             absl::string_view query_fingerprint, PageLimits limits) {
  if (page_size < 0) return InvalidField("page_size", "must not be negative");
  PageRequest page;
  page.size = page_size == 0 ? limits.default_size : std::min(page_size, limits.max_size);
  if (page_token.empty()) return page;
  std::string decoded;
  if (page_token.size() > 4096 || !absl::WebSafeBase64Unescape(page_token, &decoded)) {
    return InvalidField("page_token", "malformed; pass the next_page_token of a previous response");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(decoded, absl::MaxSplits(':', 2));
  if (parts.size() != 3 || parts[0] != kVersion) {
    return InvalidField("page_token", "malformed; pass the next_page_token of a previous response");
  }
  if (parts[1] != StableHashHex(query_fingerprint)) {
    return InvalidField("page_token", "belongs to a query with other filters; start again without a token");
  }
  page.after_key = std::string(parts[2]);
  return page;
}

}  // namespace p06
