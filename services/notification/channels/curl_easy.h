// What both senders (webhook_sender.cc, smtp_sender.cc) need of libcurl: the global
// init once, owners of its handles, and its timeouts in milliseconds.
#pragma once

#include <curl/curl.h>

#include <algorithm>
#include <cstdint>

#include "absl/time/time.h"

namespace p06::notification::curl {

// The longest a connection may take to open, whatever the send's whole timeout.
inline constexpr absl::Duration kMaxConnectTimeout = absl::Seconds(5);

// Once per process, before the first handle; thread-safe as a function-local static.
inline void Init() {
  static const CURLcode kInit = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)kInit;
}

struct EasyCleanup {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// Whole milliseconds, at least 1: libcurl reads 0 as "no timeout".
inline long Millis(absl::Duration d) {
  return static_cast<long>(std::max<int64_t>(1, absl::ToInt64Milliseconds(d)));
}

}  // namespace p06::notification::curl
