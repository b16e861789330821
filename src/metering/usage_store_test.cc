// The usage log and ingest: idempotency by (center, job, step), per-line rejects with reasons,
// truncated lines, recovery of a torn tail, corruption refused, cursors.
#include "metering/usage_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "metering/crc32c.h"
#include "metering/entry_codec.h"
#include "metering/ingest.h"
#include "metering/metering_testing.h"

namespace suanli::metering {
namespace {

std::string TempDir(const char* name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   (std::string("metering-") + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir.string();
}

std::unique_ptr<UsageStore> OpenStore(const std::string& dir) {
  auto store = UsageStore::Open({dir, true});
  EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().ToString());
  return std::move(store).value();
}

// Lines 2–4: a 10 h Ascend job and its two steps; 5: a CPU job of class A on cdhpc; 6: a job
// cancelled before it started.
std::string GoodFile() {
  return std::string(testing::kHeader) + "\n" +
         "1001|cdai|uni-ai|alice|ascend|2024-03-15T08:59:00|2024-03-15T09:00:00|"
         "2024-03-15T19:00:00|36000|billing=8,cpu=64,gres/npu=8,mem=256G,node=1|COMPLETED|0:0\n"
         "1001.batch|cdai|uni-ai|||2024-03-15T08:59:00|2024-03-15T09:00:00|2024-03-15T19:00:00|"
         "36000|"
         "cpu=64,gres/npu=8,mem=256G,node=1|COMPLETED|0:0\n"
         "1001.0|cdai|uni-ai|||2024-03-15T09:00:01|2024-03-15T09:00:01|2024-03-15T18:59:00|35939|"
         "cpu=64,gres/npu=8,mem=256G,node=1|COMPLETED|0:0\n"
         "77|cdhpc|lab|bob|cpu|2024-05-06T07:00:00|2024-05-06T08:00:00|2024-05-06T18:00:00|36000|"
         "cpu=4,mem=8G,node=1|COMPLETED|0:0\n"
         "78|cdhpc|lab|bob|cpu|2024-05-06T07:00:00|None|2024-05-06T07:30:00|0||CANCELLED by "
         "0|0:0\n";
}

IngestReport Ingest(UsageStore* store, const std::string& text) {
  const Rater rater = testing::MakeRater();
  auto report = IngestSacctText(store, rater, text, {});
  EXPECT_TRUE(report.ok()) << (report.ok() ? "" : report.error().ToString());
  return std::move(report).value();
}

TEST(UsageStoreTest, IngestThenReingestChangesNothing) {
  const std::string dir = TempDir("reingest");
  {
    auto store = OpenStore(dir);
    const IngestReport first = Ingest(store.get(), GoodFile());
    EXPECT_EQ(first.lines, 6u);
    EXPECT_EQ(first.ingested, 5u);
    EXPECT_EQ(first.billed, 2u);
    EXPECT_EQ(first.steps, 2u);
    EXPECT_EQ(first.never_ran, 1u);
    EXPECT_EQ(first.rejected, 0u);
    EXPECT_EQ(first.amount_fen, 50'000 + 60);
    const auto bytes = store->log_bytes();
    const IngestReport again = Ingest(store.get(), GoodFile());
    EXPECT_EQ(again.ingested, 0u);
    EXPECT_EQ(again.already, 5u);
    EXPECT_EQ(again.amount_fen, 0);
    EXPECT_EQ(store->log_bytes(), bytes);
  }
  // After reopening, the index is rebuilt from the log: still nothing new.
  auto store = OpenStore(dir);
  EXPECT_EQ(store->record_count(), 5u);
  EXPECT_TRUE(store->Contains("cdai", "1001", "batch"));
  const auto bytes = store->log_bytes();
  const IngestReport third = Ingest(store.get(), GoodFile());
  EXPECT_EQ(third.already, 5u);
  EXPECT_EQ(store->log_bytes(), bytes);
  std::filesystem::remove_all(dir);
}

TEST(UsageStoreTest, SameKeyTwiceInOneFileIsIngestedOnce) {
  const std::string dir = TempDir("dup");
  auto store = OpenStore(dir);
  const std::string file = GoodFile();
  const IngestReport r = Ingest(store.get(), file + file.substr(file.find('\n') + 1));
  EXPECT_EQ(r.ingested, 5u);
  EXPECT_EQ(r.already, 5u);
  EXPECT_EQ(r.amount_fen, 50'060);
  std::filesystem::remove_all(dir);
}

TEST(UsageStoreTest, BadLinesAreReportedWithReasonAndNeverBilled) {
  const std::string dir = TempDir("bad");
  auto store = OpenStore(dir);
  const std::string text =
      std::string(testing::kHeader) + "\n" +
      // 2: truncated (the upload was cut mid-line)
      "2001|cdai|uni-ai|alice|ascend|2024-03-15T08:59:00|2024-03-15T09:00:00\n"
      // 3: unknown account
      "2002|cdai|ghost|eve|ascend|2024-03-15T08:59:00|2024-03-15T09:00:00|2024-03-15T10:00:00|"
      "3600|gres/npu=8|COMPLETED|0:0\n"
      // 4: negative duration
      "2003|cdai|uni-ai|alice|ascend|2024-03-15T08:59:00|2024-03-15T09:00:00|"
      "2024-03-15T10:00:00|-5|gres/npu=8|COMPLETED|0:0\n"
      // 5: a center that is not registered
      "2004|xinjiang|uni-ai|alice|ascend|2024-03-15T08:59:00|2024-03-15T09:00:00|"
      "2024-03-15T10:00:00|3600|gres/npu=8|COMPLETED|0:0\n"
      // 6: still running
      "2005|cdai|uni-ai|alice|ascend|2024-03-15T08:59:00|2024-03-15T09:00:00|Unknown|3600|"
      "gres/npu=8|RUNNING|0:0\n"
      // 7: before any price took effect
      "2006|cdai|uni-ai|alice|ascend|2023-12-31T08:59:00|2023-12-31T09:00:00|"
      "2023-12-31T10:00:00|3600|gres/npu=8|COMPLETED|0:0\n"
      // 8: completed without an End
      "2007|cdai|uni-ai|alice|ascend|2024-03-15T08:59:00|2024-03-15T09:00:00|Unknown|3600|"
      "gres/npu=8|COMPLETED|0:0\n"
      // 9: too many fields
      "2008|cdai|uni-ai|alice|ascend|2024-03-15T08:59:00|2024-03-15T09:00:00|"
      "2024-03-15T10:00:00|3600|gres/npu=8|COMPLETED|0:0|extra\n"
      // 10: good
      "2009|cdai|uni-ai|alice|ascend|2024-03-15T08:59:00|2024-03-15T09:00:00|"
      "2024-03-15T10:00:00|3600|gres/npu=8|COMPLETED|0:0\n"
      // 11: truncated at the end of the file, without its newline
      "2010|cdai|uni-ai|alice|asc";
  const IngestReport r = Ingest(store.get(), text);
  EXPECT_EQ(r.ingested, 1u);
  EXPECT_EQ(r.rejected, 9u);
  EXPECT_EQ(r.amount_fen, 5'000);  // 1,250 × 8 × 3,600 / 2 / 3,600
  ASSERT_EQ(r.rejects.size(), 9u);
  struct Want {
    std::uint64_t line;
    const char* column;
    const char* kind;
  };
  const Want want[] = {
      {2, "", "malformed line"},
      {3, "Account", "unknown account"},
      {4, "ElapsedRaw", "negative duration"},
      {5, "Cluster", "unregistered center"},
      {6, "State", "not final"},
      {7, "Partition", "no price in force"},
      {8, "End", "absent duration"},
      {9, "", "malformed line"},
      {11, "", "malformed line"},
  };
  for (std::size_t i = 0; i < 9; ++i) {
    EXPECT_EQ(r.rejects[i].line, want[i].line) << i;
    EXPECT_EQ(r.rejects[i].column, want[i].column) << i;
    EXPECT_EQ(r.rejects[i].kind, want[i].kind) << i;
    EXPECT_FALSE(r.rejects[i].reason.empty()) << i;
  }
  EXPECT_NE(r.rejects[0].reason.find("truncated"), std::string::npos);
  EXPECT_EQ(r.rejects[1].ToString().rfind("line 3: Account: unknown account ('ghost'", 0), 0u)
      << r.rejects[1].ToString();
  // Nothing rejected was stored, so nothing rejected can reach a bill.
  EXPECT_EQ(store->record_count(), 1u);
  for (const char* job : {"2002", "2003", "2004", "2005", "2006", "2007"}) {
    EXPECT_FALSE(store->Contains("cdai", job, "")) << job;
  }
  const auto lines = store->Lines(*Date::Parse("2023-01-01"), *Date::Parse("2025-01-01"), {});
  ASSERT_TRUE(lines.ok());
  ASSERT_EQ(lines->size(), 1u);
  EXPECT_EQ((*lines)[0].line.job_id, "2009");
  std::filesystem::remove_all(dir);
}

TEST(UsageStoreTest, BadHeaderIsOneRejectOnLineOne) {
  const std::string dir = TempDir("header");
  auto store = OpenStore(dir);
  const IngestReport r = Ingest(store.get(), "JobID|Account\n1|a\n");
  EXPECT_EQ(r.rejected, 1u);
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].line, 1u);
  EXPECT_EQ(r.rejects[0].kind, "missing column");
  std::filesystem::remove_all(dir);
}

TEST(UsageStoreTest, TornTailIsCutAndCorruptionRefused) {
  const std::string dir = TempDir("torn");
  std::uint64_t good = 0;
  {
    auto store = OpenStore(dir);
    Ingest(store.get(), GoodFile());
    good = store->log_bytes();
  }
  const std::string path = dir + "/usage.log";
  {  // a batch whose write was cut short: half an entry, no commit
    std::ofstream out(path, std::ios::app | std::ios::binary);
    out << std::string("\x40\x00\x00\x00garbage", 11);
  }
  {
    auto store = OpenStore(dir);
    EXPECT_EQ(store->truncated_bytes(), 11u);
    EXPECT_EQ(store->log_bytes(), good);
    EXPECT_EQ(store->record_count(), 5u);
  }
  EXPECT_EQ(std::filesystem::file_size(path), good);
  // A flipped byte inside the first batch, with a committed batch after it: refused.
  {
    auto store = OpenStore(dir);
    auto more = Ingest(store.get(), std::string(testing::kHeader) + "\n" +
                                        "79|cdhpc|lab|bob|cpu|2024-05-06T07:00:00|"
                                        "2024-05-06T08:00:00|2024-05-06T09:00:00|3600|cpu=1|"
                                        "COMPLETED|0:0\n");
    EXPECT_EQ(more.ingested, 1u);
  }
  {
    const int fd = ::open(path.c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    char c = 0;
    ASSERT_EQ(::pread(fd, &c, 1, 20), 1);
    c = static_cast<char>(c ^ 0x5a);
    ASSERT_EQ(::pwrite(fd, &c, 1, 20), 1);
    ::close(fd);
  }
  const auto reopened = UsageStore::Open({dir, true});
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.error().code, ErrorCode::kIo);
  EXPECT_NE(reopened.error().message.find("corrupt"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(UsageStoreTest, SecondOpenIsRefused) {
  const std::string dir = TempDir("lock");
  auto store = OpenStore(dir);
  const auto second = UsageStore::Open({dir, true});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  std::filesystem::remove_all(dir);
}

TEST(UsageStoreTest, RecordsAndCursorCommitTogether) {
  const std::string dir = TempDir("cursor");
  const Rater rater = testing::MakeRater();
  network::UsageRecord r;
  r.cluster = "cdhpc";
  r.job_id = "17";
  r.account = "lab";
  r.user = "bob";
  r.partition = "cpu";
  r.start = *Instant::Parse("2024-05-06T08:00:00+08:00");
  r.submit = *r.start;
  r.end = r.start->AddSeconds(3'600);
  r.elapsed_s = 3'600;
  r.alloc_tres = {{"cpu", 10}};
  r.state = network::JobState::kCompleted;
  network::UsageRecord running = r;
  running.job_id = "18";
  running.state = network::JobState::kRunning;
  const std::vector<network::UsageRecord> page = {r, running};
  {
    auto store = OpenStore(dir);
    EXPECT_EQ(store->Cursor("cdhpc"), std::nullopt);
    auto report =
        IngestRecords(store.get(), rater, page, CursorUpdate{"cdhpc", "1714957200000000/17"});
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->ingested, 1u);
    EXPECT_EQ(report->rejected, 1u);
    EXPECT_EQ(report->rejects[0].line, 2u);
    EXPECT_EQ(report->amount_fen, 15);  // 5 fen × 10 cores × 1 h × class A 30 %
  }
  auto store = OpenStore(dir);
  EXPECT_EQ(store->Cursor("cdhpc"), "1714957200000000/17");
  auto again = IngestRecords(store.get(), rater, page, std::nullopt);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->already, 1u);
  std::vector<std::string> jobs;
  ASSERT_TRUE(store
                  ->ScanUsage([&](const StoredUsage& u) {
                    jobs.push_back(u.record.job_id);
                    EXPECT_EQ(u.record.alloc_tres.at("cpu"), 10);
                    EXPECT_EQ(u.record.end, r.end);
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(jobs, std::vector<std::string>{"17"});
  std::filesystem::remove_all(dir);
}

TEST(UsageStoreTest, ManyBatchesSurviveReopen) {
  const std::string dir = TempDir("many");
  std::string text = std::string(testing::kHeader) + "\n";
  constexpr int kJobs = 300'000;  // > kBatchBytesTarget of log (≈ 37 bytes a job): several batches
  for (int i = 0; i < kJobs; ++i) {
    text += std::to_string(100000 + i) +
            "|cdhpc|lab|bob|cpu|2024-05-06T07:00:00|2024-05-06T08:00:00|2024-05-06T09:00:00|3600|"
            "cpu=100,mem=8G,node=1|COMPLETED|0:0\n";
  }
  std::uint64_t bytes = 0;
  {
    auto store = OpenStore(dir);
    const IngestReport r = Ingest(store.get(), text);
    EXPECT_EQ(r.ingested, static_cast<std::uint64_t>(kJobs));
    EXPECT_EQ(r.amount_fen, 150 * kJobs);  // 5 × 100 × 1 h × 30 %
    bytes = store->log_bytes();
    EXPECT_GT(bytes, UsageStore::kBatchBytesTarget);
  }
  auto store = OpenStore(dir);
  EXPECT_EQ(store->record_count(), static_cast<std::uint64_t>(kJobs));
  EXPECT_EQ(store->log_bytes(), bytes);
  EXPECT_EQ(Ingest(store.get(), text).already, static_cast<std::uint64_t>(kJobs));
  std::filesystem::remove_all(dir);
}

// Logs written before usage blocks hold one entry per record (kind 1). They are still read:
// the same records, lines and keys as the same file ingested today, and new batches append.
TEST(UsageStoreTest, ALogOfOneRecordEntriesIsStillRead) {
  const std::string old_dir = TempDir("legacy");
  const std::string new_dir = TempDir("blocks");
  {
    std::filesystem::create_directories(old_dir);
    std::string log;
    const auto append = [&](std::uint8_t kind, std::string_view payload) {
      const auto len = static_cast<std::uint32_t>(payload.size());
      const std::string body = std::string(1, static_cast<char>(kind)) + std::string(payload);
      const std::uint32_t crc = Crc32c(body);
      log.append(reinterpret_cast<const char*>(&len), 4);
      log.append(reinterpret_cast<const char*>(&crc), 4);
      log += body;
    };
    const Rater rater = testing::MakeRater();
    std::uint32_t entries = 0;
    network::ParseSacctText(
        GoodFile(), {},
        [&](const network::SacctRow& row, std::uint64_t) {
          const UsageView view = UsageView::FromRow(row);
          std::string payload;
          codec::EncodeUsage(view, rater.Rate(view), &payload);
          append(codec::kUsageEntry, payload);
          ++entries;
        },
        [](const network::SacctLineError& e) { FAIL() << e.reason; });
    ASSERT_EQ(entries, 5u);
    append(codec::kCommitEntry, std::string_view(reinterpret_cast<const char*>(&entries), 4));
    std::ofstream(old_dir + "/usage.log", std::ios::binary) << log;
  }
  auto old_store = OpenStore(old_dir);
  auto new_store = OpenStore(new_dir);
  Ingest(new_store.get(), GoodFile());
  EXPECT_EQ(old_store->record_count(), 5u);
  EXPECT_TRUE(old_store->Contains("cdai", "1001", "0"));
  const auto scan = [](const UsageStore& store) {
    std::vector<std::string> out;
    EXPECT_TRUE(store
                    .ScanUsage([&](const StoredUsage& u) {
                      out.push_back(u.record.cluster + "/" + u.record.job_id + "/" +
                                    u.record.step + "/" + u.record.account + "/" +
                                    std::to_string(u.record.elapsed_s) + "/" +
                                    std::to_string(u.record.alloc_tres.size()) + "/" +
                                    std::to_string(u.figures ? u.figures->amount_fen : -1));
                      return OkStatus();
                    })
                    .ok());
    return out;
  };
  EXPECT_EQ(scan(*old_store), scan(*new_store));
  EXPECT_EQ(scan(*old_store).size(), 5u);
  const auto lines = [](const UsageStore& store) {
    auto l = store.Lines(Date::FromYmd(2024, 1, 1).value(), Date::FromYmd(2024, 12, 31).value(),
                         std::nullopt);
    EXPECT_TRUE(l.ok());
    std::vector<std::string> out;
    for (const BillLine& b : *l) {
      out.push_back(b.line.job_id + ":" + std::to_string(b.line.figures.amount_fen));
    }
    return out;
  };
  EXPECT_EQ(lines(*old_store), lines(*new_store));
  EXPECT_EQ(lines(*old_store).size(), 2u);
  EXPECT_EQ(Ingest(old_store.get(), GoodFile()).already, 5u);
  const std::string more = std::string(testing::kHeader) + "\n" +
                           "79|cdhpc|lab|bob|cpu|2024-05-07T07:00:00|2024-05-07T08:00:00|"
                           "2024-05-07T09:00:00|3600|cpu=4,mem=8G,node=1|COMPLETED|0:0\n";
  EXPECT_EQ(Ingest(old_store.get(), more).ingested, 1u);
  old_store.reset();
  auto reopened = OpenStore(old_dir);
  EXPECT_EQ(reopened->record_count(), 6u);
  EXPECT_TRUE(reopened->Contains("cdhpc", "79", ""));
  std::filesystem::remove_all(old_dir);
  std::filesystem::remove_all(new_dir);
}

}  // namespace
}  // namespace suanli::metering
