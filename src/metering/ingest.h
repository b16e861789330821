// Ingest: a `sacct --parsable2` file (or a connector's batch of UsageRecords) → parsed, rated
// and stored, with every bad line reported by number, column and reason and never billed. This
// is the whole data path of metering in one call; the CLI and the platform both use it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "metering/rating.h"
#include "metering/usage_store.h"
#include "network/center_connector.h"
#include "network/sacct_parser.h"

namespace suanli::metering {

// One refused line: a parse error (kind = the parser's name, e.g. "malformed line") or a rating
// reject (kind = RejectReasonName, e.g. "unknown account").
struct LineReject {
  std::uint64_t line = 0;  // 1-based line of the file; for records, 1-based index in the batch
  std::string column;      // the header's spelling of the column; "" for whole-line reasons
  std::string kind;
  std::string reason;

  std::string ToString() const;  // "line 7: Account: unknown account (acct-x on cdhpc)"
};

struct IngestOptions {
  network::SacctOptions sacct;
  // Rejects kept in the report (all are counted); bounds memory on a garbage file.
  std::size_t rejects_kept_max = 10'000;
  // Called now and then (every ~1 MiB) with the bytes of the text consumed so far.
  std::function<void(std::uint64_t bytes_done)> progress;
};

struct IngestReport {
  std::uint64_t lines = 0;          // lines read, header included
  std::uint64_t ingested = 0;       // records newly stored (billed + steps + never_ran)
  std::uint64_t billed = 0;         // of which whole-job lines with an amount
  std::uint64_t steps = 0;          // of which step rows (recorded, not billed)
  std::uint64_t never_ran = 0;      // of which final jobs that never started (0 fen)
  std::uint64_t already = 0;        // records whose key was stored before: nothing changed
  std::uint64_t rejected = 0;       // bad lines: parse errors and rating rejects
  std::int64_t amount_fen = 0;      // sum of the newly billed lines
  std::vector<LineReject> rejects;  // the first rejects_kept_max, in file order
};

// Parses, rates and (when `store` is not null) stores every line of `text`, committing in
// batches and once more at the end, so when this returns ok every ingested record is durable.
// With store == nullptr nothing is written and every rated record counts as ingested (a dry
// run: the in-memory ingest-and-rate the benchmark measures). A bad header is one reject on
// line 1 and no rows. Errors: the store's (kIo, kIoUncertain, kReadOnly) and kOverflow when the
// report's total would overflow; records committed before the error stay committed, and
// re-ingesting the file after fixing the cause is safe (idempotent).
Result<IngestReport> IngestSacctText(UsageStore* store, const Rater& rater, std::string_view text,
                                     const IngestOptions& options);

// The same for a file read from `fd` (at its current offset, to its end) with read(2) in
// 256 KiB chunks: a file of any size is never in memory at once, and parsing text that was
// just copied into a small buffer costs about 30 % less CPU than parsing it through a mapping
// of the file (docs/benchmarks-metering.md). `size_hint` (the file's size, or 0) sizes the
// key index up front. progress gets the bytes read so far. Errors as above, and kIo when a
// read fails.
Result<IngestReport> IngestSacctFile(UsageStore* store, const Rater& rater, int fd,
                                     std::uint64_t size_hint, const IngestOptions& options);

// The same for a connector's page: rates and stores `records`, and when `cursor` is set records
// it as the center's cursor in the same batch as the records (so a crash never advances the
// cursor past records it did not store). Reject line numbers are 1-based indexes.
struct CursorUpdate {
  std::string center;
  std::string cursor;  // UsageCursor::ToString()
};
Result<IngestReport> IngestRecords(UsageStore* store, const Rater& rater,
                                   std::span<const network::UsageRecord> records,
                                   const std::optional<CursorUpdate>& cursor,
                                   std::size_t rejects_kept_max = 10'000);

}  // namespace suanli::metering
