// Start-up recovery of the platform: a money move left pending by a crash between the step's
// commit and the ledger is executed on reopening (once: a move the ledger already applied is
// not counted twice), and settlement journal rows a crash lost are rebuilt from the ledger.
#include <filesystem>
#include <chrono>
#include <future>
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "audit/audit_log.h"
#include "storage/sqlite/db.h"
#include "workflow/demo.h"
#include "workflow/platform.h"
#include "workflow/demo_voucher_fixture.h"
#include "workflow/workflow_testing.h"

namespace suanli::workflow {
namespace {

namespace fs = std::filesystem;

using PlatformRecoveryTest = testing::DemoVoucherTest;

TEST_F(PlatformRecoveryTest, LostJournalRowsAreRebuiltFromTheLedger) {
  const std::int64_t voucher = IssueVoucher();
  ASSERT_TRUE(Settle(voucher, "k1", 120'000'00).ok());
  ASSERT_TRUE(Settle(voucher, "k2", 30'000'01).ok());
  platform_.reset();
  // A crash after the ledger's commit but before the journal's: the rows are gone.
  Sql("DELETE FROM settlements; DELETE FROM meta WHERE key = 'journal_scanned_through';");
  Reopen();
  const Principal officer = As("officer");
  auto rows = platform_->ListDeductions(officer, voucher);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].deduction_fen, 60'000'00);
  EXPECT_EQ((*rows)[0].bill_fen, 120'000'00);
  EXPECT_EQ((*rows)[1].deduction_fen, 15'000'00);  // 15,000.005 rounded down to the fen
  EXPECT_EQ((*rows)[0].bill_no, "");               // the bill number was not in the ledger
  auto v = platform_->GetVoucher(officer, voucher);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->used_fen, 75'000'00);
  EXPECT_EQ(v->remaining_fen, 75'000'00);
  // A retry of a settlement from before the crash still answers its first result.
  auto retry = Settle(voucher, "k1", 120'000'00);
  ASSERT_TRUE(retry.ok());
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(platform_->GetVoucher(officer, voucher)->remaining_fen, 75'000'00);
}

