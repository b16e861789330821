// Ingest (ingest.h): parse → rate → store, one record at a time, committing in batches.
#include "metering/ingest.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

namespace suanli::metering {
namespace {

// The sacct column a rating reject is about (sacct's own spelling).
std::string_view RejectColumn(RejectReason reason, const std::string& detail) {
  switch (reason) {
    case RejectReason::kUnregisteredCenter:
      return "Cluster";
    case RejectReason::kUnknownAccount:
      return "Account";
    case RejectReason::kNotFinal:
      return "State";
    case RejectReason::kNegativeDuration:
      return "ElapsedRaw";
    case RejectReason::kAbsentDuration:
      return detail.starts_with("no Start") ? "Start" : "End";
    case RejectReason::kNoPriceInForce:
      return "Partition";
    case RejectReason::kOverflow:
      return "AllocTRES";
    case RejectReason::kImpossibleDuration:
      return detail.starts_with("ElapsedRaw") ? "ElapsedRaw" : "End";
    case RejectReason::kInTheFuture:
      return "End";
  }
  return "";
}

// Counts one record into the report; shared by the file and the batch paths.
class Tally {
 public:
  Tally(UsageStore* store, const Rater& rater, std::size_t rejects_kept_max, IngestReport* report)
      : store_(store), rater_(rater), kept_max_(rejects_kept_max), report_(report) {}

  // Returns false once the store has failed (the error is in status()).
  bool Record(const UsageView& view, std::uint64_t line) {
    if (!status_.ok()) return false;
    if (store_ != nullptr) store_->Prefetch(view.cluster, view.job_id);  // overlaps rating
    const RatingOutcome outcome = rater_.Rate(view, &memo_);
    if (!outcome.ok) {
      Reject(LineReject{line, std::string(RejectColumn(outcome.reject, outcome.detail)),
                        std::string(RejectReasonName(outcome.reject)), outcome.detail});
      return true;
    }
    if (store_ != nullptr) {
      const Result<bool> added = store_->Add(view, outcome);
      if (!added.ok()) {
        status_ = added.error();
        return false;
      }
      if (!*added) {
        ++report_->already;
        return true;
      }
    }
    ++report_->ingested;
    switch (outcome.kind) {
      case RatingKind::kBilled:
        ++report_->billed;
        if (__builtin_add_overflow(report_->amount_fen, outcome.figures.amount_fen,
                                   &report_->amount_fen)) {
          status_ = MakeError(ErrorCode::kOverflow, "amount_fen", "the report's total overflows");
          return false;
        }
        break;
      case RatingKind::kStep:
        ++report_->steps;
        break;
      case RatingKind::kNeverRan:
        ++report_->never_ran;
        break;
    }
    return true;
  }

  void Reject(LineReject reject) {
    ++report_->rejected;
    if (report_->rejects.size() < kept_max_) report_->rejects.push_back(std::move(reject));
  }

  Status Finish() {
    if (status_.ok() && store_ != nullptr) status_ = store_->Commit();
    return status_;
  }
  bool failed() const { return !status_.ok(); }

 private:
  UsageStore* store_;
  const Rater& rater_;
  Rater::Memo memo_;
  std::size_t kept_max_;
  IngestReport* report_;
  Status status_ = OkStatus();
};

}  // namespace

std::string LineReject::ToString() const {
  std::string out = "line " + std::to_string(line) + ": ";
  if (!column.empty()) out += column + ": ";
  out += kind;
  if (!reason.empty()) out += " (" + reason + ")";
  return out;
}

namespace {

// The sacct path: a stream of text through the parser into the tally.
class SacctIngest {
 public:
  SacctIngest(UsageStore* store, const Rater& rater, const IngestOptions& options,
              std::uint64_t size_hint)
      : tally_(store, rater, options.rejects_kept_max, &report_),
        stream_(
            options.sacct,
            [this](const network::SacctRow& row, std::uint64_t line) {
              if (!tally_.failed()) tally_.Record(UsageView::FromRow(row), line);
            },
            [this](const network::SacctLineError& e) {
              tally_.Reject(LineReject{e.line, e.column,
                                       std::string(network::SacctErrorKindName(e.kind)),
                                       e.reason});
            }) {
    // sacct lines are ~150 bytes; a generous estimate of the records avoids rehashing the index.
    constexpr std::uint64_t kLineBytesMin = 100;
    if (store != nullptr) store->Reserve(store->record_count() + size_hint / kLineBytesMin);
  }

