// The durable usage store: every ingested usage record (job and step rows) with the line it
// was rated to, every later correction of that line, and each center's pull cursor, in one
// append-only checksummed log file. It is idempotent by (center, job, step): a key is stored
// once, and adding it again reports "already ingested". Writes are batched: a batch is one
// write(2) and one fdatasync, and nothing in it counts as ingested before that returns
// (the ledger's discipline, docs/ledger.md). At open the log is read once to rebuild the
// in-memory key index. Why a log and not SQLite: docs/metering.md ("Why a log file").
//
// File format (DIR/usage.log, little-endian), a sequence of entries:
//   u32 payload_bytes | u32 crc32c(kind byte + payload) | u8 kind | payload
// kinds: 5 usage block (usage_block.h: records coded against their neighbours, ≈ 64 KiB),
// 2 adjustment, 3 cursor, 4 commit (closes a batch; payload u32 entries), and 1, one usage
// record, which logs written before blocks hold and which is still read.
// Entries after the last commit are a batch whose fdatasync never returned: open truncates
// them. A bad entry is corruption, and open fails with kIo rather than silently dropping
// committed batches, when it lies further than one batch (kBatchBytesMax) from the end or when
// a checksummed commit entry follows it.
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cst_time.h"
#include "core/result.h"
#include "core/short_bytes.h"
#include "metering/log_writer.h"
#include "metering/rating.h"
#include "metering/usage_block.h"
#include "metering/usage_key_index.h"

namespace suanli::metering {

// How a line entered a bill. Numbers are stored.
enum class LineKind : std::uint8_t {
  kOriginal = 1,    // rated at ingest (revision 0)
  kReversal = 2,    // the exact negative of revision `revision`, from a correction
  kCorrection = 3,  // the re-rated line replacing it (revision `revision`)
};
std::string_view LineKindName(LineKind kind);  // "original", "reversal", "correction"

// One line of a bill. A reversal carries the reversed figures with quantity and amount negated,
// on the original's billing day, so a period's bill nets to the corrected amount.
struct BillLine {
  RatedLine line;
  LineKind kind = LineKind::kOriginal;
  std::uint32_t revision = 0;
  std::string reason;  // why a reversal/correction was made; empty for originals
};

// A stored usage record and the current state of its line (after every correction).
struct StoredUsage {
  network::UsageRecord record;
  RatingKind kind = RatingKind::kBilled;
  std::optional<RatedFigures> figures;  // current figures when kind == kBilled
  std::uint32_t revision = 0;           // current revision of the line
};

// A correction of one line: reverse `old_figures` (revision old_revision) and bill
// `new_figures` as revision old_revision + 1.
struct Adjustment {
  std::string center;
  std::string job_id;
  std::string step;
  std::uint32_t old_revision = 0;
  RatedFigures old_figures;
  RatedFigures new_figures;
  std::string reason;
};

class UsageStore {
 public:
  // One batch's bytes are bounded: Add/Adjust commit on their own once the pending batch
  // passes kBatchBytesTarget, and open's torn-tail rule relies on kBatchBytesMax.
  static constexpr std::size_t kBatchBytesTarget = 4 << 20;
  static constexpr std::size_t kBatchBytesMax = 16 << 20;

  struct Options {
    std::string dir;   // created if missing; holds usage.log
    bool sync = true;  // fdatasync each batch; false only for tests of logic (never durable)
  };

  // Opens (creating) DIR/usage.log, takes an exclusive lock on it (kConflict when another
  // process holds it), verifies every checksum, truncates an unacknowledged tail and rebuilds
  // the key index and cursors. kIo on I/O failure or corruption (with the offset).
  static Result<std::unique_ptr<UsageStore>> Open(const Options& options);
  ~UsageStore();
  UsageStore(const UsageStore&) = delete;
  UsageStore& operator=(const UsageStore&) = delete;

  // Sizes the key index for `records` keys in all, so a large ingest does not rehash it
  // repeatedly; a hint only.
  void Reserve(std::size_t records);

  // A hint that a record of (center, job) will be added soon: starts loading the index memory
  // its lookup will need (ingest calls it before rating the record, to overlap the two).
  void Prefetch(std::string_view center, std::string_view job_id) const {
    index_.Prefetch(center, job_id);
  }

  // True when (center, job, step) is stored or pending in the current batch.
  bool Contains(std::string_view center, std::string_view job_id, std::string_view step) const;

  // Adds a rated record (outcome.ok must hold) to the pending batch and returns true; returns
  // false, adding nothing, when its key is already stored or pending ("already ingested").
  // Once the batch has grown past kBatchBytesTarget it is handed to the writer thread, which
  // writes and fdatasyncs it while the next batch is built; the outcome of that write comes
  // back from a later call (an error of Commit's kinds). Nothing counts as committed before
  // Commit returns.
  Result<bool> Add(const UsageView& usage, const RatingOutcome& outcome);

