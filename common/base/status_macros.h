// Early-return helpers for absl::Status / absl::StatusOr (Abseil 20220623 ships none).
//
//   RETURN_IF_ERROR(DoThing());
//   ASSIGN_OR_RETURN(Unit unit, repo.Get(id));
//
// ASSIGN_OR_RETURN expands to several statements: brace it inside an if.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define P06_CONCAT_INNER_(a, b) a##b
#define P06_CONCAT_(a, b) P06_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                  \
  do {                                         \
    ::absl::Status p06_status_ = (expr);       \
    if (!p06_status_.ok()) return p06_status_; \
  } while (false)

#define ASSIGN_OR_RETURN(lhs, expr) P06_ASSIGN_OR_RETURN_IMPL_(P06_CONCAT_(p06_statusor_, __LINE__), lhs, expr)

#define P06_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                               \
  if (!statusor.ok()) return statusor.status();         \
  lhs = std::move(statusor).value()