  // Stops early once the store failed (the rest would only be counted, not stored).
  bool Feed(std::string_view chunk, bool last = false) {
    stream_.Feed(chunk, last);
    return !tally_.failed();
  }

  Result<IngestReport> Finish() {
    report_.lines = stream_.Finish().lines;
    SUANLI_TRY(tally_.Finish());
    return std::move(report_);
  }

 private:
  IngestReport report_;
  Tally tally_;
  network::SacctStream stream_;
};

constexpr std::size_t kProgressEveryBytes = 1 << 20;

}  // namespace

Result<IngestReport> IngestSacctText(UsageStore* store, const Rater& rater, std::string_view text,
                                     const IngestOptions& options) {
  SacctIngest ingest(store, rater, options, text.size());
  // In 1 MiB slices, for the progress callback; a slice boundary costs one copied line.
  for (std::size_t done = 0; done < text.size();) {
    const std::size_t n = std::min(kProgressEveryBytes, text.size() - done);
    done += n;
    const bool ok = ingest.Feed(text.substr(done - n, n), /*last=*/done == text.size());
    if (options.progress) options.progress(done);
    if (!ok) break;
  }
  auto report = ingest.Finish();
  if (report.ok() && options.progress && text.empty()) options.progress(0);
  return report;
}

Result<IngestReport> IngestSacctFile(UsageStore* store, const Rater& rater, int fd,
                                     std::uint64_t size_hint, const IngestOptions& options) {
  SacctIngest ingest(store, rater, options, size_hint);
  // 256 KiB: the chunk stays in the core's cache while it is parsed (see the header). Aligned
  // to a cache line because the kernel's copy into it is: on the benchmark's AMD EPYC, read(2)
  // into a buffer 16 bytes past a line (where `new char[256 KiB]` lands, after malloc's header
  // on an mmap'd page) took 0.115 s for the 291 MB file instead of 0.025 s, and parse+rate
  // 0.34 s instead of 0.25 s (docs/benchmarks-metering.md).
  struct alignas(64) Chunk {
    char bytes[256 << 10];
  };
  constexpr std::size_t kChunkBytes = sizeof(Chunk::bytes);
  const auto chunk = std::make_unique_for_overwrite<Chunk>();
  char* const buffer = chunk->bytes;
  std::uint64_t done = 0;
  std::uint64_t next_progress = kProgressEveryBytes;
  while (true) {
    const ssize_t n = ::read(fd, buffer, kChunkBytes);
    if (n < 0) {
      if (errno == EINTR) continue;
      return MakeError(ErrorCode::kIo, "usage file", std::string("read: ") + std::strerror(errno));
    }
    if (n == 0) break;
    done += static_cast<std::uint64_t>(n);
    if (!ingest.Feed(std::string_view(buffer, static_cast<std::size_t>(n)))) break;
    if (options.progress && done >= next_progress) {
      options.progress(done);
      next_progress = done + kProgressEveryBytes;
    }
  }
  auto report = ingest.Finish();
  if (report.ok() && options.progress) options.progress(done);
  return report;
}

Result<IngestReport> IngestRecords(UsageStore* store, const Rater& rater,
                                   std::span<const network::UsageRecord> records,
                                   const std::optional<CursorUpdate>& cursor,
                                   std::size_t rejects_kept_max) {
  IngestReport report;
  Tally tally(store, rater, rejects_kept_max, &report);
  std::array<network::TresCount, network::kSacctMaxTres> tres;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!tally.Record(UsageView::FromRecord(records[i], &tres), i + 1)) break;
  }
  report.lines = records.size();
  if (!tally.failed() && cursor && store != nullptr) {
    SUANLI_TRY(store->SetCursor(cursor->center, cursor->cursor));
  }
  SUANLI_TRY(tally.Finish());
  return report;
}

}  // namespace suanli::metering
