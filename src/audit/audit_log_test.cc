#include "audit/audit_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "security/digest.h"

namespace suanli::audit {
namespace {

using storage::Db;
using storage::DbOptions;
using storage::Transaction;

const Instant kStart = Instant::FromUnixSeconds(1'720'000'000);  // 2024-07-03

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Db::Open(DbOptions{":memory:"});
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(CreateSchema(*db_).ok());
    ASSERT_TRUE(CreateSchema(*db_).ok());  // idempotent
  }

  // Appends one entry in its own committed transaction, `seconds` after kStart.
  AuditEntry AppendCommitted(AuditRecord record, std::int64_t seconds = 0) {
    auto tx = Transaction::Begin(*db_);
    EXPECT_TRUE(tx.ok());
    auto writer = AuditWriter::Open(*db_);
    EXPECT_TRUE(writer.ok());
    auto e = writer.value().Append(kStart.AddSeconds(seconds), record);
    EXPECT_TRUE(e.ok()) << e.error().ToString();
    EXPECT_TRUE(tx.value().Commit().ok());
    return e.value();
  }

  // n entries, "user:<i % 3>" approving "application/<i>".
  std::vector<AuditEntry> AppendMany(int n) {
    std::vector<AuditEntry> out;
    for (int i = 1; i <= n; ++i) {
      out.push_back(
          AppendCommitted({"user:" + std::to_string(i % 3), "application.approve",
                           "application/" + std::to_string(i), "{\"state\":\"submitted\"}",
                           "{\"state\":\"approved\"}", "{\"i\":" + std::to_string(i) + "}"},
                          i));
    }
    return out;
  }

  void Tamper(const std::string& sql) { ASSERT_TRUE(db_->Exec(sql).ok()) << sql; }

  VerifyReport MustVerify(const std::optional<Anchor>& anchor) {
    auto r = Verify(*db_, anchor);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.value();
  }

  std::int64_t Count() {
    auto s = db_->Prepare("SELECT count(*) FROM audit_log");
    EXPECT_TRUE(s.ok() && s.value().Step().value());
    return s.value().Int(0);
  }

  std::unique_ptr<Db> db_;
};

std::string Joined(const VerifyReport& r) {
  std::string out;
  for (const auto& p : r.problems) out += p + "\n";
  return out;
}

TEST_F(AuditLogTest, AppendInRolledBackTransactionLeavesNoEntry) {
  {
    auto tx = Transaction::Begin(*db_);
    ASSERT_TRUE(tx.ok());
    auto e = Append(*db_, kStart, {"user:1", "org.register", "org/7", "", "{}", "{}"});
    ASSERT_TRUE(e.ok()) << e.error().ToString();
    EXPECT_EQ(e->seq, 1);
  }  // no commit
  EXPECT_EQ(Count(), 0);
  // The next committed append is seq 1 again: the rolled-back one left no trace.
  EXPECT_EQ(AppendCommitted({"user:1", "org.register", "org/7", "", "{}", "{}"}).seq, 1);
  EXPECT_EQ(Count(), 1);
}

TEST_F(AuditLogTest, AppendOutsideATransactionIsRefusedAndWritesNothing) {
  auto writer = AuditWriter::Open(*db_);
  ASSERT_TRUE(writer.ok());
  auto e = writer.value().Append(kStart, {"system", "payout.run", "payout/1", "", "", "{}"});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ErrorCode::kContradiction);
  EXPECT_EQ(Count(), 0);
  // The probe left no transaction open behind it.
  auto tx = Transaction::Begin(*db_);
  ASSERT_TRUE(tx.ok()) << tx.error().ToString();
}