// A settlement's row is written within the journal's gather window even when nothing else
// happens: no second bill, no reader flushing, no shutdown. (The journal once computed its
// deadline only before it slept with an empty queue, so a quiet hour's rows stayed in memory
// until the next busy minute, and a crash then lost their bill numbers.)
TEST_F(PlatformRecoveryTest, ALoneSettlementIsJournaledWithoutAFlush) {
  const std::int64_t voucher = IssueVoucher();
  ASSERT_TRUE(Settle(voucher, "lone", 10'000'00).ok());
  auto db = storage::Db::Open(storage::DbOptions{(dir_ / "platform.db").string(), true});
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  std::string bill_no;
  // Bounded: 5 s against a window of 20 ms (a loaded test machine may be slow to schedule).
  for (int i = 0; i < 500 && bill_no.empty(); ++i) {
    auto prepared = db.value()->Prepare("SELECT bill_no FROM settlements");
    ASSERT_TRUE(prepared.ok());
    storage::Stmt q = std::move(prepared).value();
    auto row = q.Step();
    ASSERT_TRUE(row.ok());
    if (*row) {
      bill_no = q.Text(0);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  EXPECT_EQ(bill_no, "BILL-lone");
}

// The transfer ids the settlement entries of the log list, with their count and total.
struct Listed {
  std::vector<std::int64_t> ids;
  std::int64_t count = 0;
  std::int64_t deduction_fen = 0;
  std::vector<std::string> actors;
};
Listed ListedSettlements(const audit::AuditPage& page) {
  Listed out;
  for (const audit::AuditEntry& e : page.entries) {
    const boost::json::object detail = boost::json::parse(e.detail_json).as_object();
    for (const auto& id : detail.at("transfer_ids").as_array()) out.ids.push_back(id.as_int64());
    out.count += detail.at("count").as_int64();
    out.deduction_fen += detail.at("deduction_fen").as_int64();
    out.actors.push_back(e.actor);
  }
  return out;
}

TEST_F(PlatformRecoveryTest, EverySettlementIsOnTheAuditChain) {
  const std::int64_t voucher = IssueVoucher();
  auto k1 = Settle(voucher, "k1", 120'000'00);
  auto k2 = Settle(voucher, "k2", 30'000'01);
  ASSERT_TRUE(k1.ok() && k2.ok());
  ASSERT_TRUE(Settle(voucher, "k1", 120'000'00)->duplicate);  // a retry lists nothing new
  const Principal auditor = As("auditor");
  auto posted = platform_->ListAudit(auditor, {.action = "settlement.post"});
  ASSERT_TRUE(posted.ok()) << posted.error().ToString();
  ASSERT_FALSE(posted->entries.empty());  // one entry per journal batch: one or two here
  const Listed listed = ListedSettlements(*posted);
  EXPECT_EQ(listed.ids, (std::vector<std::int64_t>{k1->settlement_id, k2->settlement_id}));
  EXPECT_EQ(listed.count, 2);
  EXPECT_EQ(listed.deduction_fen, 60'000'00 + 15'000'00);
  for (const audit::AuditEntry& e : posted->entries) {
    EXPECT_EQ(e.actor, "system");
    EXPECT_EQ(e.object.rfind("settlements/", 0), 0u);
    EXPECT_NE(e.after_sha256, audit::JsonSha256(""));  // the rows' digest, not "null"'s
  }
  auto verified = platform_->VerifyAudit(auditor);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->problems_total;
  // The journal anchored its last entry: nothing after the anchor is unprotected.
  auto anchor = audit::ReadAnchor(dir_ / "audit.anchor");
  ASSERT_TRUE(anchor.ok() && anchor->has_value() && verified->head.has_value());
  EXPECT_EQ((*anchor)->seq, verified->head->seq);
  EXPECT_EQ((*anchor)->hash, verified->head->hash);

  // Rows a crash lost come back with an entry of their own.
  platform_.reset();
  Sql("DELETE FROM settlements WHERE bill_no = 'BILL-k2'; "
      "DELETE FROM meta WHERE key = 'journal_scanned_through';");
  Reopen();
  auto recovered = platform_->ListAudit(As("auditor"), {.action = "settlement.recover"});
  ASSERT_TRUE(recovered.ok());
  // k1's row was still there: only k2 is listed again.
  EXPECT_EQ(ListedSettlements(*recovered).ids, (std::vector<std::int64_t>{k2->settlement_id}));
  EXPECT_TRUE(platform_->VerifyAudit(As("auditor"))->ok);
}

TEST_F(PlatformRecoveryTest, PendingMovesRunOnceAtStartUp) {
  const std::int64_t voucher = IssueVoucher();
  platform_.reset();
  // The grant was applied, but the crash came before the outbox row was marked done.
  Sql("UPDATE money_moves SET status = 'pending' WHERE ledger_key LIKE 'grant/%'");
  Reopen();
  const Principal officer = As("officer");
  EXPECT_EQ(platform_->GetVoucher(officer, voucher)->remaining_fen, 150'000'00);  // not twice
  auto pool = platform_->Pool(officer, "chengdu-2024");
  ASSERT_TRUE(pool.ok());
  EXPECT_EQ(pool->issued_fen, 150'000'00);
  EXPECT_EQ(pool->remaining_fen, 10'000'000'00 - 150'000'00);
}

// A second process on the same data directory would append ledger batches the first does not
// know of and run its pending moves again: it is refused before it touches any file, and the
// directory is free again once the first has closed.
TEST_F(PlatformRecoveryTest, ASecondPlatformOnTheSameDirectoryIsRefusedUntilTheFirstCloses) {
  const std::int64_t voucher = IssueVoucher();
  Sql("UPDATE money_moves SET status = 'pending' WHERE ledger_key LIKE 'grant/%'");
  auto second = testing::OpenTestPlatform(dir_, &clock_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  EXPECT_NE(second.error().message.find("another Suanli process"), std::string::npos);
  // It ran nothing: the pending move is still pending (the first process's to run).
  auto db = storage::Db::Open(storage::DbOptions{(dir_ / "platform.db").string()});
  ASSERT_TRUE(db.ok());
  auto q = db.value()->Prepare("SELECT count(*) FROM money_moves WHERE status = 'pending'");
  ASSERT_TRUE(q.ok());
  auto row = q.value().Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(q.value().Int(0), 1);
  Reopen();  // the first closes, then opens again: free
  EXPECT_EQ(platform_->GetVoucher(As("officer"), voucher)->remaining_fen, 150'000'00);
}

TEST_F(PlatformRecoveryTest, ExpiryLapsesOnceAndSettlementAfterExpiryIsRefused) {
  const std::int64_t voucher = IssueVoucher();
  ASSERT_TRUE(Settle(voucher, "k1", 100'000'00).ok());
  clock_.Set(Instant::Parse("2024-12-01T00:00:00+08:00").value());
  auto late = Settle(voucher, "k2", 10'00);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kExpired);
  ASSERT_TRUE(platform_->RunExpiry().ok());
  ASSERT_TRUE(platform_->RunExpiry().ok());  // a second sweep changes nothing
  Reopen();
  const Principal officer = As("officer");
  auto v = platform_->GetVoucher(officer, voucher);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->status, "lapsed");
  EXPECT_EQ(v->lapsed_fen, 100'000'00);
  EXPECT_EQ(v->used_fen, 50'000'00);
  EXPECT_EQ(platform_->Pool(officer, "chengdu-2024")->lapsed_fen, 100'000'00);
}

// The sweep's outbox run also executes a move an earlier step left pending (here one whose
// ledger call failed, reduced to a 1-fen clawback of the same voucher under a short key). The
// sweep used to read every outcome's key as "lapse/voucher-<id>": this one threw out_of_range
// on the server's timer thread, and a grant's key was read as another voucher's lapse. Each
// move now counts where it belongs, and the figures agree with the ledger after a restart.
TEST_F(PlatformRecoveryTest, AnExpirySweepCountsAnotherStepsPendingMoveWhereItBelongs) {
  const std::int64_t voucher = IssueVoucher();
  ASSERT_TRUE(Settle(voucher, "k1", 100'000'00).ok());  // pays 50,000.00
  // A row pending now, as if its step's ledger call had failed; the sweep runs it first.
  LeaveMoveInOutbox("rev/19", true, 1, 64, 8);
  clock_.Set(Instant::Parse("2024-12-01T00:00:00+08:00").value());
  ASSERT_TRUE(platform_->RunExpiry().ok());
  const Principal officer = As("officer");
  auto v = platform_->GetVoucher(officer, voucher);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->status, "lapsed");
  EXPECT_EQ(v->remaining_fen, 0);
  // 100,000.00 was left: the 1-fen claw took a fen of it, the lapse the rest.
  EXPECT_EQ(v->lapsed_fen, 100'000'00);
  Reopen();
  auto again = platform_->GetVoucher(officer, voucher);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->lapsed_fen, 100'000'00);
  EXPECT_EQ(again->used_fen, 50'000'00);
}

// A step whose moves cannot be finished now (here the outbox cannot record the ledger's answer:
// a trigger refuses the update, as a full disk would) has happened all the same: it used to
// answer an error after its commit, and the caller's retry met a state conflict. It answers
// with its value; the moves wait in the outbox and the next sweep runs them, once. A fraud
// finding whose clawback waits is answered with its tally pending, and the sweep finishes it.
TEST_F(PlatformRecoveryTest, AStepWhoseMovesWaitInTheOutboxAnswersAndTheSweepRunsThem) {
  Sql("CREATE TRIGGER outbox_stuck BEFORE UPDATE OF status ON money_moves "
      "BEGIN SELECT RAISE(ABORT, 'disk full'); END");
  const std::int64_t voucher = IssueVoucher();
  ASSERT_NE(voucher, 0);
  const Principal officer = As("officer");
  // The ledger did take the grant; only its outbox row is still pending.
  EXPECT_EQ(platform_->GetVoucher(officer, voucher)->remaining_fen, 150'000'00);
  ASSERT_TRUE(Settle(voucher, "used", 20'000'00).ok());  // pays 10,000.00
  auto e = platform_->RecordFraud(officer, 1, "chengdu-2024", "虚构合同");
  ASSERT_TRUE(e.ok()) << e.error().ToString();
  EXPECT_TRUE(e->tally_pending);
  EXPECT_EQ(e->voucher_clawed_fen, 0);
  EXPECT_EQ(e->used_recovered_fen, 10'000'00);

  Sql("DROP TRIGGER outbox_stuck");
  ASSERT_TRUE(platform_->RunExpiry().ok());
  auto listed = platform_->ListEnforcements(officer);
  ASSERT_TRUE(listed.ok() && listed->size() == 1u);
  EXPECT_FALSE(listed->front().tally_pending);
  EXPECT_EQ(listed->front().voucher_clawed_fen, 140'000'00);
  EXPECT_EQ(listed->front().used_recovered_fen, 10'000'00);
  auto pool = platform_->Pool(officer, "chengdu-2024");
  ASSERT_TRUE(pool.ok());
  EXPECT_EQ(pool->issued_fen, 150'000'00);  // the grant once, not again at its re-run
  EXPECT_EQ(pool->remaining_fen, 10'000'000'00 - 10'000'00);
  Reopen();
  EXPECT_EQ(platform_->GetVoucher(officer, voucher)->remaining_fen, 0);
  EXPECT_EQ(platform_->Pool(officer, "chengdu-2024")->remaining_fen, 10'000'000'00 - 10'000'00);
}

// More moves pending than the ledger takes in one request (8,190): an expiry sweep of a large
// program plans one lapse per voucher. They were sent as one request, refused whole, and every
// later step that moves money (and every start-up) failed the same way. Here 8,200 one-fen
// grant top-ups wait in the outbox when the next step that moves money (a finding) runs.
TEST_F(PlatformRecoveryTest, TheOutboxRunsMoreMovesThanOneLedgerRequestTakes) {
  const std::int64_t voucher = IssueVoucher();
  Sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8200) "
      "INSERT INTO money_moves (ledger_key, debit_account, credit_account, amount_fen, flags, "
      "code, user_data, status, created_at_us) SELECT 'test/' || i, m.debit_account, "
      "m.credit_account, 1, 0, 2, 0, 'pending', m.created_at_us FROM n, money_moves m "
      "WHERE m.ledger_key LIKE 'grant/%'");
  const Principal officer = As("officer");
  auto e = platform_->RecordFraud(officer, 1, "chengdu-2024", "虚构合同");
  ASSERT_TRUE(e.ok()) << e.error().ToString();
  // The top-ups ran before the claw, which took them back with the grant.
  EXPECT_EQ(e->voucher_clawed_fen, 150'000'00 + 82'00);
  EXPECT_EQ(platform_->GetVoucher(officer, voucher)->remaining_fen, 0);
  Reopen();  // nothing pending is left to run again
  EXPECT_EQ(platform_->GetVoucher(officer, voucher)->remaining_fen, 0);
  EXPECT_EQ(platform_->Pool(officer, "chengdu-2024")->remaining_fen, 10'000'000'00);
}

// A grant approved but still in the outbox (its ledger call failed for now) is spent: the next
// approval used to be quoted against the pool as the ledger saw it, fit in the same money, and
// have its own grant refused by the ledger later, leaving an approved voucher with nothing in it.
TEST_F(PlatformRecoveryTest, AGrantStillInTheOutboxIsNotQuotedAgain) {
  const std::int64_t first = IssueVoucher();  // 150,000.00: the pool has 9,850,000.00 left
  ASSERT_NE(first, 0);
  const Principal applicant = As("demo-applicant");
  auto contract = platform_->FileContract(applicant, DemoContract("R-2"));
  ASSERT_TRUE(contract.ok()) << contract.error().ToString();
  auto app = platform_->Apply(applicant, "chengdu-2024", contract->id);
  ASSERT_TRUE(app.ok()) << app.error().ToString();
  // 9,800,000.00 owed from the pool, not yet applied: 50,000.00 is really left.
  LeaveMoveInOutbox("grant/test-pending", false, 980000000, 0, 2);
  auto decided = platform_->DecideApplication(As("officer"), app->id, true, "");
  ASSERT_TRUE(decided.ok()) << decided.error().ToString();
  EXPECT_EQ(decided->granted_fen, std::optional<std::int64_t>(50'000'00));  // partial: what is left
  ASSERT_TRUE(decided->voucher_id);
  auto second = platform_->GetVoucher(As("officer"), *decided->voucher_id);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->remaining_fen, 50'000'00);  // the grant reached the ledger
  EXPECT_EQ(platform_->Pool(As("officer"), "chengdu-2024")->remaining_fen, 0);
}

}  // namespace
}  // namespace suanli::workflow
