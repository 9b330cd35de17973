// Word search with PostgreSQL's full-text search over folded text (common/text/fold.h):
// the query a list of typed words becomes, and the rank that orders its matches, so
// that every service searches and ranks the same way.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace p06::db {

// A to_tsquery('simple', …) text in which every word must match the start of a word,
// in any order: {"dinh", "danh"} → "'dinh':* & 'danh':*". Each word is quoted, so no
// input is read as tsquery syntax. "" for no words (the caller then filters nothing).
std::string PrefixTsQuery(const std::vector<std::string>& folded_words);

// The SQL of a match's rank as a bigint, higher first. A match in the part of the
// text weighted 'A' (a task's title, a unit's name) counts first, divided by that
// part's length: a short title that says what was typed comes before a long one that
// also says it, and words as typed before longer words they begin. The whole text,
// weighted, breaks ties. Both are ts_rank_cd (cover
// density: the words close together count most), scaled to an integer so that a page
// token holds it exactly. `vector` is the tsvector column, `query` the parameter
// holding PrefixTsQuery's text; 0 when that text is empty.
std::string RankSql(const std::string& vector, const std::string& query);

// The rank a page token says to resume below when it holds none (the first page).
inline constexpr int64_t kFirstPageRank = INT64_MAX;

// A row of a ranked List query and its rank (0 without a search).
template <typename T>
struct Ranked {
  T row;
  int64_t rank = 0;
};

// The parts of a List query ranked by a search: `columns` ("SELECT a, b"; `key` among
// them), `from` (FROM and WHERE), the tsvector column and the parameters of the
// search (PrefixTsQuery's text), of where the page resumes and of its size.
struct RankedPageQuery {
  std::string columns;
  std::string from;
  std::string vector;
  std::string search;
  std::string key;
  std::string after_rank;
  std::string after_key;
  std::string limit;
};

// The SQL of such a page: its rows best first (RankSql as the last column, "rank"),
// then by key, after (after_rank, after_key) in that order.
std::string RankedPageSql(const RankedPageQuery& q);

}  // namespace p06::db
