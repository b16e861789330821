// SqliteStore under the Ledger: durable batches survive a reopen, a corrupt body is detected,
// and two nodes sharing one database fence each other on the batch seq (kConflict + catch-up).
#include "storage/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "ledger/ledger.h"
#include "ledger/ledger_testing.h"

namespace suanli::storage {
namespace {

using ledger::AccountKind;
using ledger::AccountSpec;
using ledger::Ledger;
using ledger::LedgerOptions;
using ledger::TransferSpec;

constexpr std::uint32_t kCny = ledger::kLedgerCny;

using ledger::test_support::Key;


class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           (Key("suanli-sqlite-test-", static_cast<std::uint64_t>(::getpid())) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "ledger.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<SqliteStore> OpenStore() {
    auto s = SqliteStore::Open(SqliteStoreOptions{path_});
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return std::move(s).value();
  }
  static std::vector<AccountSpec> Accounts() {
    return {AccountSpec{"funder", kCny, AccountKind::kFunder, 0, 0, {}, {}, 0},
            AccountSpec{"pool", kCny, AccountKind::kPool, ledger::kDebitsMustNotExceedCredits, 0,
                        {}, {}, 0}};
  }
  static TransferSpec Fund(std::string key, std::int64_t amount) {
    TransferSpec t;
    t.key = std::move(key);
    t.debit_account_id = AccountId(1);
    t.credit_account_id = AccountId(2);
    t.amount_fen = amount;
    t.ledger = kCny;
    return t;
  }

