// The ledger's storage interface: an append-only log of batches, numbered 1, 2, 3, ... with no
// gaps. The ledger logic depends only on this header; src/storage/ implements it (SQLite now,
// PostgreSQL later) and tests wrap it to inject faults. The store never interprets a body.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "core/cst_time.h"
#include "core/result.h"

namespace suanli::ledger {

// An account definition as the store keeps it in its `accounts` table: a projection for SQL
// tooling and audits. The batch body (batch_codec.h) is the source of truth for recovery.
struct StoredAccount {
  std::uint64_t id = 0;
  std::string key;
  std::uint32_t ledger = 0;
  std::uint8_t kind = 0;
  std::uint16_t flags = 0;
  std::int64_t credits_ceiling_fen = 0;
  std::uint64_t cap_group_id = 0;
  std::int64_t expires_at_us = 0;
  std::uint64_t user_data = 0;
  std::int64_t created_us = 0;
};

// One batch as appended and as read back.
struct BatchView {
  std::uint64_t seq = 0;
  std::int64_t ts_us = 0;
  std::span<const std::uint8_t> body;
};

class Store {
 public:
  virtual ~Store() = default;

  // The highest seq appended so far (0 when empty). Errors: kIo.
  virtual Result<std::uint64_t> LastSeq() = 0;

  // Makes batch `seq` (which must be LastSeq()+1 as this node knows it) and the definitions of
  // the accounts it creates durable in ONE transaction, fsynced before returning. Errors:
  //   kIo          nothing was written (e.g. BEGIN or INSERT failed and was rolled back);
  //   kIoUncertain the batch may or may not be durable (COMMIT/fsync failed): the caller must
  //                stop writing until it reopens and recovers;
  //   kConflict    `seq` is already taken (another node sharing the store appended it first);
  //                nothing of ours was written, the caller catches up with ReadFrom.
  virtual Status Append(const BatchView& batch, std::span<const StoredAccount> new_accounts) = 0;

  // Calls `visit` for every batch with seq >= `from_seq` in seq order. A body is only valid
  // during its call. Stops at and returns the first error of `visit`. Errors: kIo, including
  // a corrupt body (checksum mismatch).
  virtual Status ReadFrom(std::uint64_t from_seq,
                          const std::function<Status(const BatchView&)>& visit) = 0;

  // Counts the rows of the `accounts` projection (for `verify`). Errors: kIo.
  virtual Result<std::uint64_t> CountAccounts() = 0;
};

}  // namespace suanli::ledger
