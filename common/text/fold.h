// Vietnamese text handling with ICU: validation, NFC normalisation, and folding for
// search and matching ("Cục Công nghệ  thông tin," and "cuc cong nghe thong tin" fold
// to the same key).
//
// Thread-safe: the ICU normaliser instances are immutable singletons.
#pragma once

#include <string>
#include <vector>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace p06::text {

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or stray bytes).
bool IsValidUtf8(absl::string_view s);

// The offset of the first byte that is not part of well-formed UTF-8, or npos.
size_t FirstInvalidUtf8(absl::string_view s);

// The 1-based line of byte `offset` of `text` (how a bad byte is named to a person).
int LineOf(absl::string_view text, size_t offset);

// A C0 control character other than tab, LF and CR, or DEL: never part of a text.
bool IsForbiddenControl(unsigned char c);

// Validates and normalises input text to NFC; CR LF and lone CR become LF.
// INVALID_ARGUMENT (naming `field`) when `s` is not UTF-8 or holds a control
// character other than tab and line breaks (NUL included).
absl::StatusOr<std::string> NormalizeNfc(absl::string_view s, absl::string_view field = "text");

// The search key of `s`: case folded, diacritics removed (NFD then marks dropped;
// "đ"/"Đ", which have no decomposition, become "d"), punctuation and symbols turned
// into spaces, runs of white space collapsed, trimmed. Invalid UTF-8 folds to "".
std::string Fold(absl::string_view s);

// The words of a search as typed, each folded: what a query matches word by word
// (every word, in any order), so that "dinh danh dien tu" finds "định danh và xác
// thực điện tử".
std::vector<std::string> FoldedWords(absl::string_view query);

}  // namespace p06::text
