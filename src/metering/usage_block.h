// A block of usage records as the usage log stores them (entry kind 5, usage_store.h): many
// records in one checksummed entry, each coded against the one before it. Internal to metering.
//
// Why: a record's job row and steps repeat the cluster, job id, account, user, partition,
// submit time and mostly the AllocTRES, and every number is small once taken relative to its
// neighbour. Coding each record as fixed-width fields in its own entry made the log 1.06 × the
// sacct text, and writing it (the kernel's copy into the page cache and its zeroing of fresh
// pages) cost a quarter of a durable ingest (docs/benchmarks-metering.md). A block is about a
// fifth of that, and one checksum covers it.
//
// Payload: u32 record count, then the records. A record is coded against the previous record
// of the same block (the first against an empty one), so every block decodes on its own:
//   u8 same: bit 0 cluster, 1 job_id, 2 account, 3 user, 4 partition, 5 submit, 6 AllocTRES
//            (names and counts) are the previous record's and not written; bit 7: every time
//            of the record (submit, start, end, price_effective_from) is a whole second, and
//            the time fields below count seconds instead of microseconds
//   u8 rating kind | u8 job state, with bit 7 set when Start is present and bit 6 when End is
//   s cluster | s job_id | s step | s account | s user | s partition     (unless same)
//   z submit − previous submit (unless same)
//   z start − submit (when present) | z end − submit (when present)
//   z elapsed_s | z exit_code | z exit_signal
//   v n | n × (s name | z count)                                         (unless same)
//   figures, when the rating kind is billed:
//     v org | v contract (0: none) | z day | u8 unit | z quantity_unit_s | z unit_price_fen |
//     z price_effective_from − submit | z share numerator | z share denominator | z amount_fen
// v: LEB128 varint of a u64; z: zigzag-coded i64 as v; s: v length then the bytes. Differences
// are taken modulo 2^64, so any values round-trip.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "metering/log_buffer.h"
#include "metering/rating.h"

namespace suanli::metering::codec {

// Codes records straight into the caller's buffer (the usage store's pending batch), so a block
// is never copied: Begin leaves room for the caller's framing, Add appends records, Finish
// writes the count and gives back where the payload lies; the caller then fills its header.
class UsageBlockEncoder {
 public:
  // Starts a block at the end of *out, after `header_bytes` bytes left for the caller. *out
  // must not be changed by anyone else until Finish.
  void Begin(LogBuffer* out, std::size_t header_bytes);
  bool open() const { return out_ != nullptr; }
  // Appends a rated record (outcome.ok must hold). The block must be open.
  void Add(const UsageView& usage, const RatingOutcome& outcome);
  // Bytes of the payload so far (0 when no block is open).
  std::size_t bytes() const { return open() ? used_ - payload_ : 0; }
  // Bytes of *out in use, up to the end of the block (it may be longer while the block is open).
  std::size_t used() const { return used_; }
  // Closes the block: *out ends with it, and the return value is the payload's offset in *out
  // (its size is out->size() minus that).
  std::size_t Finish();

 private:
  struct Ref {  // a string written earlier in the block
    std::size_t offset = 0;
    std::size_t size = 0;
  };
  char* Room(std::size_t n);
  bool Same(const Ref& ref, std::string_view s) const;
  char* PutStr(char* p, std::string_view s, Ref* ref);
  bool SameTres(std::span<const network::TresCount> tres) const;

  LogBuffer* out_ = nullptr;
  std::size_t payload_ = 0;  // offset of the count in *out_
  std::size_t used_ = 0;     // bytes of *out_ in use; it may be longer (room for the next record)
  std::uint32_t records_ = 0;
  // The previous record, for the "same" bits (an empty one before the first).
  Ref cluster_, job_id_, account_, user_, partition_;
  std::int64_t submit_us_ = 0;
  std::size_t tres_n_ = 0;
  std::array<Ref, network::kSacctMaxTres> tres_name_{};
  std::array<std::int64_t, network::kSacctMaxTres> tres_count_{};
};

// One decoded record: views into the block's payload (and this object's TRES array).
struct DecodedUsage {
  UsageView usage;
  RatingKind kind = RatingKind::kBilled;
  std::optional<RatedFigures> figures;  // when kind == kBilled
  std::array<network::TresCount, network::kSacctMaxTres> tres{};
};

class UsageBlockDecoder {
 public:
  UsageBlockDecoder() = default;
  UsageBlockDecoder(const UsageBlockDecoder&) = delete;  // cur_.usage.tres points into cur_
  UsageBlockDecoder& operator=(const UsageBlockDecoder&) = delete;

  // Starts on a payload; false when its count header is missing.
  bool Open(std::string_view payload);
  std::uint32_t records() const { return records_; }
  // The next record (valid until the next call), or nullptr after the last one or at a short
  // or inconsistent one; done() tells the two apart.
  const DecodedUsage* Next();
  // Every record was read and nothing is left over.
  bool done() const { return read_ == records_ && in_.empty(); }

 private:
  bool Decode();
  std::string_view in_;
  std::uint32_t records_ = 0;
  std::uint32_t read_ = 0;
  std::size_t tres_n_ = 0;
  DecodedUsage cur_;  // also the previous record while the next is decoded
};

}  // namespace suanli::metering::codec
