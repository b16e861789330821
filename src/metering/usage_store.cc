// The usage log (usage_store.h): framing, recovery at open, batches with one fdatasync.
#include "metering/usage_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/check.h"
#include "metering/crc32c.h"
#include "metering/entry_codec.h"

namespace suanli::metering {
namespace {

constexpr std::size_t kHeaderBytes = 9;  // u32 length, u32 crc, u8 kind
constexpr std::size_t kReadChunkBytes = 16 << 20;
constexpr const char* kLogName = "usage.log";

Error IoError(const std::string& path, std::string_view what, int err) {
  return MakeError(ErrorCode::kIo, path, std::string(what) + ": " + std::strerror(err));
}

std::uint32_t Load32(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

Status SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError(dir, "cannot open folder", errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return IoError(dir, "cannot fsync folder", err);
  return OkStatus();
}

// Calls visit(StoredUsage&) for each record of a usage entry (one record, or a block) with its
// original line (revision 0); *usage is reused. Other kinds have none. Entries were decoded
// once at open, so a failure now is a CHECK.
template <class Visit>
Status ForEachUsage(std::uint8_t kind, std::string_view payload, StoredUsage* usage,
                    Visit&& visit) {
  if (kind == codec::kUsageEntry) {
    SUANLI_CHECK(codec::DecodeUsage(payload, usage));
    return visit(*usage);
  }
  if (kind != codec::kUsageBlockEntry) return OkStatus();
  codec::UsageBlockDecoder block;
  SUANLI_CHECK(block.Open(payload));
  while (const codec::DecodedUsage* d = block.Next()) {
    usage->record = d->usage.ToRecord();
    usage->kind = d->kind;
    usage->figures = d->figures;
    usage->revision = 0;
    SUANLI_TRY(visit(*usage));
  }
  SUANLI_CHECK(block.done());
  return OkStatus();
}

}  // namespace

std::string UsageKey(std::string_view center, std::string_view job_id, std::string_view step) {
  std::string key;
  key.reserve(center.size() + job_id.size() + step.size() + 2);
  key.append(center).push_back('\x1f');
  key.append(job_id).push_back('\x1f');
  key.append(step);
  return key;
}

std::string_view LineKindName(LineKind kind) {
  switch (kind) {
    case LineKind::kOriginal:
      return "original";
    case LineKind::kReversal:
      return "reversal";
    case LineKind::kCorrection:
      return "correction";
  }
  return "unknown";
}

void UsageStore::Reserve(std::size_t records) { index_.Reserve(records); }

Result<std::unique_ptr<UsageStore>> UsageStore::Open(const Options& options) {
  std::unique_ptr<UsageStore> store(new UsageStore());
  store->dir_ = options.dir;
  store->sync_ = options.sync;
  store->path_ = (std::filesystem::path(options.dir) / kLogName).string();
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  if (ec) return MakeError(ErrorCode::kIo, options.dir, "cannot create folder: " + ec.message());
  const bool existed = std::filesystem::exists(store->path_, ec);
  store->fd_ = ::open(store->path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (store->fd_ < 0) return IoError(store->path_, "cannot open", errno);
  if (::flock(store->fd_, LOCK_EX | LOCK_NB) != 0) {
    return MakeError(ErrorCode::kConflict, store->path_,
                     "another process has this usage store open");
  }
  if (!existed && store->sync_) SUANLI_TRY(SyncDir(options.dir));
  SUANLI_TRY(store->Recover());
  return store;
}

UsageStore::~UsageStore() {
  writer_.reset();  // its thread writes to fd_
  if (fd_ >= 0) ::close(fd_);
}

Status UsageStore::ReadEntries(
    std::uint64_t limit_bytes, bool tolerate_tail,
    const std::function<Status(std::uint8_t, std::string_view, std::uint64_t)>& visit,
    std::uint64_t* good_end) const {
  std::string buf;
  std::uint64_t file_offset = 0;  // of buf[0]
  std::size_t pos = 0;
  bool eof = false;
  *good_end = 0;
  while (true) {
    // Refill when the next entry may not be whole in the buffer.
    const auto need_more = [&](std::size_t bytes) { return buf.size() - pos < bytes && !eof; };
    while (need_more(kHeaderBytes) || (buf.size() - pos >= kHeaderBytes &&
                                       need_more(kHeaderBytes + Load32(buf.data() + pos)))) {
      buf.erase(0, pos);
      file_offset += pos;
      pos = 0;
      std::size_t want = kReadChunkBytes;
      if (buf.size() >= kHeaderBytes) want = std::max(want, kHeaderBytes + Load32(buf.data()));
      const std::uint64_t left = limit_bytes - (file_offset + buf.size());
      want = static_cast<std::size_t>(std::min<std::uint64_t>(want, left));
      const std::size_t old = buf.size();
      buf.resize(old + want);
      std::size_t got = 0;
      while (got < want) {
        const ssize_t n = ::pread(fd_, buf.data() + old + got, want - got,
                                  static_cast<off_t>(file_offset + old + got));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return IoError(path_, "cannot read", errno);
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
      }
      buf.resize(old + got);
      if (file_offset + buf.size() >= limit_bytes || got < want) eof = true;
    }
    const std::uint64_t entry_offset = file_offset + pos;
    if (buf.size() == pos) return OkStatus();  // clean end
    const auto bad = [&](std::string why) -> Status {
      if (tolerate_tail && limit_bytes - entry_offset <= kBatchBytesMax) return OkStatus();
      return MakeError(ErrorCode::kIo, path_,
                       "corrupt at byte " + std::to_string(entry_offset) + ": " + why);
    };
    if (buf.size() - pos < kHeaderBytes) return bad("truncated entry header");
    const std::uint32_t len = Load32(buf.data() + pos);
    const std::uint32_t crc = Load32(buf.data() + pos + 4);
    if (buf.size() - pos - kHeaderBytes < len) return bad("truncated entry");
    const std::string_view body(buf.data() + pos + 8, len + 1);  // kind byte + payload
    if (Crc32c(body) != crc) return bad("checksum mismatch");
    const auto kind = static_cast<std::uint8_t>(body[0]);
    pos += kHeaderBytes + len;
    SUANLI_TRY(visit(kind, body.substr(1), file_offset + pos));
    *good_end = file_offset + pos;
  }
}

Status UsageStore::Recover() {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return IoError(path_, "cannot stat", errno);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  // The open batch's changes, undone at the end if no commit entry closes it.
  std::size_t committed_keys = 0;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> batch_revisions;  // (slot, revision before)
  std::vector<std::pair<std::string, std::string>> batch_cursors;
  codec::UsageBlockDecoder block;
  std::uint64_t committed_end = 0;
  std::uint64_t committed_records = 0;
  std::uint64_t records = 0;
  std::uint64_t good_end = 0;
  const Status read = ReadEntries(
      size, /*tolerate_tail=*/true,
      [&](std::uint8_t kind, std::string_view payload, std::uint64_t end) -> Status {
        const auto corrupt = [&](std::string_view what) {
          return MakeError(
              ErrorCode::kIo, path_,
              "undecodable " + std::string(what) + " entry ending at byte " + std::to_string(end));
        };
        switch (kind) {
          case codec::kUsageEntry: {  // one record, as logs before blocks hold
            std::string_view c, j, s;
            if (!codec::DecodeUsageKey(payload, &c, &j, &s)) return corrupt("usage");
            if (!index_.Insert(c, j, s)) return corrupt("duplicate usage");
            ++records;
            return OkStatus();
          }
          case codec::kUsageBlockEntry: {
            if (!block.Open(payload)) return corrupt("usage block");
            while (const codec::DecodedUsage* d = block.Next()) {
              if (!index_.Insert(d->usage.cluster, d->usage.job_id, d->usage.step)) {
                return corrupt("duplicate usage");
              }
              ++records;
            }
            if (!block.done()) return corrupt("usage block");
            return OkStatus();
          }
          case codec::kAdjustmentEntry: {
            Adjustment a;
            if (!codec::DecodeAdjustment(payload, &a)) return corrupt("adjustment");
            const std::uint32_t slot = index_.Find(a.center, a.job_id, a.step);
            if (slot == UsageKeyIndex::kNone || index_.revision(slot) != a.old_revision) {
              return corrupt("adjustment");
            }
            batch_revisions.emplace_back(slot, a.old_revision);
            index_.set_revision(slot, a.old_revision + 1);
            return OkStatus();
          }
          case codec::kCursorEntry: {
            std::string center, cursor;
            if (!codec::DecodeCursor(payload, &center, &cursor)) return corrupt("cursor");
            batch_cursors.emplace_back(std::move(center), std::move(cursor));
            return OkStatus();
          }
          case codec::kCommitEntry:
            for (auto& [center, cursor] : batch_cursors) cursors_[center] = std::move(cursor);
            committed_keys = index_.size();
            batch_revisions.clear();
            batch_cursors.clear();
            committed_end = end;
            committed_records = records;
            return OkStatus();
          default:
            return corrupt("unknown kind");
        }
      },
      &good_end);
  SUANLI_TRY(read);
  if (good_end < size) SUANLI_TRY(CheckTornTail(good_end, size));
  // Undo the open batch (its fdatasync never returned, so nobody was told it is durable).
  for (auto it = batch_revisions.rbegin(); it != batch_revisions.rend(); ++it) {
    index_.set_revision(it->first, it->second);
  }
  index_.Truncate(committed_keys);
  if (committed_end < size) {
    if (::ftruncate(fd_, static_cast<off_t>(committed_end)) != 0) {
      return IoError(path_, "cannot truncate the unacknowledged tail", errno);
    }
    if (sync_ && ::fdatasync(fd_) != 0) return IoError(path_, "cannot sync", errno);
    truncated_bytes_ = size - committed_end;
  }
  log_bytes_ = committed_end;
  record_count_ = committed_records;
  return OkStatus();
}

Status UsageStore::CheckTornTail(std::uint64_t bad_offset, std::uint64_t size) const {
  // ReadEntries stopped at a bad entry within kBatchBytesMax of the end. A torn write of the
  // last batch leaves no commit entry after it; committed data would. So look for a whole,
  // checksummed commit entry at any byte after the bad one: finding one means corruption.
  std::string tail(static_cast<std::size_t>(size - bad_offset), '\0');
  std::size_t got = 0;
  while (got < tail.size()) {
    const ssize_t n =
        ::pread(fd_, tail.data() + got, tail.size() - got, static_cast<off_t>(bad_offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoError(path_, "cannot read", errno);
    got += static_cast<std::size_t>(n);
  }
  constexpr std::size_t kCommitBytes = kHeaderBytes + 4;
  for (std::size_t p = 1; p + kCommitBytes <= tail.size(); ++p) {
    if (Load32(tail.data() + p) != 4 || tail[p + 8] != static_cast<char>(codec::kCommitEntry)) {
      continue;
    }
    if (Crc32c(std::string_view(tail.data() + p + 8, 5)) == Load32(tail.data() + p + 4)) {
      return MakeError(ErrorCode::kIo, path_,
                       "corrupt at byte " + std::to_string(bad_offset) +
                           ": a committed batch follows the bad entry (restore from a copy)");
    }
  }
  return OkStatus();
}

bool UsageStore::Contains(std::string_view center, std::string_view job_id,
                          std::string_view step) const {
  return index_.Find(center, job_id, step) != UsageKeyIndex::kNone;
}

namespace {

// Fills the header of the entry whose payload is buf[payload, end of buf).
void FrameEntry(LogBuffer* buf, std::size_t payload, std::uint8_t kind) {
  const std::size_t size = buf->size() - payload;
  SUANLI_CHECK(payload >= kHeaderBytes && size < UsageStore::kBatchBytesMax);
  char* header = buf->data() + payload - kHeaderBytes;
  const auto len = static_cast<std::uint32_t>(size);
  std::memcpy(header, &len, 4);
  header[8] = static_cast<char>(kind);
  const std::uint32_t crc = Crc32c(std::string_view(header + 8, size + 1));
  std::memcpy(header + 4, &crc, 4);
}

}  // namespace

void UsageStore::AppendEntry(std::uint8_t kind, std::string_view payload) {
  SUANLI_CHECK(!block_.open());  // the open block must end first: entries follow it
  const std::size_t at = pending_.size() + kHeaderBytes;
  pending_.resize(at);
  pending_.append(payload);
  FrameEntry(&pending_, at, kind);
  ++pending_entries_;
}

void UsageStore::SealBlock() {
  if (!block_.open()) return;
  FrameEntry(&pending_, block_.Finish(), codec::kUsageBlockEntry);
  ++pending_entries_;
}

Status UsageStore::CommitIfLarge() {
  // While a block is open, pending_ may be longer than what is written (usage_block.h).
  const std::size_t bytes = block_.open() ? block_.used() : pending_.size();
  if (bytes >= kBatchBytesTarget) return StartCommit();
  return OkStatus();
}

Result<bool> UsageStore::Add(const UsageView& usage, const RatingOutcome& outcome) {
  SUANLI_CHECK(outcome.ok);
  if (broken_) return MakeError(ErrorCode::kReadOnly, path_, "a write failed; reopen the store");
  if (!index_.Insert(usage.cluster, usage.job_id, usage.step)) return false;
  if (!block_.open()) {
    // The batch's buffer keeps its capacity from batch to batch (it alternates with the
    // writer's), so this allocates at most twice in a store's life.
    pending_.reserve(kBatchBytesTarget + 2 * kBlockBytesTarget);
    block_.Begin(&pending_, kHeaderBytes);
  }
  block_.Add(usage, outcome);
  ++record_count_;
  if (block_.bytes() >= kBlockBytesTarget) SealBlock();
  SUANLI_TRY(CommitIfLarge());
  return true;
}

Status UsageStore::Adjust(const Adjustment& adjustment) {
  if (broken_) return MakeError(ErrorCode::kReadOnly, path_, "a write failed; reopen the store");
  const std::uint32_t slot = index_.Find(adjustment.center, adjustment.job_id, adjustment.step);
  SUANLI_CHECK(slot != UsageKeyIndex::kNone && index_.revision(slot) == adjustment.old_revision);
  index_.set_revision(slot, adjustment.old_revision + 1);
  SealBlock();  // the corrected record comes first in the log
  scratch_.clear();
  codec::EncodeAdjustment(adjustment, &scratch_);
  AppendEntry(codec::kAdjustmentEntry, scratch_);
  return CommitIfLarge();
}

Status UsageStore::SetCursor(std::string_view center, std::string_view cursor) {
  if (broken_) return MakeError(ErrorCode::kReadOnly, path_, "a write failed; reopen the store");
  SealBlock();  // the cursor follows the records it covers
  scratch_.clear();
  codec::EncodeCursor(center, cursor, &scratch_);
  AppendEntry(codec::kCursorEntry, scratch_);
  pending_cursors_.emplace_back(std::string(center), std::string(cursor));
  return CommitIfLarge();
}

std::optional<std::string> UsageStore::Cursor(std::string_view center) const {
  const auto it = cursors_.find(center);
  if (it == cursors_.end()) return std::nullopt;
  return it->second;
}

Status UsageStore::Commit() {
  SUANLI_TRY(StartCommit());
  return FinishWrite();
}

Status UsageStore::StartCommit() {
  if (broken_) return MakeError(ErrorCode::kReadOnly, path_, "a write failed; reopen the store");
  SealBlock();
  if (pending_entries_ == 0) return OkStatus();
  SUANLI_TRY(FinishWrite());  // one batch in flight at a time, in order
  std::string commit;
  const std::uint32_t entries = pending_entries_;
  commit.append(reinterpret_cast<const char*>(&entries), 4);
  AppendEntry(codec::kCommitEntry, commit);
  if (!writer_) writer_ = std::make_unique<LogWriter>(fd_, sync_, path_);
  writing_bytes_ = pending_.size();
  writing_cursors_ = std::move(pending_cursors_);
  pending_cursors_.clear();
  writer_->Start(&pending_, log_bytes_);
  pending_entries_ = 0;
  return OkStatus();
}

Status UsageStore::FinishWrite() {
  if (!writer_ || !writer_->busy()) return OkStatus();
  Status written = writer_->Wait();
  if (!written.ok()) {
    broken_ = true;
    return written;
  }
  log_bytes_ += writing_bytes_;
  for (auto& [center, cursor] : writing_cursors_) cursors_[center] = std::move(cursor);
  writing_cursors_.clear();
  writing_bytes_ = 0;
  return OkStatus();
}

Status UsageStore::ScanUsage(const std::function<Status(const StoredUsage&)>& visit) const {
  // Pass 1: the latest adjustment per key (corrections are rare; this map stays small).
  struct Latest {
    std::uint32_t revision;
    RatedFigures figures;
  };
  boost::unordered_flat_map<std::string, Latest, ShortStringHash, ShortStringEqual> latest;
  std::uint64_t end = 0;
  SUANLI_TRY(ReadEntries(
      log_bytes_, false,
      [&](std::uint8_t kind, std::string_view payload, std::uint64_t) {
        if (kind != codec::kAdjustmentEntry) return OkStatus();
        Adjustment a;
        SUANLI_CHECK(codec::DecodeAdjustment(payload, &a));  // checked at open
        latest[UsageKey(a.center, a.job_id, a.step)] = Latest{a.old_revision + 1, a.new_figures};
        return OkStatus();
      },
      &end));
  StoredUsage usage;
  return ReadEntries(
      log_bytes_, false,
      [&](std::uint8_t kind, std::string_view payload, std::uint64_t) -> Status {
        return ForEachUsage(kind, payload, &usage, [&](StoredUsage& u) {
          if (!latest.empty()) {
            const auto& r = u.record;
            const auto it = latest.find(UsageKey(r.cluster, r.job_id, r.step));
            if (it != latest.end()) {
              u.revision = it->second.revision;
              u.figures = it->second.figures;
            }
          }
          return visit(u);
        });
      },
      &end);
}

Result<std::vector<BillLine>> UsageStore::Lines(Date first, Date last,
                                                std::optional<OrgId> org) const {
  std::vector<BillLine> lines;
  const auto wanted = [&](const RatedFigures& f) {
    return first <= f.day && f.day <= last && (!org || f.org == *org);
  };
  StoredUsage usage;
  codec::UsageBlockDecoder block;
  std::uint64_t end = 0;
  SUANLI_TRY(ReadEntries(
      log_bytes_, false,
      [&](std::uint8_t kind, std::string_view payload, std::uint64_t) -> Status {
        if (kind == codec::kUsageEntry) {
          SUANLI_CHECK(codec::DecodeUsage(payload, &usage));
          if (!usage.figures || !wanted(*usage.figures)) return OkStatus();
          const auto& r = usage.record;
          lines.push_back(BillLine{
              RatedLine{r.cluster, r.job_id, r.step, *usage.figures}, LineKind::kOriginal, 0, {}});
        } else if (kind == codec::kUsageBlockEntry) {
          SUANLI_CHECK(block.Open(payload));  // checked at open
          while (const codec::DecodedUsage* d = block.Next()) {
            if (!d->figures || !wanted(*d->figures)) continue;
            const UsageView& u = d->usage;
            lines.push_back(BillLine{RatedLine{std::string(u.cluster), std::string(u.job_id),
                                               std::string(u.step), *d->figures},
                                     LineKind::kOriginal, 0, {}});
          }
          SUANLI_CHECK(block.done());
        } else if (kind == codec::kAdjustmentEntry) {
          Adjustment a;
          SUANLI_CHECK(codec::DecodeAdjustment(payload, &a));
          if (wanted(a.old_figures)) {
            RatedFigures reversed = a.old_figures;
            reversed.quantity_unit_s = -reversed.quantity_unit_s;
            reversed.amount_fen = -reversed.amount_fen;
            lines.push_back(BillLine{RatedLine{a.center, a.job_id, a.step, reversed},
                                     LineKind::kReversal, a.old_revision, a.reason});
          }
          if (wanted(a.new_figures)) {
            lines.push_back(BillLine{RatedLine{a.center, a.job_id, a.step, a.new_figures},
                                     LineKind::kCorrection, a.old_revision + 1, a.reason});
          }
        }
        return OkStatus();
      },
      &end));
  return lines;
}

}  // namespace suanli::metering