TEST_F(AuditLogTest, BadRecordsAreRefusedNamingTheField) {
  auto tx = Transaction::Begin(*db_);
  ASSERT_TRUE(tx.ok());
  auto no_actor = Append(*db_, kStart, {"", "a.b", "o/1", "", "", "{}"});
  ASSERT_FALSE(no_actor.ok());
  EXPECT_EQ(no_actor.error().code, ErrorCode::kMissingField);
  EXPECT_EQ(no_actor.error().field, "actor");
  auto bad_detail = Append(*db_, kStart, {"system", "a.b", "o/1", "", "", "{reason: x}"});
  ASSERT_FALSE(bad_detail.ok());
  EXPECT_EQ(bad_detail.error().code, ErrorCode::kParse);
  EXPECT_EQ(bad_detail.error().field, "detail");
  auto long_object =
      Append(*db_, kStart, {"system", "a.b", std::string(kNameBytesMax + 1, 'o'), "", "", "{}"});
  ASSERT_FALSE(long_object.ok());
  EXPECT_EQ(long_object.error().code, ErrorCode::kOutOfRange);
  EXPECT_EQ(Count(), 0);
}

TEST_F(AuditLogTest, EntriesLinkIntoAChain) {
  const auto entries = AppendMany(3);
  EXPECT_EQ(entries[0].seq, 1);
  EXPECT_EQ(entries[0].prev_hash, kGenesisHash);
  EXPECT_EQ(entries[1].prev_hash, entries[0].hash);
  EXPECT_EQ(entries[2].prev_hash, entries[1].hash);
  EXPECT_EQ(entries[2].seq, 3);
  for (const auto& e : entries) EXPECT_EQ(e.hash, EntryHash(e));
  EXPECT_EQ(entries[0].before_sha256, security::Sha256Hex("{\"state\":\"submitted\"}"));
  // What is stored is what Append returned.
  auto page = List(*db_, AuditFilter{});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 3u);
  EXPECT_EQ(page->entries[2].hash, entries[2].hash);
  EXPECT_EQ(page->entries[2].at, kStart.AddSeconds(3));
  EXPECT_EQ(page->entries[2].detail_json, "{\"i\":3}");
}

TEST_F(AuditLogTest, EmptyJsonHashesAsNull) {
  const auto e = AppendCommitted({"user:1", "org.register", "org/7", "", "{\"id\":7}", "{}"});
  EXPECT_EQ(e.before_sha256, security::Sha256Hex("null"));
  EXPECT_EQ(JsonSha256(""), JsonSha256("null"));
  EXPECT_NE(e.after_sha256, e.before_sha256);
}

TEST_F(AuditLogTest, HashCoversEveryField) {
  const auto e = AppendMany(1)[0];
  const auto changed = [&](auto edit) {
    AuditEntry copy = e;
    edit(copy);
    return EntryHash(copy) != e.hash;
  };
  EXPECT_TRUE(changed([](AuditEntry& c) { c.seq = 2; }));
  EXPECT_TRUE(changed([](AuditEntry& c) { c.at = c.at.AddMicros(1); }));
  EXPECT_TRUE(changed([](AuditEntry& c) { c.actor = "user:9"; }));
  EXPECT_TRUE(changed([](AuditEntry& c) { c.action = "application.reject"; }));
  EXPECT_TRUE(changed([](AuditEntry& c) { c.object = "application/2"; }));
  EXPECT_TRUE(changed([](AuditEntry& c) { c.before_sha256[0] ^= 1; }));
  EXPECT_TRUE(changed([](AuditEntry& c) { c.after_sha256[0] ^= 1; }));
  EXPECT_TRUE(changed([](AuditEntry& c) { c.detail_json = "{}"; }));
  EXPECT_TRUE(changed([](AuditEntry& c) { c.prev_hash[63] = '1'; }));
  // Field boundaries count: moving a byte between actor and action changes the hash.
  EXPECT_TRUE(changed([](AuditEntry& c) {
    c.actor = "user:";
    c.action = "1application.approve";
  }));
}

