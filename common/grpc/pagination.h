// Page tokens for List methods (AIP-158): opaque to clients, bound to the query they
// came from, so a token reused with other filters is refused.
#pragma once

#include <google/protobuf/message.h>
#include <google/protobuf/repeated_ptr_field.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/db/text_search.h"

namespace p06 {

struct PageRequest {
  int size = 0;           // Rows to return.
  std::string after_key;  // Resume after this sort key; empty for the first page.
};

struct PageLimits {
  int default_size = 50;
  int max_size = 500;
};

// The query a List request asks, without its page fields (page_size, page_token):
// what binds a page token to the filters it was issued for. Deterministic bytes.
std::string QueryFingerprint(const google::protobuf::Message& list_request);

// `query_fingerprint` (QueryFingerprint) identifies the filters of the request (everything but the page
// fields). Errors: INVALID_ARGUMENT naming page_size (negative) or page_token
// (malformed, or from another query).
absl::StatusOr<PageRequest> ParsePageRequest(int page_size, absl::string_view page_token,
                                             absl::string_view query_fingerprint, PageLimits limits = {});

// The token that resumes after `last_key` under the same query.
std::string MakePageToken(absl::string_view last_key, absl::string_view query_fingerprint);

// The sort key of a row that a word search ranked (best first, then by `key`):
// "rank:key". A key without a rank, from a token issued before lists were ranked,
// reads as rank 0, which is what every row has without a search.
std::string RankedPageKey(int64_t rank, absl::string_view key);
// False when `page_key` holds a rank that is not a number.
bool ParseRankedPageKey(absl::string_view page_key, int64_t* rank, std::string* key);

// The most a page of a List response holds, whatever its page_size: well under the
// 4 MiB that grpc-js and grpc-go clients accept by default. A page that would grow
// past it ends early, with a next_page_token.
inline constexpr size_t kMaxPageBytes = 2 << 20;

// Moves a page of `rows`, read with limit page.size + 1 (the extra row tells whether
// another page exists), into `out`, up to kMaxPageBytes (one row at least); returns
// the next page's token, "" on the last. `key(row)` is the sort key the store's query
// resumes after.
template <typename T, typename KeyFn>
std::string TakePage(std::vector<T> rows, const PageRequest& page, google::protobuf::RepeatedPtrField<T>* out,
                     KeyFn key, absl::string_view query_fingerprint) {
  size_t taken = 0, bytes = 0;
  for (; taken < rows.size() && static_cast<int>(taken) < page.size; ++taken) {
    const size_t row_bytes = rows[taken].ByteSizeLong() + 8;  // With its tag and length.
    if (taken > 0 && bytes + row_bytes > kMaxPageBytes) break;
    bytes += row_bytes;
  }
  const bool more = rows.size() > taken;
  rows.resize(taken);
  out->Reserve(static_cast<int>(rows.size()));
  for (T& row : rows) *out->Add() = std::move(row);
  return more ? MakePageToken(key(*out->rbegin()), query_fingerprint) : "";
}

// TakePage for rows a word search ranked (db::Ranked): the token resumes after the
// last row's rank and `key(row)` (RankedPageKey).
template <typename T, typename KeyFn>
std::string TakeRankedPage(std::vector<db::Ranked<T>> ranked, const PageRequest& page,
                           google::protobuf::RepeatedPtrField<T>* out, KeyFn key, absl::string_view query_fingerprint) {
  std::vector<T> rows;
  std::vector<int64_t> ranks;
  rows.reserve(ranked.size());
  for (db::Ranked<T>& r : ranked) {
    rows.push_back(std::move(r.row));
    ranks.push_back(r.rank);
  }
  const int before = out->size();
  return TakePage(
      std::move(rows), page, out,
      [&](const T& last) { return RankedPageKey(ranks[static_cast<size_t>(out->size() - 1 - before)], key(last)); },
      query_fingerprint);
}

}  // namespace p06
