// Ingest (ingest.h): parse → rate → store, one record at a time, committing in batches.
#include "metering/ingest.h"

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

Result<IngestReport> IngestSacctText(UsageStore* store, const Rater& rater, std::string_view text,
                                     const IngestOptions& options) {
  constexpr std::uint64_t kProgressEveryBytes = 1 << 20;
  IngestReport report;
  Tally tally(store, rater, options.rejects_kept_max, &report);
  std::uint64_t next_progress = kProgressEveryBytes;
  // sacct lines are ~150 bytes; a generous estimate of the records avoids rehashing the index.
  constexpr std::size_t kLineBytesMin = 100;
  if (store != nullptr) store->Reserve(store->record_count() + text.size() / kLineBytesMin);
  const network::SacctFileStats stats = network::ParseSacctText(
      text, options.sacct,
      [&](const network::SacctRow& row, std::uint64_t line) {
        if (tally.failed()) return;
        tally.Record(UsageView::FromRow(row), line);
        if (options.progress) {
          const auto done = static_cast<std::uint64_t>(row.job_id.data() - text.data());
          if (done >= next_progress) {
            options.progress(done);
            next_progress = done + kProgressEveryBytes;
          }
        }
      },
      [&](const network::SacctLineError& e) {
        tally.Reject(LineReject{e.line, e.column, std::string(network::SacctErrorKindName(e.kind)),
                                e.reason});
      });
  report.lines = stats.lines;
  SUANLI_TRY(tally.Finish());
  if (options.progress) options.progress(text.size());
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
