#include "services/task/continuity.h"

#include <gtest/gtest.h>

#include "common/text/fold.h"

namespace p06::task {
namespace {

double Similar(const char* a, const char* b) { return TitleSimilarity(text::Fold(a), text::Fold(b)); }

TEST(TitleSimilarityTest, YearsCaseAndDiacriticsDoNotCount) {
  EXPECT_DOUBLE_EQ(Similar("Kế hoạch triển khai Đề án 06 năm 2025", "KE HOACH trien khai De an 06 nam 2026"), 1.0);
  EXPECT_DOUBLE_EQ(Similar("", ""), 0.0);
  EXPECT_DOUBLE_EQ(Similar("Báo cáo", "Báo cáo"), 1.0);
}

TEST(TitleSimilarityTest, SharedGenericWordsAreNotEnough) {
  // Both "triển khai … Đề án 06", about different things.
  EXPECT_LT(Similar("Tổ chức tuyên truyền, phổ biến về các nội dung có liên quan đến triển khai thực hiện Đề án 06",
                    "Tham mưu, đề xuất kinh phí thực hiện nhiệm vụ được giao của Đề án 06"),
            kMinContinuationScore);
  EXPECT_GE(Similar("Cung cấp DVCTT về Đăng ký khai sinh trên Cổng dịch vụ công quốc gia",
                    "Tiếp tục cung cấp DVCTT về Đăng ký khai sinh trên Cổng dịch vụ công quốc gia"),
            0.9);
}

TEST(BestContinuationTest, TheMostAlikeAboveTheFloorOrNone) {
  const std::vector<TitledTask> previous = {
      {.name = "a", .folded_title = text::Fold("Đăng ký khai tử trực tuyến")},
      {.name = "b", .folded_title = text::Fold("Đăng ký khai sinh trực tuyến")},
  };
  ContinuationMatch m = BestContinuation({.folded_title = text::Fold("Đăng ký khai sinh trực tuyến năm 2026")}, previous);
  EXPECT_EQ(m.previous, 1);
  EXPECT_GT(m.score, 0.9);
  EXPECT_EQ(BestContinuation({.folded_title = text::Fold("Kiểm kê tài sản")}, previous).previous, -1);
}

}  // namespace
}  // namespace p06::task
