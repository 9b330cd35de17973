// What a hostile task title or ad hoc label cannot do to an export: run as a formula
// in Excel, inject HTML or Markdown, or pick the file's path.
#include "services/reporting/export/exporters.h"

#include <gtest/gtest.h>

namespace p06::reporting {
namespace {

pb::Report Hostile() {
  pb::Report r;
  r.set_name("reports/1");
  r.set_plan("plans/p");
  r.set_issuer("Bộ <Tư> pháp");
  r.mutable_period()->set_kind(pb::PERIOD_KIND_AD_HOC);
  r.mutable_period()->set_label("../../etc/x\r\n# heading");
  pb::TaskLine* line = r.add_tasks();
  line->set_number(1);
  line->set_title("=HYPERLINK(\"http://evil\")");
  pb::Difficulty* d = r.add_difficulties();
  d->set_difficulties("<script>alert(1)</script> | x");
  return r;
}

TEST(ExportersTest, ACsvFieldThatLooksLikeAFormulaStaysText) {
  absl::StatusOr<Document> csv = Export(Hostile(), pb::EXPORT_FORMAT_CSV);
  ASSERT_TRUE(csv.ok());
  EXPECT_NE(csv->content.find("\"'=HYPERLINK(\"\"http://evil\"\")\""), std::string::npos);
  EXPECT_EQ(csv->content.find(",=HYPERLINK"), std::string::npos);
}

TEST(ExportersTest, HtmlAndMarkdownShowTextNotMarkup) {
  absl::StatusOr<Document> html = Export(Hostile(), pb::EXPORT_FORMAT_HTML);
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(html->content.find("<script>"), std::string::npos);
  EXPECT_NE(html->content.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html->content.find("BỘ &lt;TƯ&gt; PHÁP"), std::string::npos) << "the issuer, upper-cased and escaped";
  absl::StatusOr<Document> md = Export(Hostile(), pb::EXPORT_FORMAT_MARKDOWN);
  ASSERT_TRUE(md.ok());
  EXPECT_EQ(md->content.find("<script>"), std::string::npos);
  EXPECT_EQ(md->content.find("\n# heading"), std::string::npos) << "a label cannot start a heading";
}

TEST(ExportersTest, TheFileNameIsSafeWhateverTheLabel) {
  absl::StatusOr<Document> xlsx = Export(Hostile(), pb::EXPORT_FORMAT_XLSX);
  ASSERT_TRUE(xlsx.ok());
  EXPECT_EQ(xlsx->file_name.find('/'), std::string::npos);
  EXPECT_EQ(xlsx->file_name.find('\n'), std::string::npos);
  EXPECT_EQ(xlsx->file_name.substr(xlsx->file_name.size() - 5), ".xlsx");
  EXPECT_EQ(Export(Hostile(), pb::EXPORT_FORMAT_UNSPECIFIED).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace p06::reporting
