#include "services/directory/storage/name_key.h"

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/text/fold.h"

namespace p06::directory {

Expansions FoldExpansions(const std::vector<std::pair<std::string, std::string>>& abbreviations) {
  Expansions out;
  for (const auto& [abbreviation, expansion] : abbreviations) out[text::Fold(abbreviation)] = text::Fold(expansion);
  return out;
}

std::string ExpandAbbreviations(absl::string_view folded, const Expansions& expansions) {
  std::vector<std::string> out;
  for (absl::string_view token : absl::StrSplit(folded, ' ', absl::SkipEmpty())) {
    auto it = expansions.find(token);
    out.push_back(it == expansions.end() ? std::string(token) : it->second);
  }
  return absl::StrJoin(out, " ");
}

std::string NameKeyOf(absl::string_view text, const Expansions& expansions) {
  return ExpandAbbreviations(text::Fold(text), expansions);
}

}  // namespace p06::directory