  // Adds a correction of a stored billed line to the pending batch. The key must be stored
  // and adjustment.old_revision must be its current revision (CHECKed: Rerate guarantees it).
  Status Adjust(const Adjustment& adjustment);

  // Records `cursor` (the connector's UsageCursor::ToString()) as the center's resume point, in
  // the pending batch, so records and the cursor that follows them become durable together.
  Status SetCursor(std::string_view center, std::string_view cursor);
  // The last committed cursor of the center; nullopt when none.
  std::optional<std::string> Cursor(std::string_view center) const;

  // Writes the pending batch and its commit entry in one write, fdatasyncs once, and only then
  // makes its keys, adjustments and cursors count as committed; it first waits for a batch the
  // writer thread has in flight. A no-op when nothing is pending or in flight. After any write
  // or sync failure the store refuses every later write (kReadOnly); reopening recovers the
  // last committed state. kIoUncertain on that failure.
  Status Commit();

  // Reads every committed usage record with its line's current state, in log order. Stops and
  // returns the callback's error if it returns one.
  Status ScanUsage(const std::function<Status(const StoredUsage&)>& visit) const;

  // Every committed bill line (originals, reversals, corrections) whose billing day lies in
  // [first, last] and, when `org` is set, whose organisation is `org`; in log order.
  Result<std::vector<BillLine>> Lines(Date first, Date last, std::optional<OrgId> org) const;

  std::uint64_t record_count() const { return record_count_; }  // committed + pending
  std::uint64_t log_bytes() const { return log_bytes_; }        // committed
  const std::string& path() const { return path_; }
  // Bytes of an unacknowledged batch that Open cut off the end of the log (0 normally).
  std::uint64_t truncated_bytes() const { return truncated_bytes_; }

 private:
  // Records of the open batch are coded into block_ and sealed into pending_ as one entry
  // once it reaches this size, and before any other entry (which must follow them).
  static constexpr std::size_t kBlockBytesTarget = 64 << 10;

  UsageStore() = default;
  Status Recover();
  // Reads entries from byte 0 up to `limit_bytes`, calling visit(kind, payload, end offset)
  // for each whole entry with a good checksum; *good_end is the end of the last one. A bad or
  // short entry is an error, unless tolerate_tail and it lies within kBatchBytesMax of the
  // limit (a torn last batch), where reading just stops.
  Status ReadEntries(
      std::uint64_t limit_bytes, bool tolerate_tail,
      const std::function<Status(std::uint8_t, std::string_view, std::uint64_t)>& visit,
      std::uint64_t* good_end) const;
  // After a bad entry at bad_offset: kIo when a committed batch follows it (corruption), ok
  // when what follows is the torn, unacknowledged last batch.
  Status CheckTornTail(std::uint64_t bad_offset, std::uint64_t size) const;
  void AppendEntry(std::uint8_t kind, std::string_view payload);
  void SealBlock();
  Status CommitIfLarge();
  // Closes the pending batch with its commit entry and hands it to the writer thread, after
  // FinishWrite. A no-op when nothing is pending.
  Status StartCommit();
  // Waits for the batch in flight and makes it count as committed (log_bytes_, cursors), or
  // marks the store broken and returns the write's error. Ok when nothing is in flight.
  Status FinishWrite();

  std::string dir_;
  std::string path_;
  bool sync_ = true;
  int fd_ = -1;
  bool broken_ = false;  // sticky: a write or sync failed; no more writes until reopened
  std::uint64_t log_bytes_ = 0;
  std::uint64_t truncated_bytes_ = 0;
  std::uint64_t record_count_ = 0;
  LogBuffer pending_;  // encoded entries of the open batch
  std::uint32_t pending_entries_ = 0;
  std::unique_ptr<LogWriter> writer_;  // started with the first batch
  std::uint64_t writing_bytes_ = 0;    // of the batch in flight
  std::vector<std::pair<std::string, std::string>> writing_cursors_;  // its cursors
  std::string scratch_;  // reused payload buffer
  codec::UsageBlockEncoder block_;  // the open block of the batch
  UsageKeyIndex index_;  // every committed and pending key, with its line's revision
  boost::unordered_flat_map<std::string, std::string, ShortStringHash, ShortStringEqual> cursors_;
  std::vector<std::pair<std::string, std::string>> pending_cursors_;
};

// The key the store and the reports use: "center\x1fjob\x1fstep" (unit separator, which no
// Slurm name contains).
std::string UsageKey(std::string_view center, std::string_view job_id, std::string_view step);

}  // namespace suanli::metering
