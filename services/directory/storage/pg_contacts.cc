// Contacts (cán bộ đầu mối) of units. Deleted contacts are kept, flagged.
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/base/etag.h"
#include "common/base/status_macros.h"
#include "common/db/idempotency.h"
#include "common/db/transaction.h"
#include "services/directory/storage/pg_directory_store.h"
#include "services/directory/storage/pg_rows.h"

namespace p06::directory {
namespace {

constexpr char kSelectContacts[] =
    "SELECT id, unit_id, full_name, title, email, phone, role, version FROM contacts WHERE NOT deleted";
constexpr char kInsertContact[] = R"sql(
INSERT INTO contacts (unit_id, full_name, title, email, phone, role) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
)sql";
constexpr char kUpdateContact[] = R"sql(
UPDATE contacts SET full_name = $3, title = $4, email = $5, phone = $6, role = $7, version = version + 1
WHERE id = $1 AND unit_id = $2
)sql";
constexpr char kDeleteContact[] = "UPDATE contacts SET deleted = true, version = version + 1 WHERE id = $1";

pb::Contact ContactFromRow(const pqxx::row& r) {
  pb::Contact c;
  c.set_name(absl::StrCat("units/", r[1].c_str(), "/contacts/", r[0].c_str()));
  c.set_full_name(r[2].c_str());
  c.set_title(r[3].c_str());
  c.set_email(r[4].c_str());
  c.set_phone(r[5].c_str());
  c.set_role(static_cast<pb::Contact::Role>(r[6].as<int>()));
  c.set_etag(r[7].c_str());
  return c;
}

absl::StatusOr<pb::Contact> ReadContact(pqxx::transaction_base& tx, absl::string_view unit_id, int64_t id, bool lock) {
  pqxx::result rows =
      tx.exec_params(absl::StrCat(kSelectContacts, " AND id = $1 AND unit_id = $2", lock ? " FOR UPDATE" : ""), id,
                     std::string(unit_id));
  if (rows.empty()) return absl::NotFoundError(absl::StrCat("units/", unit_id, "/contacts/", id, " not found"));
  return ContactFromRow(rows[0]);
}

}  // namespace

absl::StatusOr<std::vector<pb::Contact>> PgDirectoryStore::ListContacts(absl::string_view unit_id, int64_t after_id,
                                                                        int limit) {
  return db::RunReadOnly(
      pool_, "ListContacts", [&](pqxx::read_transaction& tx) -> absl::StatusOr<std::vector<pb::Contact>> {
        if (tx.exec_params(pg::kUnitExists, std::string(unit_id)).empty()) {
          return absl::NotFoundError(absl::StrCat("parent: units/", unit_id, " not found"));
        }
        std::vector<pb::Contact> out;
        for (const auto& row :
             tx.exec_params(absl::StrCat(kSelectContacts, " AND unit_id = $1 AND id > $2 ORDER BY id LIMIT $3"),
                            std::string(unit_id), after_id, limit)) {
          out.push_back(ContactFromRow(row));
        }
        return out;
      });
}

absl::StatusOr<pb::Contact> PgDirectoryStore::GetContact(absl::string_view unit_id, int64_t contact_id) {
  return db::RunReadOnly(pool_, "GetContact",
                         [&](pqxx::read_transaction& tx) { return ReadContact(tx, unit_id, contact_id, false); });
}

absl::StatusOr<pb::Contact> PgDirectoryStore::CreateContact(absl::string_view caller, const pb::CreateContactRequest& req,
                                                            absl::string_view unit_id) {
  return db::RunInTransaction(pool_, "CreateContact", [&](pqxx::work& tx) -> absl::StatusOr<pb::Contact> {
    return db::Idempotent<pb::Contact>(
        tx, caller, req.request_id(), "CreateContact", req, [&]() -> absl::StatusOr<pb::Contact> {
          if (tx.exec_params(pg::kUnitExists, std::string(unit_id)).empty()) {
            return absl::NotFoundError(absl::StrCat("parent: units/", unit_id, " not found"));
          }
          const pb::Contact& c = req.contact();
          int64_t id = tx.exec_params1(kInsertContact, std::string(unit_id), c.full_name(), c.title(), c.email(),
                                       c.phone(), static_cast<int>(c.role()))[0]
                           .as<int64_t>();
          return ReadContact(tx, unit_id, id, false);
        });
  });
}

absl::StatusOr<pb::Contact> PgDirectoryStore::UpdateContact(absl::string_view caller, const pb::UpdateContactRequest& req,
                                                            absl::string_view unit_id, int64_t contact_id,
                                                            const pb::Contact& c) {
  return db::RunInTransaction(pool_, "UpdateContact", [&](pqxx::work& tx) -> absl::StatusOr<pb::Contact> {
    return db::Idempotent<pb::Contact>(
        tx, caller, req.request_id(), "UpdateContact", req, [&]() -> absl::StatusOr<pb::Contact> {
          ASSIGN_OR_RETURN(pb::Contact current, ReadContact(tx, unit_id, contact_id, /*lock=*/true));
          RETURN_IF_ERROR(CheckEtag(req.contact().etag(), current.etag(), current.name(), "contact.etag"));
          tx.exec_params(kUpdateContact, contact_id, std::string(unit_id), c.full_name(), c.title(), c.email(),
                         c.phone(), static_cast<int>(c.role()));
          return ReadContact(tx, unit_id, contact_id, false);
        });
  });
}

absl::Status PgDirectoryStore::DeleteContact(absl::string_view caller, const pb::DeleteContactRequest& req,
                                             absl::string_view unit_id,
                                             int64_t contact_id) {
  return db::RunInTransaction(
             pool_, "DeleteContact",
             [&](pqxx::work& tx) -> absl::StatusOr<pb::DeleteContactResponse> {
               return db::Idempotent<pb::DeleteContactResponse>(
                   tx, caller, req.request_id(), "DeleteContact", req, [&]() -> absl::StatusOr<pb::DeleteContactResponse> {
                     ASSIGN_OR_RETURN(pb::Contact current, ReadContact(tx, unit_id, contact_id, /*lock=*/true));
                     RETURN_IF_ERROR(CheckEtag(req.etag(), current.etag(), current.name(), "etag"));
                     tx.exec_params(kDeleteContact, contact_id);
                     return pb::DeleteContactResponse();
                   });
             })
      .status();
}

}  // namespace p06::directory
