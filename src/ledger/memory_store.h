// Two Store implementations for tests and simulations: MemoryStore keeps the log in memory
// (it survives a Ledger being closed and reopened, like a disk survives a crash), and
// FaultStore wraps any Store to inject the failures the ledger must survive.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "ledger/store.h"

namespace suanli::ledger {

class MemoryStore final : public Store {
 public:
  Result<std::uint64_t> LastSeq() override;
  Status Append(const BatchView& batch, std::span<const StoredAccount> new_accounts) override;
  Status ReadFrom(std::uint64_t from_seq,
                  const std::function<Status(const BatchView&)>& visit) override;
  Result<std::uint64_t> CountAccounts() override;

 private:
  struct Stored {
    std::uint64_t seq;
    std::int64_t ts_us;
    std::vector<std::uint8_t> body;
  };
  std::mutex mu_;
  std::vector<Stored> batches_;  // guarded by mu_; batches_[i].seq == i + 1
  std::uint64_t accounts_ = 0;   // guarded by mu_
};

// What the next Append does instead of (or besides) succeeding.
enum class Fault : std::uint8_t {
  kNone = 0,
  kFailBeforeWrite = 1,      // returns kIo; nothing written (e.g. BEGIN failed)
  kUncertainNotWritten = 2,  // returns kIoUncertain; nothing written (COMMIT lost)
  kUncertainWritten = 3,     // returns kIoUncertain; the batch IS durable (fsync reply lost)
  kConflict = 4,             // returns kConflict; nothing written
};

// Thread-safe. Faults are one-shot: armed by FailNextAppend, consumed by the next Append.
class FaultStore final : public Store {
 public:
  explicit FaultStore(Store* inner) : inner_(inner) {}
  void FailNextAppend(Fault fault);
  // From now on each Append fails with `fault` with probability per_mille/1000, drawn from a
  // generator seeded with `seed` (for concurrent tests; one-shot faults still come first).
  void FailRandomly(std::uint64_t seed, int per_mille, Fault fault);
  std::uint64_t faults_injected() const;

  Result<std::uint64_t> LastSeq() override { return inner_->LastSeq(); }
  Status Append(const BatchView& batch, std::span<const StoredAccount> new_accounts) override;
  Status ReadFrom(std::uint64_t from_seq,
                  const std::function<Status(const BatchView&)>& visit) override {
    return inner_->ReadFrom(from_seq, visit);
  }
  Result<std::uint64_t> CountAccounts() override { return inner_->CountAccounts(); }

 private:
  Store* inner_;
  mutable std::mutex mu_;
  Fault next_ = Fault::kNone;         // guarded by mu_
  std::uint64_t random_state_ = 0;    // guarded by mu_
  int random_per_mille_ = 0;          // guarded by mu_
  Fault random_fault_ = Fault::kNone; // guarded by mu_
  std::uint64_t faults_injected_ = 0; // guarded by mu_
};

}  // namespace suanli::ledger
