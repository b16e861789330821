// A provider's run of bills (Platform::SubmitSettlementRun): every bill takes the path of one
// settlement (settlement_path.h) — the same checks, key and answer — but those that pass go to
// the ledger as one request, so a run of N bills costs one hand-off and one fsync, not N.
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "workflow/settlement_path.h"

namespace suanli::workflow {
namespace {

// The answers of a run, filled in from several threads (the caller's, the ledger's, the
// journal's); the last answer in hands them all to `done`.
class RunAnswers {
 public:
  RunAnswers(std::size_t n, Platform::SettlementRunDone done)
      : answers_(n), pending_(n), done_(std::move(done)) {}

  void Set(std::size_t i, Result<SettlementResult> answer) {
    std::unique_lock lock(mu_);
    answers_[i].emplace(std::move(answer));
    if (--pending_ != 0) return;
    std::vector<Result<SettlementResult>> all;
    all.reserve(answers_.size());
    for (auto& a : answers_) all.push_back(std::move(*a));
    lock.unlock();
    done_(std::move(all));
  }

 private:
  std::mutex mu_;
  std::vector<std::optional<Result<SettlementResult>>> answers_;
  std::size_t pending_;
  Platform::SettlementRunDone done_;
};

}  // namespace

void Platform::SubmitSettlementRun(const Principal& actor, std::vector<SettlementRequest> bills,
                                   SettlementRunDone done) {
  if (Status r = RequireRole(actor, {Role::kProvider}); !r.ok()) return done(r.error());
  if (bills.empty()) {
    return done(MakeError(ErrorCode::kMissingField, "settlements", "at least one bill"));
  }
  if (bills.size() > kSettlementRunMax) {
    return done(MakeError(ErrorCode::kOutOfRange, "settlements",
                          "at most " + std::to_string(kSettlementRunMax) + " bills per run (" +
                              std::to_string(bills.size()) + " given)"));
  }
  State& s = *state_;
  auto answers = std::make_shared<RunAnswers>(bills.size(), std::move(done));
  const auto answer_to = [answers](std::size_t i) {
    return [answers, i](Result<SettlementResult> r) { answers->Set(i, std::move(r)); };
  };
  // The bills that passed the checks, with their places in the run, in the ledger request's order.
  auto posted = std::make_shared<std::vector<std::pair<std::size_t, settlement_path::Prepared>>>();
  std::vector<ledger::TransferSpec> transfers;
  for (std::size_t i = 0; i < bills.size(); ++i) {
    auto prepared = settlement_path::Prepare(s, actor, std::move(bills[i]));
    if (auto* refused = std::get_if<settlement_path::Refused>(&prepared)) {
      settlement_path::Refuse(s, std::move(*refused), answer_to(i));
      continue;
    }
    auto& p = std::get<settlement_path::Prepared>(prepared);
    transfers.push_back(std::move(p.transfer));
    posted->emplace_back(i, std::move(p));
  }
  if (posted->empty()) return;
  s.ledger->SubmitTransfers(
      std::move(transfers), [&s, posted, answer_to, actor = actor.Actor()](
                                Result<std::vector<ledger::TransferOutcome>> out) {
        for (std::size_t j = 0; j < posted->size(); ++j) {
          const auto& [i, p] = (*posted)[j];
          if (!out.ok()) {
            answer_to(i)(out.error());
            continue;
          }
          // In order: a bill repeated later in the run finds the first one's journal row.
          settlement_path::Finish(s, p, actor, (*out)[j], answer_to(i));
        }
      });
}

}  // namespace suanli::workflow
