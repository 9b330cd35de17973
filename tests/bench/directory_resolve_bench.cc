// Benchmark: how fast the directory resolves free-text unit names.
//
// Resolves 10,000 names (the 2025 plan's names as written, without diacritics, in
// upper case, abbreviated, with typos, and unknown) on the shipped reference data and
// prints names per second:
//   - in process, NameIndex::Resolve, beside a baseline of text::Fold alone on the
//     same names (the least work any matching must do);
//   - through gRPC ResolveUnitNames in batches of 1,000 on a real server and database.
// Figures, not assertions: timings on a shared 2-core machine are no test.
#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include <cstdio>

#include "absl/time/clock.h"
#include "common/db/migrations.h"
#include "common/grpc/client.h"
#include "common/grpc/principal.h"
#include "common/server/server.h"
#include "common/text/fold.h"
#include "services/directory/directory_bundle.h"
#include "tests/harness/internal_key.h"
#include "tests/harness//pg_cluster.h"

namespace {

namespace dpb = ::p06::directory::v1;

const char* kNames[] = {"Văn phòng Bộ",
                        "Cục Công nghệ thông tin",
                        "Vụ Tổ chức cán bộ",
                        "Cục Kiểm tra VBQPPL",
                        "Cục Quản lý thi hành án dân sự",
                        "Cục Hỗ trợ tư pháp",
                        "Cục Hành chính tư pháp",
                        "Bộ Công an",
                        "Cục Hộ tịch, quốc tịch, chứng thực",
                        "Tổng cục Thi hành án dân sự",
                        "Các đơn vị thuộc Bộ có liên quan",
                        "STP các tỉnh, thành phố trực thuộc TW",
                        "van phong bo",
                        "CUC CONG NGHE THONG TIN",
                        "Cục CNTT",
                        "- Cục Kế hoạch - Tài chính;",
                        "Cuc Cong nghe thong tn",
                        "Cục Hộ tịch",
                        "Sở Tư pháp tỉnh Bắc Ninh",
                        "Ban Quản lý dự án không có thật"};

double PerSecond(size_t n, absl::Duration d) { return static_cast<double>(n) / absl::ToDoubleSeconds(d); }

int Run() {
  constexpr size_t kCount = 10000;
  std::vector<std::string> names;
  for (size_t i = 0; i < kCount; ++i) names.emplace_back(kNames[i % (sizeof kNames / sizeof *kNames)]);

  auto cluster = p06::testing::PgCluster::Create();
  if (!cluster.ok()) return std::fprintf(stderr, "%s\n", cluster.status().ToString().c_str()), 1;
  auto url = (*cluster)->CreateDatabase();
  if (!url.ok()) return 1;
  p06::ServerConfig config;
  config.db = {.url = *url, .schema = "directory"};
  if (!p06::db::ApplyMigrations(p06::db::BuildConnectionString(config.db), "directory", DirectoryMigrations()).ok())
    return 1;
  prometheus::Registry registry;
  p06::db::Pool pool(config.db);
  p06::ServiceContext ctx{config, pool, registry, p06::SystemClock::Get()};
  auto bundle = p06::directory::DirectoryBundle::Create(ctx);
  if (!bundle.ok()) return 1;
  auto index = (*bundle)->index().Current();
  const absl::CivilDay today(2025, 6, 1);

  // Warm up, then measure.
  for (const auto& n : names) (void)index->Resolve(n, today, today);
  absl::Time start = absl::Now();
  size_t checksum = 0;
  for (const auto& n : names) checksum += p06::text::Fold(n).size();
  const absl::Duration fold = absl::Now() - start;
  start = absl::Now();
  for (const auto& n : names) checksum += index->Resolve(n, today, today).units_size();
  const absl::Duration resolve = absl::Now() - start;
  // The two paths apart: names settled by a hash lookup, and names that reach the
  // fuzzy tier (a typo, an unknown name).
  std::vector<std::string> exact, fuzzy;
  for (const auto& n : names) {
    auto kind = index->Resolve(n, today, today).match_kind();
    (kind == dpb::MATCH_KIND_FUZZY || kind == dpb::MATCH_KIND_UNRESOLVED ? fuzzy : exact).push_back(n);
  }
  start = absl::Now();
  for (const auto& n : exact) checksum += index->Resolve(n, today, today).units_size();
  const absl::Duration exact_time = absl::Now() - start;
  start = absl::Now();
  for (const auto& n : fuzzy) checksum += index->Resolve(n, today, today).candidates_size();
  const absl::Duration fuzzy_time = absl::Now() - start;

  auto server = p06::Server::Start({}, (*bundle)->GrpcServices(), registry);
  if (!server.ok()) return 1;
  auto stub = dpb::DirectoryService::NewStub(p06::MakeChannel("127.0.0.1:" + std::to_string((*server)->port())));
  auto call_all = [&] {
    for (size_t i = 0; i < kCount; i += 1000) {
      dpb::ResolveUnitNamesRequest request;
      for (size_t j = i; j < i + 1000; ++j) request.add_names(names[j]);
      dpb::ResolveUnitNamesResponse response;
      grpc::ClientContext call;
      p06::AttachPrincipal(call, p06::ServicePrincipal("bench"));
      if (!stub->ResolveUnitNames(&call, request, &response).ok()) return false;
      checksum += response.resolutions_size();
    }
    return true;
  };
  if (!call_all()) return 1;  // Warm-up.
  start = absl::Now();
  if (!call_all()) return 1;
  const absl::Duration grpc = absl::Now() - start;

  std::printf("directory resolve benchmark: %zu names (checksum %zu)\n", kCount, checksum);
  std::printf("  baseline text::Fold only      %12.0f names/s\n", PerSecond(kCount, fold));
  std::printf("  NameIndex::Resolve in process %12.0f names/s  (%.2f x the baseline's time)\n",
              PerSecond(kCount, resolve), absl::FDivDuration(resolve, fold));
  std::printf("    of which exact tiers (%5zu)   %12.0f names/s\n", exact.size(), PerSecond(exact.size(), exact_time));
  std::printf("    of which fuzzy tier  (%5zu)   %12.0f names/s\n", fuzzy.size(), PerSecond(fuzzy.size(), fuzzy_time));
  std::printf("  ResolveUnitNames over gRPC    %12.0f names/s  (batches of 1000)\n", PerSecond(kCount, grpc));
  (*server)->Shutdown(absl::Seconds(1));
  return 0;
}

}  // namespace

int main() {
  p06::testing::InstallTestInternalKeys();
  return Run();
}