TEST_F(AuditLogTest, ListFiltersByActorActionObjectAndTime) {
  AppendCommitted({"user:1", "org.register", "org/7", "", "{}", "{}"}, 10);
  AppendCommitted({"user:2", "application.submit", "application/4", "", "{}", "{}"}, 20);
  AppendCommitted({"user:2", "application.submit", "application/42", "", "{}", "{}"}, 30);
  AppendCommitted({"user:9", "application.approve", "application/42", "{}", "{}", "{}"}, 40);
  AppendCommitted({"system", "payout.run", "payout/2024Q3", "", "{}", "{}"}, 50);

  const auto seqs = [&](AuditFilter f) {
    std::vector<std::int64_t> out;
    auto page = List(*db_, f);
    EXPECT_TRUE(page.ok()) << page.error().ToString();
    for (const auto& e : page->entries) out.push_back(e.seq);
    return out;
  };
  using V = std::vector<std::int64_t>;
  EXPECT_EQ(seqs({.actor = "user:2"}), (V{2, 3}));
  EXPECT_EQ(seqs({.action = "application.submit"}), (V{2, 3}));
  EXPECT_EQ(seqs({.object_prefix = "application/"}), (V{2, 3, 4}));
  EXPECT_EQ(seqs({.object_prefix = "application/42"}), (V{3, 4}));
  EXPECT_EQ(seqs({.object_prefix = "app%"}), V{});  // bytes, not a LIKE pattern
  EXPECT_EQ(seqs({.actor = "user:2", .object_prefix = "application/42"}), (V{3}));
  EXPECT_EQ(seqs({.from = kStart.AddSeconds(20), .to = kStart.AddSeconds(40)}), (V{2, 3}));
  EXPECT_EQ(seqs({.actor = "nobody"}), V{});
}

TEST_F(AuditLogTest, ListPagesWithACursor) {
  AppendMany(10);
  AuditFilter f;
  f.limit = 4;
  std::vector<std::int64_t> seen;
  std::vector<std::size_t> page_sizes;
  for (int guard = 0; guard < 10; ++guard) {
    auto page = List(*db_, f);
    ASSERT_TRUE(page.ok());
    page_sizes.push_back(page->entries.size());
    for (const auto& e : page->entries) seen.push_back(e.seq);
    if (!page->next_after_seq) break;
    EXPECT_EQ(*page->next_after_seq, page->entries.back().seq);
    f.after_seq = *page->next_after_seq;
  }
  EXPECT_EQ(page_sizes, (std::vector<std::size_t>{4, 4, 2}));
  EXPECT_EQ(seen, (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  // Exactly a page's worth left: no next cursor.
  auto last = List(*db_, AuditFilter{.after_seq = 6, .limit = 4});
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->entries.size(), 4u);
  EXPECT_FALSE(last->next_after_seq.has_value());
}

TEST_F(AuditLogTest, ListRefusesLimitsOutsideTheBound) {
  for (const int limit : {0, -1, kListLimitMax + 1}) {
    auto page = List(*db_, AuditFilter{.limit = limit});
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error().field, "limit");
  }
}

TEST_F(AuditLogTest, IntactChainVerifies) {
  const auto entries = AppendMany(5);
  const auto r = MustVerify(Anchor{5, entries[4].hash});
  EXPECT_TRUE(r.ok) << Joined(r);
  EXPECT_EQ(r.entries_checked, 5);
  ASSERT_TRUE(r.head.has_value());
  EXPECT_EQ(r.head->hash, entries[4].hash);
  // An anchor behind the head (the platform crashed before rewriting it) is fine.
  EXPECT_TRUE(MustVerify(Anchor{3, entries[2].hash}).ok);
}

TEST_F(AuditLogTest, EmptyOrMissingLogVerifies) {
  EXPECT_TRUE(MustVerify(std::nullopt).ok);
  EXPECT_TRUE(MustVerify(Anchor{0, std::string(kGenesisHash)}).ok);
  Tamper("DROP TABLE audit_log");
  EXPECT_TRUE(MustVerify(std::nullopt).ok);
}

TEST_F(AuditLogTest, VerifyDetectsAnEditedField) {
  AppendMany(5);
  Tamper("UPDATE audit_log SET detail = '{\"i\":300}' WHERE seq = 3");
  const auto r = MustVerify(std::nullopt);
  EXPECT_FALSE(r.ok);
  ASSERT_EQ(r.problems.size(), 1u) << Joined(r);
  EXPECT_EQ(r.problems[0], "seq 3: edited (stored hash does not match the entry's fields)");
}

