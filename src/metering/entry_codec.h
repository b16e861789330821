// The payloads of the usage log's entries (usage_store.h has the framing): byte-exact,
// little-endian, length-prefixed strings. Internal to metering; a decoder returns false on any
// short or inconsistent payload instead of reading past it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "metering/rating.h"
#include "metering/usage_store.h"

namespace suanli::metering::codec {

enum EntryKind : std::uint8_t {
  kUsageEntry = 1,
  kAdjustmentEntry = 2,
  kCursorEntry = 3,
  kCommitEntry = 4,
  kUsageBlockEntry = 5,  // usage_block.h
};

// Usage payload (kind 1: logs written before usage blocks; still read, no longer written):
//   u8 rating kind | str cluster | str job_id | str step | str account | str user |
//   str partition | i64 submit_us | i64 start_us (INT64_MIN: absent) | i64 end_us (same) |
//   i64 elapsed_s | u8 state | i32 exit_code | i32 exit_signal | u8 n | n × (str name, i64) |
//   figures (only when kind == billed)
// figures: u64 org | u64 contract (0: none) | i32 day | u8 unit | i64 quantity_unit_s |
//   i64 unit_price_fen | i64 price_effective_from_us | i64 share num | i64 share den |
//   i64 amount_fen
// str: u16 length | bytes.
void EncodeUsage(const UsageView& usage, const RatingOutcome& outcome, std::string* out);
bool DecodeUsage(std::string_view payload, StoredUsage* out);

// Adjustment payload: str center | str job_id | str step | str reason | u32 old_revision |
//   figures old | figures new.
void EncodeAdjustment(const Adjustment& adjustment, std::string* out);
bool DecodeAdjustment(std::string_view payload, Adjustment* out);

// Cursor payload: str center | str cursor.  Commit payload: u32 entries in the batch.
void EncodeCursor(std::string_view center, std::string_view cursor, std::string* out);
bool DecodeCursor(std::string_view payload, std::string* center, std::string* cursor);

// Reads just the key of a usage payload (open's index rebuild needs nothing else), and whether
// its line is billed.
bool DecodeUsageKey(std::string_view payload, std::string_view* cluster, std::string_view* job_id,
                    std::string_view* step);

}  // namespace suanli::metering::codec
