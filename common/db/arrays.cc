#include "common/db/arrays.h"

#include <pqxx/pqxx>

#include "absl/strings/str_join.h"

namespace p06::db {

std::vector<std::string> TextArray(const pqxx::field& field) {
  std::vector<std::string> out;
  pqxx::array_parser parser = field.as_array();
  for (auto [juncture, value] = parser.get_next(); juncture != pqxx::array_parser::done;
       std::tie(juncture, value) = parser.get_next()) {
    if (juncture == pqxx::array_parser::string_value) out.push_back(value);
  }
  return out;
}

std::vector<int> IntArray(const pqxx::field& field) {
  std::vector<int> out;
  for (const std::string& s : TextArray(field)) out.push_back(std::stoi(s));
  return out;
}

std::string ArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string ArrayLiteral(const std::vector<int>& values) { return "{" + absl::StrJoin(values, ",") + "}"; }
std::string ArrayLiteral(const std::vector<int64_t>& values) { return "{" + absl::StrJoin(values, ",") + "}"; }

}  // namespace p06::db
