#include "common/text/fold.h"

#include <gtest/gtest.h>

#include "tests/harness/status_matchers.h"

namespace p06::text {
namespace {

using ::p06::testing::StatusIs;

TEST(FoldTest, RemovesDiacriticsAndCase) {
  EXPECT_EQ(Fold("Cục Công nghệ thông tin"), "cuc cong nghe thong tin");
  EXPECT_EQ(Fold("VĂN PHÒNG BỘ"), "van phong bo");
  EXPECT_EQ(Fold("Sở Tư pháp"), "so tu phap");
  EXPECT_EQ(Fold("Ủy ban nhân dân"), "uy ban nhan dan");
}

TEST(FoldTest, DBarBecomesD) {
  EXPECT_EQ(Fold("Đề án 06"), "de an 06");
  EXPECT_EQ(Fold("đăng ký"), "dang ky");
}

TEST(FoldTest, PunctuationAndSpacesCollapse) {
  EXPECT_EQ(Fold("  Cục Kiểm tra   VBQPPL, (Bộ Tư pháp)! "), "cuc kiem tra vbqppl bo tu phap");
  EXPECT_EQ(Fold("Pháp luật hình sự – hành chính"), "phap luat hinh su hanh chinh");
  EXPECT_EQ(Fold("\t\n"), "");
}

TEST(FoldTest, DecomposedInputFoldsLikeComposed) {
  // "Hộ" written as H + o + combining dot below + combining circumflex.
  EXPECT_EQ(Fold("H\x6f\xcc\xa3\xcc\x82 ti\xcc\xa3"
                 "ch"),
            Fold("Hộ tịch"));
}

TEST(FoldTest, InvalidUtf8FoldsToEmpty) {
  EXPECT_EQ(Fold("abc\xff"), "");
  EXPECT_FALSE(IsValidUtf8("\xc3\x28"));
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // UTF-16 surrogate.
  EXPECT_TRUE(IsValidUtf8("Bộ Tư pháp"));
}

TEST(NormalizeNfcTest, ComposesAndUnifiesLineEnds) {
  absl::StatusOr<std::string> nfc = NormalizeNfc(
      "Ho\xcc\xa3\xcc\x82\r\n"
      "x\ry");
  ASSERT_TRUE(nfc.ok());
  EXPECT_EQ(*nfc, "Hộ\nx\ny");
}

TEST(NormalizeNfcTest, RefusesInvalidUtf8NamingTheField) {
  EXPECT_THAT(NormalizeNfc("\xff", "unit.display_name"),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("unit.display_name")));
}

}  // namespace
}  // namespace p06::text
