#include "services/p06ctl/directory_commands.h"

#include <iostream>

#include "common/base/file.h"
#include "common/text/fold.h"
#include "p06/directory/v1/directory.grpc.pb.h"

namespace p06::ctl {

namespace dpb = ::p06::directory::v1;

int ImportReferenceData(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options,
                        const std::string& path, bool dry_run) {
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) {
    std::cerr << text.status().message() << "\n";
    return 2;
  }
  // Another encoding (a file saved as Windows-1258) cannot travel as a protobuf
  // string: said here, with the line.
  if (const size_t bad = text::FirstInvalidUtf8(*text); bad != std::string::npos) {
    std::cerr << path << ":" << text::LineOf(*text, bad) << ": not UTF-8; save the file as UTF-8\n";
    return 2;
  }
  dpb::ImportReferenceDataRequest request;
  request.set_text(*std::move(text));
  request.set_dry_run(dry_run);
  grpc::ClientContext ctx;
  CallOptions long_call = options;
  long_call.timeout = std::max(options.timeout, absl::Seconds(60));
  Prepare(ctx, long_call);
  dpb::ImportReferenceDataResponse response;
  grpc::Status s = dpb::DirectoryService::NewStub(channel)->ImportReferenceData(&ctx, request, &response);
  if (!s.ok()) {
    // The service names every problem as "line N (field): …", joined with "; ".
    std::cerr << path << ": ";
    return Fail(s);
  }
  auto list = [](const char* what, const google::protobuf::RepeatedPtrField<std::string>& items) {
    for (const std::string& item : items) std::cout << what << "\t" << item << "\n";
  };
  list("added", response.units_added());
  list("renamed", response.units_renamed());
  list("merged", response.units_merged());
  list("dissolved", response.units_dissolved());
  list("alias", response.aliases_added());
  list("abbreviation", response.abbreviations_added());
  list("member", response.memberships_changed());
  const int changes = response.units_added_size() + response.units_renamed_size() + response.units_merged_size() +
                      response.units_dissolved_size() + response.aliases_added_size() +
                      response.abbreviations_added_size() + response.memberships_changed_size();
  std::cout << path << ": " << changes << " changes"
            << (dry_run ? " (dry run: nothing written)" : response.applied() ? ", applied" : ", already applied")
            << "; directory revision " << response.revision() << "\n";
  return 0;
}

}  // namespace p06::ctl
