#include "services/directory/unit_validation.h"

#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/base/status_macros.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/resource_name.h"
#include "common/grpc/status_mapping.h"
#include "common/text/fold.h"

namespace p06::directory {

absl::Status NormalizeName(std::string* text, const std::string& field) {
  ASSIGN_OR_RETURN(std::string nfc, text::NormalizeNfc(*text, field));
  nfc = std::string(absl::StripAsciiWhitespace(nfc));
  if (nfc.empty()) return InvalidField(field, "must not be empty");
  if (nfc.size() > kMaxNameBytes) return InvalidField(field, absl::StrCat("longer than ", kMaxNameBytes, " bytes"));
  if (text::Fold(nfc).empty()) return InvalidField(field, "has no letters or digits");
  *text = std::move(nfc);
  return absl::OkStatus();
}

namespace {

bool IsValidCode(absl::string_view code) {
  if (code.empty() || code.size() > 32) return false;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (i > 0 && (c == '_' || c == '.' || c == '-'));
    if (!ok) return false;
  }
  return true;
}

bool IsValidElectronicId(absl::string_view id) {
  if (id.size() > 35) return false;
  for (char c : id) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.')) return false;
  }
  return true;
}

}  // namespace

absl::Status NormalizeAndValidateUnit(v1::Unit& unit, absl::string_view prefix) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, ".", name); };
  if (!IsValidCode(unit.code())) {
    return InvalidField(field("code"), "must be 1..32 of A-Z, 0-9 (then also _ . -), e.g. \"VPB\"");
  }
  RETURN_IF_ERROR(NormalizeName(unit.mutable_display_name(), field("display_name")));
  if (unit.kind() == v1::UNIT_KIND_UNSPECIFIED || !v1::UnitKind_IsValid(unit.kind())) {
    return InvalidField(field("kind"), "required");
  }
  if (!unit.parent().empty()) {
    RETURN_IF_ERROR(ParseResourceId(unit.parent(), "units/*", field("parent")).status());
  }
  if (!IsValidElectronicId(unit.electronic_id())) {
    return InvalidField(field("electronic_id"), "up to 35 of 0-9, A-Z and '.'");
  }
  RETURN_IF_ERROR(NormalizeAndValidateAliases(unit.mutable_aliases(), field("aliases")));
  if (unit.notification_endpoints_size() > kMaxEndpoints) {
    return InvalidField(field("notification_endpoints"), absl::StrCat("at most ", kMaxEndpoints));
  }
  for (int i = 0; i < unit.notification_endpoints_size(); ++i) {
    const auto& e = unit.notification_endpoints(i);
    std::string f = absl::StrCat(field("notification_endpoints"), "[", i, "]");
    if (e.channel() == v1::NotificationEndpoint::CHANNEL_UNSPECIFIED ||
        !v1::NotificationEndpoint::Channel_IsValid(e.channel())) {
      return InvalidField(f + ".channel", "required");
    }
    if (e.channel() == v1::NotificationEndpoint::CHANNEL_EMAIL &&
        (e.address().find('@') == std::string::npos || e.address().size() > 254)) {
      return InvalidField(f + ".address", "must be an e-mail address");
    }
    if (e.channel() == v1::NotificationEndpoint::CHANNEL_WEBHOOK &&
        (e.address().rfind("https://", 0) != 0 && e.address().rfind("http://", 0) != 0)) {
      return InvalidField(f + ".address", "must be an http(s) URL");
    }
  }
  return absl::OkStatus();
}

