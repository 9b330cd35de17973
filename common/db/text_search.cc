#include "common/db/text_search.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace p06::db {

std::string PrefixTsQuery(const std::vector<std::string>& folded_words) {
  std::string out;
  for (const std::string& word : folded_words) {
    if (word.empty()) continue;
    if (!out.empty()) out += " & ";
    // Inside quotes only a quote (doubled) and a backslash (escaped) are special.
    absl::StrAppend(&out, "'", absl::StrReplaceAll(word, {{"\\", "\\\\"}, {"'", "''"}}), "':*");
  }
  return out;
}

std::string RankSql(const std::string& vector, const std::string& query) {
  // Normalisation 2: the rank divided by the length of the text ranked. The words as
  // typed count above the longer words they begin ("tu" is "tư", more than "tuyên"):
  // the same query without its ':*' (no folded word holds a ':').
  const std::string prefix = absl::StrCat("to_tsquery('simple', ", query, ")");
  const std::string exact = absl::StrCat("to_tsquery('simple', replace(", query, ", ':*', ''))");
  const std::string heavy = absl::StrCat("ts_filter(", vector, ", '{a}')");
  return absl::StrCat("(CASE WHEN ", query, " = '' THEN 0 ELSE ((",                          //
                      "ts_rank_cd(", heavy, ", ", exact, ", 2) + 0.5 * ts_rank_cd(", heavy, ", ", prefix, ", 2)",
                      " + 0.1 * ts_rank_cd(", vector, ", ", prefix, ", 2)) * 1000000)::bigint END)");
}

std::string RankedPageSql(const RankedPageQuery& q) {
  return absl::StrCat("SELECT * FROM (", q.columns, ", ", RankSql(q.vector, q.search), " AS rank ", q.from,
                      ") ranked WHERE rank < ", q.after_rank, " OR (rank = ", q.after_rank, " AND ", q.key, " > ",
                      q.after_key, ") ORDER BY rank DESC, ", q.key, " LIMIT ", q.limit);
}

}  // namespace p06::db
