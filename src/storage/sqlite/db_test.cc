#include "storage/sqlite/db.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

namespace suanli::storage {
namespace {

std::unique_ptr<Db> OpenMemory() {
  auto db = Db::Open(DbOptions{":memory:"});
  EXPECT_TRUE(db.ok()) << db.error().ToString();
  return std::move(db).value();
}

TEST(Db, BindsAndReadsTypedColumns) {
  auto db = OpenMemory();
  ASSERT_TRUE(db->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, amount INTEGER)").ok());
  auto ins = db->Prepare("INSERT INTO t (name, amount) VALUES (?1, ?2)");
  ASSERT_TRUE(ins.ok());
  ASSERT_TRUE(ins.value().Bind(1, "成都").Bind(2, std::int64_t{1'000'000'00}).Run().ok());
  EXPECT_EQ(db->LastInsertRowid(), 1);
  auto sel = db->Prepare("SELECT name, amount, NULL FROM t WHERE id = ?1");
  ASSERT_TRUE(sel.ok());
  sel.value().Bind(1, std::int64_t{1});
  auto row = sel.value().Step();
  ASSERT_TRUE(row.ok() && row.value());
  EXPECT_EQ(sel.value().Text(0), "成都");
  EXPECT_EQ(sel.value().Int(1), 1'000'000'00);
  EXPECT_FALSE(sel.value().OptText(2).has_value());
}

TEST(Db, TransactionRollsBackUnlessCommitted) {
  auto db = OpenMemory();
  ASSERT_TRUE(db->Exec("CREATE TABLE t (k TEXT UNIQUE)").ok());
  {
    auto tx = Transaction::Begin(*db);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db->Exec("INSERT INTO t VALUES ('a')").ok());
  }  // no commit: rolled back
  auto count = db->Prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(count.ok() && count.value().Step().value());
  EXPECT_EQ(count.value().Int(0), 0);
}

TEST(Db, ConstraintViolationIsAContradiction) {
  auto db = OpenMemory();
  ASSERT_TRUE(db->Exec("CREATE TABLE t (k TEXT UNIQUE); INSERT INTO t VALUES ('a')").ok());
  auto ins = db->Prepare("INSERT INTO t VALUES ('a')");
  ASSERT_TRUE(ins.ok());
  const Status s = ins.value().Run();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kContradiction);
}

// SyncWal finds the WAL SQLite writes a NORMAL commit to (the file whose fdatasync makes the
// commit durable) and syncs it; there is none to sync in memory or before the first write.
// Durability itself cannot be observed without cutting the power; this pins the file it syncs.
TEST(Db, SyncWalSyncsTheWalOfACommitThatWasNotSynced) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("suanli-db-syncwal-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "x.db").string();
  {
    auto db = Db::Open(DbOptions{path, false, false});
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    EXPECT_TRUE(db.value()->SyncWal().ok());  // nothing written yet
    ASSERT_TRUE(db.value()->Exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1)").ok());
    ASSERT_TRUE(std::filesystem::exists(path + "-wal"));
    EXPECT_GT(std::filesystem::file_size(path + "-wal"), 0u);  // the commit's frames
    const Status synced = db.value()->SyncWal();
    EXPECT_TRUE(synced.ok()) << synced.error().ToString();
  }
  EXPECT_TRUE(OpenMemory()->SyncWal().ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace suanli::storage
