// The 2025 reorganisation of the state (services/directory/schema/005_*.sql) through the
// real server: names resolved as of a day before and a day after, with and without
// diacritics and abbreviated, and the provincial departments' group as of each day.
#include <set>
#include <tuple>

#include "common/grpc/proto_time.h"
#include "tests/integration/directory_server.h"

namespace p06::testing {
namespace {

using ::testing::HasSubstr;
using MK = dpb::MatchKind;

struct Case {
  const char* text;
  const char* unit;  // The one unit it stands for.
  MK kind;
  const char* via = "";  // For SUCCESSOR_OF: the unit of the name, before it ended.
};

class DirectoryReorganisationTest : public DirectoryServerTest {
 protected:
  dpb::ResolveUnitNamesResponse ResolveAsOf(const std::vector<std::string>& names, int y, int m, int d) {
    dpb::ResolveUnitNamesRequest request;
    for (const auto& n : names) request.add_names(n);
    request.mutable_as_of()->set_year(y);
    request.mutable_as_of()->set_month(m);
    request.mutable_as_of()->set_day(d);
    dpb::ResolveUnitNamesResponse response;
    grpc::Status status = Call(&dpb::DirectoryService::Stub::ResolveUnitNames, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  void ExpectTable(const std::vector<Case>& cases, int y, int m, int d) {
    std::vector<std::string> names;
    for (const Case& c : cases) names.push_back(c.text);
    dpb::ResolveUnitNamesResponse r = ResolveAsOf(names, y, m, d);
    ASSERT_EQ(r.resolutions_size(), static_cast<int>(cases.size()));
    for (size_t i = 0; i < cases.size(); ++i) {
      const dpb::Resolution& got = r.resolutions(static_cast<int>(i));
      const Case& want = cases[i];
      SCOPED_TRACE(absl::StrCat(want.text, " as of ", y, "-", m, "-", d));
      ASSERT_EQ(got.units_size(), 1) << got.DebugString();
      EXPECT_EQ(got.units(0), want.unit);
      EXPECT_EQ(got.match_kind(), want.kind) << dpb::MatchKind_Name(got.match_kind());
      if (want.kind == dpb::MATCH_KIND_SUCCESSOR_OF) {
        ASSERT_GE(got.successor_chain_size(), 2) << got.DebugString();
        EXPECT_EQ(got.successor_chain(0), want.via);
      }
    }
  }
};

TEST_F(DirectoryReorganisationTest, ProvincialDepartmentsBeforeAndAfterTheMerger) {
  ExpectTable({{"Sở Tư pháp tỉnh Bình Dương", "units/stp-binh-duong", dpb::MATCH_KIND_ALIAS},
               {"So Tu phap tinh Binh Duong", "units/stp-binh-duong", dpb::MATCH_KIND_FOLDED},
               {"STP Bình Dương", "units/stp-binh-duong", dpb::MATCH_KIND_ABBREVIATION},
               {"Sở Tư pháp Hà Giang", "units/stp-ha-giang", dpb::MATCH_KIND_EXACT},
               {"So Tu phap TP HCM", "units/stp-thanh-pho-ho-chi-minh", dpb::MATCH_KIND_ABBREVIATION},
               {"STP TP.HCM", "units/stp-thanh-pho-ho-chi-minh", dpb::MATCH_KIND_ABBREVIATION},
               {"Sở Tư pháp Hà Nội", "units/stp-ha-noi", dpb::MATCH_KIND_EXACT}},
              2025, 3, 1);
  ExpectTable({{"Sở Tư pháp tỉnh Bình Dương", "units/stp-thanh-pho-ho-chi-minh", dpb::MATCH_KIND_SUCCESSOR_OF,
                "units/stp-binh-duong"},
               {"So Tu phap tinh Binh Duong", "units/stp-thanh-pho-ho-chi-minh", dpb::MATCH_KIND_SUCCESSOR_OF,
                "units/stp-binh-duong"},
               {"STP Bình Dương", "units/stp-thanh-pho-ho-chi-minh", dpb::MATCH_KIND_SUCCESSOR_OF,
                "units/stp-binh-duong"},
               {"Sở Tư pháp Hà Giang", "units/stp-tuyen-quang", dpb::MATCH_KIND_SUCCESSOR_OF, "units/stp-ha-giang"},
               {"Sở Tư pháp Kiên Giang", "units/stp-an-giang", dpb::MATCH_KIND_SUCCESSOR_OF, "units/stp-kien-giang"},
               {"So Tu phap TP HCM", "units/stp-thanh-pho-ho-chi-minh", dpb::MATCH_KIND_ABBREVIATION},
               {"Sở Tư pháp TPHCM", "units/stp-thanh-pho-ho-chi-minh", dpb::MATCH_KIND_ABBREVIATION},
               {"Sở Tư pháp Hà Nội", "units/stp-ha-noi", dpb::MATCH_KIND_EXACT},
               {"STP HN", "units/stp-ha-noi", dpb::MATCH_KIND_ABBREVIATION}},
              2026, 6, 1);
}

TEST_F(DirectoryReorganisationTest, MinistriesBeforeAndAfterTheRestructuring) {
  ExpectTable({{"Bộ Kế hoạch và Đầu tư", "units/bo-khdt", dpb::MATCH_KIND_EXACT},
               {"Bo Giao thong van tai", "units/bo-gtvt", dpb::MATCH_KIND_FOLDED},
               {"Bộ Công an", "units/bo-cong-an", dpb::MATCH_KIND_EXACT}},
              2025, 2, 28);
  ExpectTable({{"Bộ Kế hoạch và Đầu tư", "units/bo-tai-chinh", dpb::MATCH_KIND_SUCCESSOR_OF, "units/bo-khdt"},
               {"Bo Giao thong van tai", "units/bo-xay-dung", dpb::MATCH_KIND_SUCCESSOR_OF, "units/bo-gtvt"},
               {"Bộ TTTT", "units/bo-khcn", dpb::MATCH_KIND_SUCCESSOR_OF, "units/bo-tttt"},
               {"Ủy ban Dân tộc", "units/bo-dan-toc-ton-giao", dpb::MATCH_KIND_SUCCESSOR_OF, "units/uy-ban-dan-toc"},
               {"Bo Noi vu", "units/bo-noi-vu", dpb::MATCH_KIND_FOLDED},
               {"Bộ Nông nghiệp và Môi trường", "units/bo-nong-nghiep-moi-truong", dpb::MATCH_KIND_EXACT},
               {"BCA", "units/bo-cong-an", dpb::MATCH_KIND_ABBREVIATION}},
              2026, 6, 1);
  // Labour, Invalids and Social Affairs went to three ministries.
  dpb::ResolveUnitNamesResponse r = ResolveAsOf({"Bộ Lao động - Thương binh và Xã hội"}, 2026, 6, 1);
  std::vector<std::string> units(r.resolutions(0).units().begin(), r.resolutions(0).units().end());
  EXPECT_EQ(units, (std::vector<std::string>{"units/bo-noi-vu", "units/bo-gddt", "units/bo-y-te"}));
}

TEST_F(DirectoryReorganisationTest, TheMinistrysOwnUnitsUnderDecree09Of2026) {
  ExpectTable({{"Cục Kiểm soát thủ tục hành chính", "units/cuc-ksthc", dpb::MATCH_KIND_EXACT},
               {"Cuc Kiem soat thu tuc hanh chinh", "units/cuc-ksthc", dpb::MATCH_KIND_FOLDED},
               {"Cục Kiểm soát TTHC", "units/cuc-ksthc", dpb::MATCH_KIND_ABBREVIATION}},
              2026, 6, 1);
  // Thanh tra Bộ: itself in 2025; from 2026-01-10 no longer a unit, and no successor is
  // made up for it.
  ExpectTable({{"Thanh tra Bộ", "units/thanh-tra-bo", dpb::MATCH_KIND_EXACT}}, 2025, 6, 1);
  const dpb::Resolution later = ResolveAsOf({"Thanh tra Bộ"}, 2026, 6, 1).resolutions(0);
  EXPECT_TRUE(later.units().empty()) << later.DebugString();
  EXPECT_EQ(ResolveAsOf({"Các đơn vị thuộc Bộ"}, 2026, 6, 1).resolutions(0).units_size(), 20);
}

// Units that began within the records: before that day their names are nobody's, and
// they are in no group; from it, themselves.
TEST_F(DirectoryReorganisationTest, AUnitThatBeganLaterIsNotThereBefore) {
  for (const auto& [name, unit, began] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"Cục Kiểm soát thủ tục hành chính", "units/cuc-ksthc", "2026-01-10"},
           {"Bo Nong nghiep va Moi truong", "units/bo-nong-nghiep-moi-truong", "2025-03-01"},
           {"Bộ Dân tộc và Tôn giáo", "units/bo-dan-toc-ton-giao", "2025-03-01"}}) {
    const dpb::Resolution before = ResolveAsOf({name}, 2025, 2, 1).resolutions(0);
    EXPECT_EQ(before.match_kind(), dpb::MATCH_KIND_UNRESOLVED) << before.DebugString();
    EXPECT_TRUE(before.units().empty());
    EXPECT_THAT(before.error(), HasSubstr(absl::StrCat("began on ", began)));
    ASSERT_EQ(before.candidates_size(), 1);
    EXPECT_EQ(before.candidates(0).name(), unit);
    const dpb::Resolution after = ResolveAsOf({name}, 2026, 6, 1).resolutions(0);
    ASSERT_EQ(after.units_size(), 1) << after.DebugString();
    EXPECT_EQ(after.units(0), unit);
  }
  // The ministry's units: with Thanh tra Bộ and without the new Cục in 2025, the
  // other way round from 2026-01-10.
  auto members = [&](int y, int m, int d) {
    const dpb::Resolution r = ResolveAsOf({"Các đơn vị thuộc Bộ"}, y, m, d).resolutions(0);
    return std::set<std::string>(r.units().begin(), r.units().end());
  };
  const std::set<std::string> in_2025 = members(2025, 6, 1), in_2026 = members(2026, 6, 1);
  EXPECT_TRUE(in_2025.contains("units/thanh-tra-bo"));
  EXPECT_FALSE(in_2025.contains("units/cuc-ksthc"));
  EXPECT_FALSE(in_2026.contains("units/thanh-tra-bo"));
  EXPECT_TRUE(in_2026.contains("units/cuc-ksthc"));
  EXPECT_EQ(in_2025.size(), 20u);
}

TEST_F(DirectoryReorganisationTest, AnAsOfBeforeTheRecordsOrFarAheadIsRefused) {
  for (const auto& [y, m, d] : std::vector<std::tuple<int, int, int>>{{2022, 1, 5}, {1900, 1, 1}, {2099, 1, 1}}) {
    dpb::ResolveUnitNamesRequest request;
    request.add_names("Bộ Tư pháp");
    request.mutable_as_of()->set_year(y);
    request.mutable_as_of()->set_month(m);
    request.mutable_as_of()->set_day(d);
    dpb::ResolveUnitNamesResponse response;
    EXPECT_THAT(Call(&dpb::DirectoryService::Stub::ResolveUnitNames, request, &response),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("as_of")))
        << y;
  }
}

// A 2025 plan's names, read as the units stood on its decision (2025-03-05) and
// followed to a day of 2026: the units that carry the work on then.
TEST_F(DirectoryReorganisationTest, NamesReadAsOfOneDayAreFollowedToALaterOne) {
  const std::string provinces = "Sở Tư pháp các tỉnh, thành phố trực thuộc Trung ương";
  dpb::ResolveUnitNamesRequest request;
  for (const char* n : {"Sở Tư pháp tỉnh Bình Dương", "Các đơn vị thuộc Bộ", "Cục Kiểm soát thủ tục hành chính",
                        "Thanh tra Bộ", "Bộ Kế hoạch và Đầu tư", "Cục Công nghệ thông tin"}) {
    request.add_names(n);
  }
  request.add_names(provinces);
  *request.mutable_as_of() = ToProtoDate(absl::CivilDay(2025, 3, 5));
  *request.mutable_follow_to() = ToProtoDate(absl::CivilDay(2026, 6, 1));
  dpb::ResolveUnitNamesResponse r;
  ASSERT_TRUE(Call(&dpb::DirectoryService::Stub::ResolveUnitNames, request, &r).ok());
  ASSERT_EQ(r.resolutions_size(), 7);
  // The answer says the days it was read on, so a caller can tell it from that of a
  // directory older than follow_to.
  EXPECT_EQ(FromProtoDate(r.as_of(), "").value(), absl::CivilDay(2025, 3, 5));
  EXPECT_EQ(FromProtoDate(r.follow_to(), "").value(), absl::CivilDay(2026, 6, 1));
  auto units = [&](int i) { return std::set<std::string>(r.resolutions(i).units().begin(), r.resolutions(i).units().end()); };

  // Itself in March 2025, merged into Hồ Chí Minh City's department by June 2026.
  const dpb::Resolution& bd = r.resolutions(0);
  EXPECT_EQ(bd.match_kind(), dpb::MATCH_KIND_SUCCESSOR_OF) << bd.DebugString();
  EXPECT_EQ(units(0), std::set<std::string>{"units/stp-thanh-pho-ho-chi-minh"});
  ASSERT_GE(bd.successor_chain_size(), 2);
  EXPECT_EQ(bd.successor_chain(0), "units/stp-binh-duong");

  // The ministry's units of March 2025, followed: Thanh tra Bộ ended with no successor,
  // and the Cục formed in 2026 took over none of them, so it is not one of this plan's.
  const std::set<std::string> ministry_then = units(1);
  EXPECT_FALSE(ministry_then.contains("units/cuc-ksthc"));
  EXPECT_FALSE(ministry_then.contains("units/thanh-tra-bo"));
  EXPECT_TRUE(ministry_then.contains("units/cuc-cntt"));
  EXPECT_EQ(ministry_then.size(), 19u);
  const std::set<std::string> ministry_now = [&] {
    const dpb::Resolution g = ResolveAsOf({"Các đơn vị thuộc Bộ"}, 2026, 6, 1).resolutions(0);
    return std::set<std::string>(g.units().begin(), g.units().end());
  }();
  EXPECT_TRUE(ministry_now.contains("units/cuc-ksthc"));

  // A unit not yet formed on the day read is no unit of it, followed or not.
  EXPECT_EQ(r.resolutions(2).match_kind(), dpb::MATCH_KIND_UNRESOLVED);
  EXPECT_THAT(r.resolutions(2).error(), HasSubstr("began on 2026-01-10"));
  // Ended without a successor: matched, but no unit carries it on.
  EXPECT_EQ(r.resolutions(3).match_kind(), dpb::MATCH_KIND_SUCCESSOR_OF) << r.resolutions(3).DebugString();
  EXPECT_TRUE(units(3).empty());
  // Merged before the day read: followed as before.
  EXPECT_EQ(units(4), std::set<std::string>{"units/bo-tai-chinh"});
  EXPECT_EQ(r.resolutions(5).match_kind(), dpb::MATCH_KIND_EXACT);
  // The 63 departments of March 2025 are the 34 of June 2026, each once.
  EXPECT_EQ(r.resolutions(6).units_size(), 34);
  EXPECT_EQ(units(6).size(), 34u);
  const dpb::Resolution then = ResolveAsOf({provinces}, 2025, 3, 5).resolutions(0);
  EXPECT_EQ(then.units_size(), 63);
}

TEST_F(DirectoryReorganisationTest, AFollowToBeforeAsOfOrOutsideTheRecordsIsRefused) {
  for (const auto& [as_of, follow_to] : std::vector<std::pair<absl::CivilDay, absl::CivilDay>>{
           {absl::CivilDay(2026, 6, 1), absl::CivilDay(2025, 3, 5)},
           {absl::CivilDay(2025, 3, 5), absl::CivilDay(2099, 1, 1)},
           {absl::CivilDay(2025, 3, 5), absl::CivilDay(2022, 1, 5)}}) {
    dpb::ResolveUnitNamesRequest request;
    request.add_names("Bộ Tư pháp");
    *request.mutable_as_of() = ToProtoDate(as_of);
    *request.mutable_follow_to() = ToProtoDate(follow_to);
    dpb::ResolveUnitNamesResponse response;
    EXPECT_THAT(Call(&dpb::DirectoryService::Stub::ResolveUnitNames, request, &response),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("follow_to")))
        << follow_to;
  }
  // Without as_of, follow_to is measured against today.
  dpb::ResolveUnitNamesRequest past;
  past.add_names("Bộ Tư pháp");
  *past.mutable_follow_to() = ToProtoDate(absl::CivilDay(2025, 3, 5));
  dpb::ResolveUnitNamesResponse response;
  EXPECT_THAT(Call(&dpb::DirectoryService::Stub::ResolveUnitNames, past, &response),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("before as_of")));
}