TEST_F(AuditLogTest, VerifyDetectsAnEntryRemovedFromTheMiddle) {
  AppendMany(5);
  Tamper("DELETE FROM audit_log WHERE seq = 3");
  const auto r = MustVerify(std::nullopt);
  EXPECT_FALSE(r.ok);
  ASSERT_EQ(r.problems.size(), 1u) << Joined(r);
  EXPECT_EQ(r.problems[0], "seq 3: removed (gap in seq before seq 4)");
  EXPECT_EQ(r.entries_checked, 4);
}

TEST_F(AuditLogTest, VerifyDetectsTwoEntriesSwapped) {
  AppendMany(5);
  Tamper(
      "UPDATE audit_log SET seq = -3 WHERE seq = 3;"
      "UPDATE audit_log SET seq = 3 WHERE seq = 4;"
      "UPDATE audit_log SET seq = 4 WHERE seq = -3;");
  const auto r = MustVerify(std::nullopt);
  EXPECT_FALSE(r.ok);
  const std::string all = Joined(r);
  EXPECT_NE(all.find("seq 3: edited"), std::string::npos) << all;
  EXPECT_NE(all.find("seq 3: relinked"), std::string::npos) << all;
  EXPECT_NE(all.find("seq 4: edited"), std::string::npos) << all;
}

TEST_F(AuditLogTest, TruncationIsCaughtOnlyByTheAnchor) {
  const auto entries = AppendMany(5);
  Tamper("DELETE FROM audit_log WHERE seq >= 4");
  // A shorter chain is internally consistent: this is why the anchor exists.
  EXPECT_TRUE(MustVerify(std::nullopt).ok);
  const auto r = MustVerify(Anchor{5, entries[4].hash});
  EXPECT_FALSE(r.ok);
  ASSERT_EQ(r.problems.size(), 1u) << Joined(r);
  EXPECT_EQ(r.problems[0],
            "seq 4..5: truncated (the log ends at seq 3 but the anchor records seq 5)");
}

TEST_F(AuditLogTest, TruncationThenReappendingIsCaughtByTheAnchorHash) {
  const auto entries = AppendMany(5);
  Tamper("DELETE FROM audit_log WHERE seq >= 4");
  AppendCommitted({"user:1", "application.approve", "application/4", "", "{}", "{}"}, 100);
  AppendCommitted({"user:1", "application.approve", "application/5", "", "{}", "{}"}, 101);
  const auto r = MustVerify(Anchor{5, entries[4].hash});
  EXPECT_FALSE(r.ok);
  ASSERT_EQ(r.problems.size(), 1u) << Joined(r);
  EXPECT_EQ(r.problems[0].rfind("seq 5: truncated (hash differs from the anchor's", 0), 0u)
      << r.problems[0];
}

TEST_F(AuditLogTest, VerifyDetectsAForgedEntryWithARecomputedHash) {
  const auto entries = AppendMany(5);
  // The forger replaces entry 3 with one of their own, linked to 2 and correctly hashed:
  // entry 3 checks out on its own, but entry 4 still points at the original 3.
  AuditEntry forged = entries[2];
  forged.actor = "user:666";
  forged.detail_json = "{\"i\":\"forged\"}";
  forged.hash = EntryHash(forged);
  Tamper("DELETE FROM audit_log WHERE seq = 3");
  Tamper("INSERT INTO audit_log VALUES (3, " + std::to_string(forged.at.micros()) +
         ", 'user:666', '" + forged.action + "', '" + forged.object + "', '" +
         forged.before_sha256 + "', '" + forged.after_sha256 + "', '" + forged.detail_json +
         "', '" + forged.prev_hash + "', '" + forged.hash + "')");
  const auto r = MustVerify(std::nullopt);
  EXPECT_FALSE(r.ok);
  ASSERT_EQ(r.problems.size(), 1u) << Joined(r);
  EXPECT_EQ(r.problems[0].rfind("seq 4: relinked", 0), 0u) << r.problems[0];
}