  std::filesystem::path dir_;
  std::string path_;
  ManualClock clock_{Instant::FromUnixSeconds(1'700'000'000)};
};

// The checksum stored with every batch since the first release was a byte-at-a-time CRC-32
// (IEEE); Crc32 must keep giving the same values or existing stores would fail to open.
TEST(Crc32Test, MatchesTheIeeeCheckValueAndTheFormerTableImplementation) {
  const std::string check = "123456789";
  EXPECT_EQ(Crc32({reinterpret_cast<const std::uint8_t*>(check.data()), check.size()}),
            0xCBF43926u);
  EXPECT_EQ(Crc32({}), 0u);
  const auto former = [](std::span<const std::uint8_t> data) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (const std::uint8_t b : data) {
      crc ^= b;
      for (int k = 0; k < 8; ++k) crc = (crc & 1) ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
    }
    return crc ^ 0xFFFFFFFFu;
  };
  std::vector<std::uint8_t> body(70000);
  std::uint32_t x = 12345;
  for (auto& b : body) {
    x = x * 1103515245u + 12345u;
    b = static_cast<std::uint8_t>(x >> 16);
  }
  for (const std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{64}, std::size_t{4099},
                              body.size()}) {
    const std::span<const std::uint8_t> part(body.data(), n);
    EXPECT_EQ(Crc32(part), former(part)) << n << " bytes";
  }
}

// The background checkpointer copies committed batches into the database file while the store
// is open. (Its connection never read the database, so it did not know it was in WAL mode and
// every checkpoint returned OK having done nothing: the database file grew only at close.)
TEST_F(SqliteStoreTest, TheBackgroundCheckpointerCopiesTheWalIntoTheDatabase) {
  SqliteStoreOptions options{path_};
  options.wal_restart_pages = 0;  // only the background checkpointer
  auto opened = SqliteStore::Open(options);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  std::unique_ptr<SqliteStore> store = std::move(opened).value();
  const std::vector<std::uint8_t> body(64 * 1024, 0x5a);
  for (std::uint64_t seq = 1; seq <= 32; ++seq) {  // 2 MiB
    ASSERT_TRUE(store->Append(ledger::BatchView{seq, 0, body}, {}).ok());
  }
  std::uintmax_t db_size = 0;
  // Bounded: 5 s against a 10 ms checkpoint interval.
  for (int i = 0; i < 500 && db_size < (std::uintmax_t{2} << 20); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    db_size = std::filesystem::file_size(path_);
  }
  EXPECT_GE(db_size, std::uintmax_t{2} << 20);
}

// Under a steady stream of appends SQLite may not start the WAL over for a long time (it needs
// a writer to begin right after a checkpoint copied all of it). Past wal_restart_pages the
// writer restarts it itself, so its size stays bounded.
TEST_F(SqliteStoreTest, TheWalStaysBoundedUnderASteadyStreamOfAppends) {
  SqliteStoreOptions options{path_};
  // The background checkpointer exists but does not run within the test (its first pass is
  // ten minutes away), so only the writer's restarts can keep the WAL short.
  options.checkpoint_interval_ms = 600'000;
  options.wal_restart_pages = 256;  // 1 MiB of 4 KiB pages
  auto opened = SqliteStore::Open(options);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  std::unique_ptr<SqliteStore> store = std::move(opened).value();
  std::vector<std::uint8_t> body(16 * 1024);
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<std::uint8_t>(i * 7);
  std::uintmax_t wal_max = 0;
  // 48 MiB appended in all. The bound allows for what is appended between two tries (at most
  // one each 100 ms).
  for (std::uint64_t seq = 1; seq <= 3072; ++seq) {
    body[0] = static_cast<std::uint8_t>(seq);
    const Status s = store->Append(ledger::BatchView{seq, 0, body}, {});
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    wal_max = std::max(wal_max, std::filesystem::file_size(path_ + "-wal"));
  }
  EXPECT_LT(wal_max, std::uintmax_t{16} << 20);
  EXPECT_EQ(store->LastSeq().value(), 3072u);
}

TEST_F(SqliteStoreTest, ReopenRecoversTheAcknowledgedState) {
  {
    auto store = OpenStore();
    auto l = Ledger::Open(LedgerOptions{&clock_, store.get()});
    ASSERT_TRUE(l.ok());
    ASSERT_TRUE((*l)->CreateAccounts(Accounts()).ok());
    for (std::uint64_t i = 0; i < 20; ++i) {
      ASSERT_TRUE((*l)->CreateTransfers({Fund(Key("f", i), 100)}).ok());
    }
  }
  auto store = OpenStore();
  auto seq = store->LastSeq();
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(*seq, 21u);
  EXPECT_EQ(*store->CountAccounts(), 2u);
  auto l = Ledger::Open(LedgerOptions{&clock_, store.get()});
  ASSERT_TRUE(l.ok()) << l.error().ToString();
  auto pool = (*l)->LookupAccountByKey("pool");
  ASSERT_TRUE(pool.ok());
  EXPECT_EQ((*pool)->credits_posted_fen, 2000);
  auto again = (*l)->CreateTransfers({Fund("f3", 100)});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)[0].duplicate);
}

TEST_F(SqliteStoreTest, CorruptBodyIsDetected) {
  {
    auto store = OpenStore();
    auto l = Ledger::Open(LedgerOptions{&clock_, store.get()});
    ASSERT_TRUE(l.ok());
    ASSERT_TRUE((*l)->CreateAccounts(Accounts()).ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE batches SET crc = crc + 1 WHERE seq = 1", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenStore();
  auto l = Ledger::Open(LedgerOptions{&clock_, store.get()});
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.error().code, ErrorCode::kIo);
}

TEST_F(SqliteStoreTest, TwoNodesFenceOnSeqAndCatchUp) {
  auto store_a = OpenStore();
  auto store_b = OpenStore();
  auto a = Ledger::Open(LedgerOptions{&clock_, store_a.get()});
  auto b = Ledger::Open(LedgerOptions{&clock_, store_b.get()});
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->CreateAccounts(Accounts()).ok());  // node A takes seq 1
  auto r = (*b)->CreateAccounts(Accounts());             // node B also tries seq 1
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict) << r.error().ToString();
  EXPECT_FALSE((*b)->read_only());
  r = (*b)->CreateAccounts(Accounts());  // B caught up: A's accounts are duplicates
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)[0].duplicate);
  auto t = (*b)->CreateTransfers({Fund("from-b", 500)});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*store_b->LastSeq(), 2u);
}

}  // namespace
}  // namespace suanli::storage
