#include "common/text/fold.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/base/invalid_field.h"

namespace p06::text {
namespace {

const icu::Normalizer2& Nfc() {
  UErrorCode status = U_ZERO_ERROR;
  static const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  return *nfc;
}

const icu::Normalizer2& Nfd() {
  UErrorCode status = U_ZERO_ERROR;
  static const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  return *nfd;
}

// Fast path: plain ASCII needs no ICU work.
bool IsAscii(absl::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

}  // namespace

bool IsForbiddenControl(unsigned char c) { return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f; }

int LineOf(absl::string_view text, size_t offset) {
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + std::min(offset, text.size()), '\n'));
}

size_t FirstInvalidUtf8(absl::string_view s) {
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  while (i < n) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) return static_cast<size_t>(start);
  }
  return absl::string_view::npos;
}

bool IsValidUtf8(absl::string_view s) { return FirstInvalidUtf8(s) == absl::string_view::npos; }

absl::StatusOr<std::string> NormalizeNfc(absl::string_view s, absl::string_view field) {
  if (!IsValidUtf8(s)) return InvalidField(field, "is not valid UTF-8");
  std::string unix_lines;
  unix_lines.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      unix_lines.push_back('\n');
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else if (IsForbiddenControl(static_cast<unsigned char>(s[i]))) {
      return InvalidField(field, absl::StrCat("contains the control character U+", absl::Hex(s[i], absl::kZeroPad4),
                                              " at byte ", i, "; only tab and line breaks are allowed"));
    } else {
      unix_lines.push_back(s[i]);
    }
  }
  if (IsAscii(unix_lines)) return unix_lines;
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(unix_lines);
  if (Nfc().isNormalized(u, status) && U_SUCCESS(status)) return unix_lines;
  status = U_ZERO_ERROR;
  icu::UnicodeString normalized = Nfc().normalize(u, status);
  if (U_FAILURE(status)) return InvalidField(field, "cannot be normalised");
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

std::string Fold(absl::string_view s) {
  if (!IsValidUtf8(s)) return "";
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  auto emit = [&](UChar32 c) {
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    char buf[U8_MAX_LENGTH];
    int32_t len = 0;
    U8_APPEND_UNSAFE(buf, len, c);  // buf holds any code point.
    out.append(buf, static_cast<size_t>(len));
  };
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString decomposed = Nfd().normalize(icu::UnicodeString::fromUTF8(s), status);
  if (U_FAILURE(status)) return "";
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    const int8_t type = u_charType(c);
    if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_COMBINING_SPACING_MARK) continue;
    if (c == 0x0111 || c == 0x0110) {  // đ, Đ: no canonical decomposition.
      emit('d');
      continue;
    }
    if (u_isalnum(c)) {
      emit(u_foldCase(c, U_FOLD_CASE_DEFAULT));
    } else {
      pending_space = true;  // white space, punctuation, symbols, controls.
    }
  }
  return out;
}

std::vector<std::string> FoldedWords(absl::string_view query) {
  std::vector<std::string> words;
  for (absl::string_view w : absl::StrSplit(Fold(query), ' ', absl::SkipEmpty())) words.emplace_back(w);
  return words;
}

}  // namespace p06::text
