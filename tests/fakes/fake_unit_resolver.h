// A UnitResolver that answers from a table, and remembers what it was asked: the
// importer's logic tested without the directory or the network.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "services/task/unit_resolver.h"

namespace p06::testing {

class FakeUnitResolver final : public task::UnitResolver {
 public:
  // `name` resolves (by `kind`) to `unit`; every other name is UNRESOLVED.
  void Add(const std::string& name, const std::string& unit,
           directory::v1::MatchKind kind = directory::v1::MATCH_KIND_EXACT) {
    units_[name] = unit;
    kinds_[name] = kind;
  }
  // `name` was `predecessor`'s, which `unit` took over (SUCCESSOR_OF, with the chain).
  void AddSuccessor(const std::string& name, const std::string& predecessor, const std::string& unit) {
    Add(name, unit, directory::v1::MATCH_KIND_SUCCESSOR_OF);
    chains_[name] = {predecessor, unit};
  }
  // `name` is answered with `r` (its input set to `name`): a walk through splits and
  // merges, or an answer as an older directory gave it.
  void AddResolution(const std::string& name, directory::v1::Resolution r) {
    r.set_input(name);
    answers_[name] = std::move(r);
  }
  // `name` is `unit`'s, which ended with no successor: matched, no unit carries it on.
  void AddEnded(const std::string& name, const std::string& unit) { ended_[name] = unit; }
  // Every name resolves: to "units/" + a slug of its position in the calls (for
  // tests that care about the asking, not the answers).
  void ResolveEverything() { resolve_everything_ = true; }

  absl::StatusOr<std::vector<directory::v1::Resolution>> Resolve(const std::vector<std::string>& names,
                                                                 const task::ResolutionDays& days,
                                                                 const IncomingCall&) override {
    std::lock_guard lock(mu_);
    days_.push_back(days);
    std::vector<directory::v1::Resolution> out;
    for (const std::string& name : names) {
      asked_.push_back(name);
      directory::v1::Resolution r;
      r.set_input(name);
      auto found = units_.find(name);
      if (auto answer = answers_.find(name); answer != answers_.end()) {
        r = answer->second;
      } else if (auto ended = ended_.find(name); ended != ended_.end()) {
        r.set_match_kind(directory::v1::MATCH_KIND_SUCCESSOR_OF);
        r.add_successor_chain(ended->second);
      } else if (found != units_.end() || resolve_everything_) {
        r.set_match_kind(found != units_.end() ? kinds_[name] : directory::v1::MATCH_KIND_EXACT);
        r.add_units(found != units_.end() ? found->second : "units/u" + std::to_string(asked_.size()));
        if (auto chain = chains_.find(name); chain != chains_.end()) {
          for (const std::string& u : chain->second) r.add_successor_chain(u);
          directory::v1::FollowedUnit* followed = r.add_followed();
          followed->set_unit(chain->second.back());
          followed->add_predecessors(chain->second.front());
        }
      } else {
        r.set_match_kind(directory::v1::MATCH_KIND_UNRESOLVED);
      }
      out.push_back(std::move(r));
    }
    return out;
  }

  std::vector<std::string> Asked() const {
    std::lock_guard lock(mu_);
    return asked_;
  }
  // The days of each call, in order.
  std::vector<task::ResolutionDays> Days() const {
    std::lock_guard lock(mu_);
    return days_;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> units_, ended_;
  std::map<std::string, directory::v1::MatchKind> kinds_;
  std::map<std::string, std::vector<std::string>> chains_;
  std::map<std::string, directory::v1::Resolution> answers_;
  bool resolve_everything_ = false;
  std::vector<std::string> asked_;
  std::vector<task::ResolutionDays> days_;
};

}  // namespace p06::testing