absl::Status NormalizeAndValidateAliases(google::protobuf::RepeatedPtrField<v1::Alias>* aliases,
                                         const std::string& field) {
  if (aliases->size() > kMaxAliases) return InvalidField(field, absl::StrCat("at most ", kMaxAliases));
  for (int i = 0; i < aliases->size(); ++i) {
    v1::Alias* a = aliases->Mutable(i);
    RETURN_IF_ERROR(NormalizeName(a->mutable_text(), absl::StrCat(field, "[", i, "].text")));
    if (a->kind() == v1::ALIAS_KIND_UNSPECIFIED || !v1::AliasKind_IsValid(a->kind())) {
      return InvalidField(absl::StrCat(field, "[", i, "].kind"), "required");
    }
    std::optional<absl::CivilDay> until, from;
    if (!IsUnset(a->until())) {
      ASSIGN_OR_RETURN(until, FromProtoDate(a->until(), absl::StrCat(field, "[", i, "].until")));
    }
    if (!IsUnset(a->valid_from())) {
      ASSIGN_OR_RETURN(from, FromProtoDate(a->valid_from(), absl::StrCat(field, "[", i, "].valid_from")));
    }
    if (until && from && *from >= *until) {
      return InvalidField(absl::StrCat(field, "[", i, "].valid_from"), "must be before until");
    }
  }
  return absl::OkStatus();
}

absl::Status NormalizeAndValidateGroup(v1::Group& group, absl::string_view prefix) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, ".", name); };
  RETURN_IF_ERROR(NormalizeName(group.mutable_display_name(), field("display_name")));
  if (group.kind() == v1::Group::KIND_UNSPECIFIED || !v1::Group::Kind_IsValid(group.kind())) {
    return InvalidField(field("kind"), "required");
  }
  RETURN_IF_ERROR(NormalizeAndValidateAliases(group.mutable_aliases(), field("aliases")));
  // A group's names are not dated (its members are, through their units): a date
  // would be stored nowhere and honoured never.
  for (int i = 0; i < group.aliases_size(); ++i) {
    for (const auto& [date, name] : {std::pair{&group.aliases(i).valid_from(), "valid_from"},
                                     std::pair{&group.aliases(i).until(), "until"}}) {
      if (!IsUnset(*date)) {
        return InvalidField(absl::StrCat(field("aliases"), "[", i, "].", name), "a group's aliases are not dated");
      }
    }
  }
  if (group.kind() != v1::Group::KIND_EXPLICIT && group.members_size() > 0) {
    return InvalidField(field("members"), "only explicit groups list members; the others are computed");
  }
  if (group.members_size() > kMaxMembers) return InvalidField(field("members"), absl::StrCat("at most ", kMaxMembers));
  absl::flat_hash_set<absl::string_view> listed;
  for (int i = 0; i < group.members_size(); ++i) {
    const std::string at = absl::StrCat(field("members"), "[", i, "]");
    RETURN_IF_ERROR(ParseResourceId(group.members(i), "units/*", at).status());
    // Today's list: a unit is in it or not, and twice would be two memberships at once.
    if (!listed.insert(group.members(i)).second) return InvalidField(at, absl::StrCat(group.members(i), " is listed twice"));
  }
  return absl::OkStatus();
}

absl::Status NormalizeAndValidateContact(v1::Contact& contact, absl::string_view prefix) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, ".", name); };
  RETURN_IF_ERROR(NormalizeName(contact.mutable_full_name(), field("full_name")));
  if (contact.role() == v1::Contact::ROLE_UNSPECIFIED || !v1::Contact::Role_IsValid(contact.role())) {
    return InvalidField(field("role"), "required");
  }
  ASSIGN_OR_RETURN(*contact.mutable_title(), text::NormalizeNfc(contact.title(), field("title")));
  if (contact.title().size() > kMaxNameBytes) return InvalidField(field("title"), "too long");
  if (!contact.email().empty() && (contact.email().find('@') == std::string::npos || contact.email().size() > 254 ||
                                   !text::IsValidUtf8(contact.email()))) {
    return InvalidField(field("email"), "must be an e-mail address");
  }
  if (contact.phone().size() > 30 || contact.phone().find_first_not_of("0123456789+-. ()") != std::string::npos) {
    return InvalidField(field("phone"), "up to 30 of digits, spaces and + - . ( )");
  }
  return absl::OkStatus();
}

std::string UnitSearchText(const v1::Unit& unit) {
  std::vector<std::string> parts = {text::Fold(unit.code()), text::Fold(unit.display_name())};
  for (const auto& a : unit.aliases()) parts.push_back(text::Fold(a.text()));
  return absl::StrJoin(parts, " | ");
}

}  // namespace p06::directory