TEST_F(AuditLogTest, VerifyDetectsAnEntryInsertedByShiftingTheRest) {
  const auto entries = AppendMany(4);
  // Make room at seq 3 (two steps, so the primary key never collides), then insert there.
  Tamper(
      "UPDATE audit_log SET seq = -seq - 1 WHERE seq >= 3;"
      "UPDATE audit_log SET seq = -seq WHERE seq < 0;");
  AuditEntry forged = entries[2];
  forged.prev_hash = entries[1].hash;
  forged.hash = EntryHash(forged);
  Tamper(
      "INSERT INTO audit_log SELECT 3, at_us, actor, action, object, before_sha256, "
      "after_sha256, detail, '" +
      forged.prev_hash + "', '" + forged.hash + "' FROM audit_log WHERE seq = 4");
  const auto r = MustVerify(Anchor{4, entries[3].hash});
  EXPECT_FALSE(r.ok);
  const std::string all = Joined(r);
  EXPECT_EQ(all.find("seq 3:"), std::string::npos) << all;  // the forged entry itself is sound
  EXPECT_NE(all.find("seq 4: edited"), std::string::npos) << all;
  EXPECT_NE(all.find("seq 4: relinked"), std::string::npos) << all;
}

TEST_F(AuditLogTest, VerifyKeepsABoundedListOfProblemsButCountsThemAll) {
  AppendMany(150);
  Tamper("UPDATE audit_log SET detail = '{}'");
  const auto r = MustVerify(std::nullopt);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.problems.size(), kVerifyProblemsMax);
  EXPECT_EQ(r.problems_total, 150);
}

// Two processes sharing platform.db: each writer reads the head inside its own transaction,
// never from a cache, so appends alternating between connections still form one chain.
TEST(AuditTwoConnections, AppendsInterleaveIntoOneChain) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("suanli_audit_two_" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(file);
  auto a = Db::Open(DbOptions{file.string()});
  auto b = Db::Open(DbOptions{file.string()});
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(CreateSchema(*a.value()).ok());
  auto wa = AuditWriter::Open(*a.value());
  auto wb = AuditWriter::Open(*b.value());
  ASSERT_TRUE(wa.ok() && wb.ok());
  for (int i = 0; i < 6; ++i) {
    Db& db = i % 2 == 0 ? *a.value() : *b.value();
    AuditWriter& w = i % 2 == 0 ? wa.value() : wb.value();
    auto tx = Transaction::Begin(db);
    ASSERT_TRUE(tx.ok());
    auto e = w.Append(kStart.AddSeconds(i), {"system", "tick", "clock/1", "", "", "{}"});
    ASSERT_TRUE(e.ok()) << e.error().ToString();
    EXPECT_EQ(e->seq, i + 1);
    ASSERT_TRUE(tx.value().Commit().ok());
  }
  auto r = Verify(*b.value(), std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ok);
  EXPECT_EQ(r->entries_checked, 6);
  a.value().reset();
  b.value().reset();
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(file.string() + suffix);
  }
}

TEST(AuditAnchor, WritesAndReadsBack) {
  const auto dir =
      std::filesystem::temp_directory_path() /
      ("suanli_audit_anchor_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto file = dir / "audit.anchor";
  auto none = ReadAnchor(file);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  const std::string hash = security::Sha256Hex("x");
  ASSERT_TRUE(WriteAnchor(file, Anchor{41, hash}).ok());
  ASSERT_TRUE(WriteAnchor(file, Anchor{42, hash}).ok());  // replaces
  auto read = ReadAnchor(file);
  ASSERT_TRUE(read.ok()) << read.error().ToString();
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ((*read)->seq, 42);
  EXPECT_EQ((*read)->hash, hash);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1);  // no temp left

  for (const char* bad :
       {"", "{\"seq\":1}", "{\"seq\":-1,\"hash\":\"", "[1,2]", "{\"seq\":1,\"hash\":\"ABC\"}"}) {
    std::ofstream(file, std::ios::trunc) << bad;
    auto r = ReadAnchor(file);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kParse);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace suanli::audit
