// Every unit name the 2025 plan (Quyết định 910/QĐ-BTP) writes in its appendix, as
// written there, resolved through the real server on the shipped reference data.
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <thread>

#include "absl/strings/str_replace.h"
#include "common/text/fold.h"
#include "tests/integration/directory_server.h"

namespace p06::testing {
namespace {

using MK = dpb::MatchKind;

struct PlanName {
  const char* text;    // As printed (after the importer splits lists and joins page breaks).
  const char* target;  // The unit or group it must resolve to.
  MK kind;
  const char* via = "";  // The former unit passed through, for SUCCESSOR_OF.
};

const PlanName kPlanNames[] = {
    {"Văn phòng Bộ", "units/van-phong-bo", dpb::MATCH_KIND_EXACT},
    {"Cục Công nghệ thông tin", "units/cuc-cntt", dpb::MATCH_KIND_EXACT},
    {"Vụ Tổ chức cán bộ", "units/vu-tccb", dpb::MATCH_KIND_EXACT},
    {"Cục Kiểm tra văn bản và Quản lý xử lý vi phạm hành chính", "units/cuc-ktvb-qlxlvphc", dpb::MATCH_KIND_EXACT},
    {"Cục Kiểm tra văn bản và Xử lý VPHC và theo dõi THPL", "units/cuc-ktvb-qlxlvphc", dpb::MATCH_KIND_ALIAS},
    {"Cục Kiểm tra VBQPPL", "units/cuc-ktvb-qlxlvphc", dpb::MATCH_KIND_SUCCESSOR_OF, "units/cuc-ktvbqppl"},
    {"Cục Quản lý thi hành án dân sự", "units/cuc-qlthads", dpb::MATCH_KIND_EXACT},
    {"Cục Phổ biến, giáo dục pháp luật và Trợ giúp pháp lý", "units/cuc-pbgdpl-tgpl", dpb::MATCH_KIND_EXACT},
    {"Cục Hỗ trợ tư pháp", "units/cuc-bo-tro-tu-phap", dpb::MATCH_KIND_ALIAS},
    {"Cục Đăng ký giao dịch bảo đảm và Bồi thường nhà nước", "units/cuc-dkgdbd-btnn", dpb::MATCH_KIND_EXACT},
    {"Cục Đăng ký giao dịch bảo đảm và Bồi thường nhà nước.", "units/cuc-dkgdbd-btnn", dpb::MATCH_KIND_FOLDED},
    {"Cục Hành chính tư pháp", "units/cuc-hctp", dpb::MATCH_KIND_EXACT},
    {"Vụ công tác xây dựng văn bản quy phạm pháp luật.", "units/vu-xdvbqppl", dpb::MATCH_KIND_FOLDED},
    {"Cục Kế hoạch - Tài chính", "units/cuc-khtc", dpb::MATCH_KIND_FOLDED},
    {"Cục Hộ tịch, quốc tịch, chứng thực", "units/cuc-hctp", dpb::MATCH_KIND_SUCCESSOR_OF, "units/cuc-htqtct"},
    {"Tổng cục Thi hành án dân sự", "units/cuc-qlthads", dpb::MATCH_KIND_SUCCESSOR_OF, "units/tong-cuc-thads"},
    {"Cục Trợ giúp pháp lý", "units/cuc-pbgdpl-tgpl", dpb::MATCH_KIND_SUCCESSOR_OF, "units/cuc-tgpl"},
    {"Bộ Công an", "units/bo-cong-an", dpb::MATCH_KIND_EXACT},
    {"Tòa án nhân dân tối cao", "units/tandtc", dpb::MATCH_KIND_EXACT},
    {"Văn phòng Chính phủ", "units/van-phong-chinh-phu", dpb::MATCH_KIND_EXACT},
    {"Tổ Công tác Đề án 06 của Chính phủ", "units/to-cong-tac-de-an-06", dpb::MATCH_KIND_EXACT},
    {"Các đơn vị thuộc Bộ", "groups/don-vi-thuoc-bo", dpb::MATCH_KIND_EXACT},
    {"Các đơn vị thuộc Bộ có liên quan", "groups/don-vi-thuoc-bo-lien-quan", dpb::MATCH_KIND_EXACT},
    {"Các đơn vị thuộc Bộ có liên quan.", "groups/don-vi-thuoc-bo-lien-quan", dpb::MATCH_KIND_FOLDED},
    {"các đơn vị thuộc Bộ có liên quan", "groups/don-vi-thuoc-bo-lien-quan", dpb::MATCH_KIND_FOLDED},
    {"các cơ quan thông tin, báo chí ngành", "groups/co-quan-bao-chi-nganh", dpb::MATCH_KIND_FOLDED},
    {"Các cơ quan có liên quan", "groups/co-quan-lien-quan", dpb::MATCH_KIND_EXACT},
    {"Các Bộ, ngành, địa phương,...", "groups/bo-nganh-dia-phuong", dpb::MATCH_KIND_FOLDED},
    {"Các đơn vị quản lý Hệ thống thông tin, Cơ sở dữ liệu", "groups/don-vi-quan-ly-httt-csdl", dpb::MATCH_KIND_EXACT},
    {"STP các tỉnh, thành phố trực thuộc TW", "groups/so-tu-phap", dpb::MATCH_KIND_ABBREVIATION},
};

std::string Upper(const std::string& s) {
  std::string out;
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
  u.toUpper(icu::Locale("vi"));
  u.toUTF8String(out);
  return out;
}

// The same name as people type it in e-mails: no diacritics, "d" for "đ" (and, as
// text::Fold does it, lower case and no punctuation).
std::string WithoutDiacritics(const std::string& s) { return text::Fold(s); }

class DirectoryResolutionTest : public DirectoryServerTest {
 protected:
  // The units a resolution stands for: a unit, or a group's members.
  static std::vector<std::string> Units(const dpb::Resolution& r) { return {r.units().begin(), r.units().end()}; }
};

TEST_F(DirectoryResolutionTest, EveryNameOfThePlanResolvesAsWritten) {
  std::vector<std::string> names;
  for (const PlanName& n : kPlanNames) names.push_back(n.text);
  dpb::ResolveUnitNamesResponse response = Resolve(names);
  ASSERT_EQ(response.resolutions_size(), static_cast<int>(names.size()));
  for (size_t i = 0; i < names.size(); ++i) {
    const PlanName& want = kPlanNames[i];
    const dpb::Resolution& got = response.resolutions(static_cast<int>(i));
    SCOPED_TRACE(want.text);
    EXPECT_EQ(got.input(), want.text);
    EXPECT_EQ(dpb::MatchKind_Name(got.match_kind()), dpb::MatchKind_Name(want.kind));
    if (std::string(want.target).rfind("groups/", 0) == 0) {
      EXPECT_EQ(got.group(), want.target);
    } else {
      EXPECT_EQ(Units(got), std::vector<std::string>{want.target});
      EXPECT_TRUE(got.group().empty());
    }
    if (*want.via != '\0') {
      ASSERT_EQ(got.successor_chain_size(), 2);
      EXPECT_EQ(got.successor_chain(0), want.via);
      EXPECT_EQ(got.successor_chain(1), want.target);
    }
    EXPECT_GE(got.confidence(), 0.95);
  }
}

TEST_F(DirectoryResolutionTest, GroupsExpandToTheirMembers) {
  dpb::ResolveUnitNamesResponse r =
      Resolve({"Các đơn vị thuộc Bộ có liên quan", "STP các tỉnh, thành phố trực thuộc TW", "Các cơ quan có liên quan",
               "các cơ quan thông tin, báo chí ngành"});
  EXPECT_EQ(r.resolutions(0).units_size(), 20);   // Decree 39/2025's twenty units.
  EXPECT_EQ(r.resolutions(1).units_size(), 34);   // The provincial justice departments since 2025-07-01.
  EXPECT_TRUE(r.resolutions(2).units().empty());  // A marker, never a guess.
  EXPECT_EQ(Units(r.resolutions(3)), (std::vector<std::string>{"units/bao-plvn", "units/tap-chi-dcpl"}));
}

TEST_F(DirectoryResolutionTest, VariantsResolveIdentically) {
  std::vector<std::string> names;
  for (const PlanName& n : kPlanNames) {
    std::string s = n.text;
    names.push_back(s);
    names.push_back(WithoutDiacritics(s));
    names.push_back(Upper(s));
    names.push_back("  " + absl::StrReplaceAll(s, {{" ", "   "}}) + " ;");
    names.push_back("- " + s + ".");
  }
  dpb::ResolveUnitNamesResponse r = Resolve(names);
  ASSERT_EQ(r.resolutions_size(), static_cast<int>(names.size()));
  for (size_t i = 0; i < names.size(); i += 5) {
    const dpb::Resolution& base = r.resolutions(static_cast<int>(i));
    for (size_t v = 1; v < 5; ++v) {
      const dpb::Resolution& variant = r.resolutions(static_cast<int>(i + v));
      SCOPED_TRACE(names[i + v]);
      EXPECT_EQ(Units(variant), Units(base));
      EXPECT_EQ(variant.group(), base.group());
      EXPECT_NE(variant.match_kind(), dpb::MATCH_KIND_UNRESOLVED);
    }
  }
}

TEST_F(DirectoryResolutionTest, AbbreviatedNamesResolveLikeTheFullOnes) {
  dpb::ResolveUnitNamesResponse r =
      Resolve({"Cục CNTT", "cuc cntt", "Vụ TCCB", "STP Hà Nội", "Cục QL THADS", "CCNTT", "Sở Tư pháp tỉnh Bắc Ninh"});
  EXPECT_EQ(Units(r.resolutions(0)), std::vector<std::string>{"units/cuc-cntt"});
  EXPECT_EQ(Units(r.resolutions(1)), std::vector<std::string>{"units/cuc-cntt"});
  EXPECT_EQ(Units(r.resolutions(2)), std::vector<std::string>{"units/vu-tccb"});
  EXPECT_EQ(Units(r.resolutions(3)), std::vector<std::string>{"units/stp-ha-noi"});
  EXPECT_EQ(r.resolutions(4).match_kind(), dpb::MATCH_KIND_UNRESOLVED);   // "QL" is no abbreviation we know.
  EXPECT_EQ(r.resolutions(4).candidates(0).name(), "units/cuc-qlthads");  // … but the right one is offered.
  EXPECT_EQ(Units(r.resolutions(5)), std::vector<std::string>{"units/cuc-cntt"});
  EXPECT_EQ(Units(r.resolutions(6)), std::vector<std::string>{"units/stp-bac-ninh"});
}

TEST_F(DirectoryResolutionTest, HoTichIsNeverHoTroTuPhap) {
  dpb::ResolveUnitNamesResponse r = Resolve({"Cục Hộ tịch", "Cuc Ho tich", "Cục Hộ tịch, quốc tịch"});
  for (const auto& res : r.resolutions()) {
    SCOPED_TRACE(res.input());
    // Something is said of each name (units, or candidates to choose from): a test
    // that nothing resolved at all would pass is no test.
    ASSERT_TRUE(!res.units().empty() || !res.candidates().empty()) << res.ShortDebugString();
    for (const auto& u : res.units()) EXPECT_NE(u, "units/cuc-bo-tro-tu-phap");
    if (res.units().empty()) {
      EXPECT_NE(res.candidates(0).name(), "units/cuc-bo-tro-tu-phap");
    }
  }
}

TEST_F(DirectoryResolutionTest, UnknownNamesComeBackUnresolvedNotAsAnError) {
  dpb::ResolveUnitNamesResponse r = Resolve({"Văn phòng Bộ", "Ban Quản lý dự án xyz", "", std::string(600, 'x')});
  EXPECT_EQ(r.resolutions(0).match_kind(), dpb::MATCH_KIND_EXACT);
  EXPECT_EQ(r.resolutions(1).match_kind(), dpb::MATCH_KIND_UNRESOLVED);
  EXPECT_EQ(r.resolutions(2).match_kind(), dpb::MATCH_KIND_INVALID);
  EXPECT_EQ(r.resolutions(3).match_kind(), dpb::MATCH_KIND_INVALID);
}

TEST_F(DirectoryResolutionTest, TooManyNamesIsInvalidArgument) {
  dpb::ResolveUnitNamesRequest request;
  for (int i = 0; i < 1001; ++i) request.add_names("Văn phòng Bộ");
  dpb::ResolveUnitNamesResponse response;
  EXPECT_THAT(Call(&dpb::DirectoryService::Stub::ResolveUnitNames, request, &response),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("names")));
}

TEST_F(DirectoryResolutionTest, AsOfBeforeTheReorganisationKeepsTheOldUnit) {
  dpb::ResolveUnitNamesRequest request;
  request.add_names("Tổng cục Thi hành án dân sự");
  request.mutable_as_of()->set_year(2025);
  request.mutable_as_of()->set_month(2);
  request.mutable_as_of()->set_day(28);
  dpb::ResolveUnitNamesResponse response;
  ASSERT_TRUE(Call(&dpb::DirectoryService::Stub::ResolveUnitNames, request, &response).ok());
  EXPECT_EQ(Units(response.resolutions(0)), std::vector<std::string>{"units/tong-cuc-thads"});
  EXPECT_EQ(response.resolutions(0).match_kind(), dpb::MATCH_KIND_EXACT);
}

}  // namespace
}  // namespace p06::testing
