// PostgreSQL arrays with libpqxx 6 (which converts none): reading a text[] or int[]
// column, and writing a vector as an array literal parameter ($1::text[]).
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace p06::db {

std::vector<std::string> TextArray(const pqxx::field& field);
std::vector<int> IntArray(const pqxx::field& field);
// '{"a","b\"c"}': every element quoted and escaped, so any text is safe.
std::string ArrayLiteral(const std::vector<std::string>& values);
std::string ArrayLiteral(const std::vector<int>& values);
std::string ArrayLiteral(const std::vector<int64_t>& values);

}  // namespace p06::db
