// The key unit and group names are compared on: folded (text::Fold: case, diacritics,
// punctuation, spaces), then each word that is an abbreviation replaced by its folded
// expansion ("STP Ha Noi" and "Sở Tư pháp Hà Nội" share one). The name index resolves
// by it; the store keeps names apart by it, with the abbreviations it holds in the
// writing transaction, so that a replica whose index is one import behind cannot let
// two names that read alike in.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace p06::directory {

// Folded abbreviation → folded expansion.
using Expansions = absl::flat_hash_map<std::string, std::string>;

// From (abbreviation, expansion) pairs as stored, in any case and with diacritics.
Expansions FoldExpansions(const std::vector<std::pair<std::string, std::string>>& abbreviations);

// `folded` (text::Fold's output) with its abbreviations expanded.
std::string ExpandAbbreviations(absl::string_view folded, const Expansions& expansions);

// The key of a name as written.
std::string NameKeyOf(absl::string_view text, const Expansions& expansions);

}  // namespace p06::directory
