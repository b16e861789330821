// MemoryStore and FaultStore (memory_store.h).
#include "ledger/memory_store.h"

#include <string>

namespace suanli::ledger {

Result<std::uint64_t> MemoryStore::LastSeq() {
  std::lock_guard lock(mu_);
  return std::uint64_t{batches_.size()};
}

Status MemoryStore::Append(const BatchView& batch, std::span<const StoredAccount> new_accounts) {
  std::lock_guard lock(mu_);
  if (batch.seq <= batches_.size()) {
    return MakeError(ErrorCode::kConflict, "batches.seq",
                     "seq " + std::to_string(batch.seq) + " is already taken");
  }
  if (batch.seq != batches_.size() + 1) {
    return MakeError(ErrorCode::kIo, "batches.seq", "gap before seq " + std::to_string(batch.seq));
  }
  batches_.push_back(
      Stored{batch.seq, batch.ts_us, std::vector<std::uint8_t>(batch.body.begin(), batch.body.end())});
  accounts_ += new_accounts.size();
  return OkStatus();
}

Status MemoryStore::ReadFrom(std::uint64_t from_seq,
                             const std::function<Status(const BatchView&)>& visit) {
  std::vector<Stored> copy;
  {
    std::lock_guard lock(mu_);
    if (from_seq == 0) from_seq = 1;
    for (std::uint64_t s = from_seq; s <= batches_.size(); ++s) copy.push_back(batches_[s - 1]);
  }
  for (const Stored& b : copy) SUANLI_TRY(visit(BatchView{b.seq, b.ts_us, b.body}));
  return OkStatus();
}

Result<std::uint64_t> MemoryStore::CountAccounts() {
  std::lock_guard lock(mu_);
  return accounts_;
}

void FaultStore::FailNextAppend(Fault fault) {
  std::lock_guard lock(mu_);
  next_ = fault;
}

void FaultStore::FailRandomly(std::uint64_t seed, int per_mille, Fault fault) {
  std::lock_guard lock(mu_);
  random_state_ = seed;
  random_per_mille_ = per_mille;
  random_fault_ = fault;
}

std::uint64_t FaultStore::faults_injected() const {
  std::lock_guard lock(mu_);
  return faults_injected_;
}

Status FaultStore::Append(const BatchView& batch, std::span<const StoredAccount> new_accounts) {
  Fault fault;
  {
    std::lock_guard lock(mu_);
    fault = next_;
    next_ = Fault::kNone;
    if (fault == Fault::kNone && random_per_mille_ > 0) {
      random_state_ = random_state_ * 6364136223846793005u + 1442695040888963407u;  // LCG
      if (static_cast<int>((random_state_ >> 33) % 1000) < random_per_mille_) fault = random_fault_;
    }
    if (fault != Fault::kNone) ++faults_injected_;
  }
  switch (fault) {
    case Fault::kNone:
      return inner_->Append(batch, new_accounts);
    case Fault::kFailBeforeWrite:
      return MakeError(ErrorCode::kIo, "store", "injected: BEGIN failed");
    case Fault::kUncertainNotWritten:
      return MakeError(ErrorCode::kIoUncertain, "store", "injected: COMMIT failed (not written)");
    case Fault::kUncertainWritten: {
      const Status s = inner_->Append(batch, new_accounts);
      if (!s.ok()) return s;
      return MakeError(ErrorCode::kIoUncertain, "store", "injected: fsync reply lost (written)");
    }
    case Fault::kConflict:
      return MakeError(ErrorCode::kConflict, "batches.seq", "injected: seq taken");
  }
  return OkStatus();
}

}  // namespace suanli::ledger
