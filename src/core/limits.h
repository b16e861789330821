// Named limits, each with the reason it has the value it has.
#pragma once

#include <cstddef>
#include <cstdint>

namespace suanli::limits {

// Largest amount a single figure may hold: 10^15 fen = 10 trillion CNY, far above any
// program's budget, and small enough that a sum of 8,190 such figures still fits in int64.
inline constexpr std::int64_t kAmountFenMax = 1'000'000'000'000'000;
// Program and case files are hand-written documents; 1 MiB is generous and bounds parsing.
inline constexpr std::size_t kDocumentBytesMax = 1 << 20;
// Idempotency keys are opaque client strings; 64 bytes holds a UUID or a hash in hex.
inline constexpr std::size_t kIdempotencyKeyBytesMax = 64;
// Transfers per ledger request and per batch: bounds memory and the time a batch holds the
// writer (TigerBeetle uses 8,190 per request for the same reason).
inline constexpr std::size_t kTransfersPerRequestMax = 8190;
// Transfers returned by one Ledger::ScanTransfers call: bounds the writer's pause per call.
inline constexpr std::size_t kScanTransfersMax = 10'000;
inline constexpr std::size_t kTransfersPerBatchMax = 8190;
// Settlements a quote may simulate: a case is a question, not a ledger.
inline constexpr std::size_t kQuoteSettlementsMax = 1000;

}  // namespace suanli::limits