TEST_F(DirectoryReorganisationTest, TheProvincialGroupIs63BeforeJuly2025And34After) {
  const std::string group = "Sở Tư pháp các tỉnh, thành phố trực thuộc Trung ương";
  EXPECT_EQ(ResolveAsOf({group}, 2025, 6, 30).resolutions(0).units_size(), 63);
  EXPECT_EQ(ResolveAsOf({group}, 2025, 7, 1).resolutions(0).units_size(), 34);
  EXPECT_EQ(ResolveAsOf({group}, 2026, 6, 1).resolutions(0).units_size(), 34);
  // Without as_of: today, 34; and GetGroup lists today's members too.
  dpb::ResolveUnitNamesRequest today;
  today.add_names(group);
  dpb::ResolveUnitNamesResponse response;
  ASSERT_TRUE(Call(&dpb::DirectoryService::Stub::ResolveUnitNames, today, &response).ok());
  EXPECT_EQ(response.resolutions(0).units_size(), 34);
  dpb::GetGroupRequest get;
  get.set_name("groups/so-tu-phap");
  dpb::Group g;
  ASSERT_TRUE(Call(&dpb::DirectoryService::Stub::GetGroup, get, &g).ok());
  EXPECT_EQ(g.members_size(), 34);
}

}  // namespace
}  // namespace p06::testing
