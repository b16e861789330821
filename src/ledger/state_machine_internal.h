// Helpers shared by the state machine's source files (state_machine*.cc) and by nothing else:
// transfer-state bytes, key validation, overflow-checked addition and the corrupt-batch error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/limits.h"
#include "core/result.h"
#include "ledger/ledger.h"

namespace suanli::ledger::internal {

using i128 = __int128;

inline constexpr std::uint8_t kStatePosted = static_cast<std::uint8_t>(TransferState::kPosted);
inline constexpr std::uint8_t kStatePending = static_cast<std::uint8_t>(TransferState::kPending);
inline constexpr std::uint8_t kStatePendingPosted =
    static_cast<std::uint8_t>(TransferState::kPendingPosted);
inline constexpr std::uint8_t kStatePendingVoided =
    static_cast<std::uint8_t>(TransferState::kPendingVoided);
inline constexpr std::uint8_t kStatePendingExpired =
    static_cast<std::uint8_t>(TransferState::kPendingExpired);

inline bool KeyValid(std::string_view key) {
  return !key.empty() && key.size() <= limits::kIdempotencyKeyBytesMax;
}

// a + b into *out; false on int64 overflow (then *out is unspecified).
inline bool Add(std::int64_t a, std::int64_t b, std::int64_t* out) {
  return !__builtin_add_overflow(a, b, out);
}

// The error for a stored batch that cannot be decoded or replayed.
inline Error Corrupt(std::uint64_t seq, std::string what) {
  return MakeError(ErrorCode::kIo, "batches.body",
                   "batch " + std::to_string(seq) + " is corrupt: " + std::move(what));
}

}  // namespace suanli::ledger::internal
