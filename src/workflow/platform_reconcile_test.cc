// Reconciliation (reconcile.cc): after ordinary work (a voucher, settlements, a reversal, a
// fraud finding and a repayment) every ledger transfer has its record and nothing differs. A
// transfer written into ledger.db behind the platform's back (it keeps every ledger invariant,
// so `suanli ledger verify` passes it), an edited settlement row and a deleted outbox row each
// show as a difference naming what is wrong; a forged settlement, which start-up adopts as a
// crash's lost row, is listed as resting on the ledger alone.
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "ledger/ledger.h"
#include "storage/sqlite/sqlite_store.h"
#include "workflow/demo_voucher_fixture.h"

namespace suanli::workflow {
namespace {

class ReconcileTest : public testing::DemoVoucherTest {
 protected:
  // The demo voucher, two settlements (k1 reversed by its provider), and unless told otherwise
  // a fraud finding and a repayment: every kind of transfer the platform makes but payouts.
  std::int64_t DoOrdinaryWork(bool with_finding = true) {
    const std::int64_t voucher = IssueVoucher();
    auto k1 = Settle(voucher, "k1", 20'000'00);
    EXPECT_TRUE(k1.ok());
    EXPECT_TRUE(Settle(voucher, "k2", 30'000'00).ok());
    if (k1.ok()) {
      auto reversed = platform_->ReverseSettlement(As("op-ai"), k1->settlement_id, "wrong bill");
      EXPECT_TRUE(reversed.ok()) << reversed.error().ToString();
    }
    if (!with_finding) return voucher;
    auto e = platform_->RecordFraud(As("officer"), 1, "chengdu-2024", "虚构合同");
    EXPECT_TRUE(e.ok()) << e.error().ToString();
    if (e.ok()) {
      EXPECT_TRUE(platform_->RecordRepayment(As("officer"), e->id, 5'000'00, "ICBC 1").ok());
    }
    return voucher;
  }
  // Writes `spec` straight into ledger.db, as someone with the files could; the platform is
  // closed meanwhile and reopened after.
  void ForgeTransfer(const std::string& key, const std::string& debit_key,
                     const std::string& credit_key, std::int64_t amount_fen, std::uint16_t code) {
    platform_.reset();
    {
      auto store = storage::SqliteStore::Open(
          storage::SqliteStoreOptions{(dir_ / "ledger.db").string()});
      ASSERT_TRUE(store.ok()) << store.error().ToString();
      auto ledger = ledger::Ledger::Open(ledger::LedgerOptions{&clock_, store->get()});
      ASSERT_TRUE(ledger.ok()) << ledger.error().ToString();
      auto debit = (*ledger)->LookupAccountByKey(debit_key);
      auto credit = (*ledger)->LookupAccountByKey(credit_key);
      ASSERT_TRUE(debit.ok() && *debit && credit.ok() && *credit) << debit_key << " " << credit_key;
      ledger::TransferSpec t = ledger::MakeTransfer(key, (*debit)->id, (*credit)->id, amount_fen,
                                                    ledger::kLedgerCny, 0);
      t.code = code;
      auto out = (*ledger)->CreateTransfers({t});
      ASSERT_TRUE(out.ok() && (*out)[0].code == ledger::ResultCode::kOk);
      auto invariants = (*ledger)->CheckInvariants();
      ASSERT_TRUE(invariants.ok() && invariants->ok());  // the ledger alone cannot tell
    }
    Reopen();
  }
};

TEST_F(ReconcileTest, OrdinaryWorkReconcilesAndOnlyAuditorsAndAdminsMayRunIt) {
  DoOrdinaryWork();
  const Reconciliation r = Reconciled();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.differences, std::vector<std::string>{});
  // Six programs' appropriations (Chengdu, Hangzhou, Langfang, Nanning, Qingyang, Wuxi: the
  // demo's with a pool), then grant, 2 settlements, reversal, claw, recovery, repayment.
  EXPECT_EQ(r.transfers, 6 + 7);
  EXPECT_EQ(r.settlements, 2);
  EXPECT_EQ(r.waiting, 0);
  EXPECT_GE(r.audit_entries, 2);  // the settlements' entry (or entries) and the approval
  auto applicant = platform_->Reconcile(As("demo-applicant"));
  ASSERT_FALSE(applicant.ok());
  EXPECT_EQ(applicant.error().code, ErrorCode::kForbidden);
  EXPECT_FALSE(platform_->Reconcile(As("officer")).ok());
  EXPECT_TRUE(platform_->Reconcile(As("admin")).ok());
  Reopen();
  EXPECT_TRUE(Reconciled().ok());
}

// A transfer with a settlement's code from a voucher's account is what a crash between the
// ledger and the journal leaves too: start-up rebuilds its row (settlement.recover). It is not
// a difference, but it is listed as resting on the ledger alone, which is where a forgery of
// that shape shows.
TEST_F(ReconcileTest, ASettlementWrittenIntoTheLedgerAloneIsListedAsRebuilt) {
  DoOrdinaryWork(/*with_finding=*/false);
  EXPECT_EQ(Reconciled().rebuilt_total, 0);
  // The voucher pays the provider 1,000.00 the platform never settled.
  ForgeTransfer("forged/1", "prog/chengdu-2024/voucher/app-1",
                "prog/chengdu-2024/provider/2/receivable", 1'000'00, 3);
  const Reconciliation r = Reconciled();
  EXPECT_TRUE(r.ok()) << ::testing::PrintToString(r.differences);
  EXPECT_EQ(r.rebuilt_total, 1);
  ASSERT_EQ(r.rebuilt_settlements.size(), 1u);
  EXPECT_EQ(r.rebuilt_settlements[0], r.transfers);  // the last transfer: the forged one
  // With another code the start-up adopts nothing, and the difference stands.
  ForgeTransfer("forged/3", "prog/chengdu-2024/voucher/app-1",
                "prog/chengdu-2024/provider/2/receivable", 1'000'00, 5);
  const Reconciliation again = Reconciled();
  ASSERT_EQ(again.differences.size(), 1u);
  EXPECT_NE(again.differences[0].find("(forged/3): no outbox move of this key"), std::string::npos)
      << again.differences[0];
}

TEST_F(ReconcileTest, AnotherTransferWrittenIntoTheLedgerAloneIsFound) {
  DoOrdinaryWork();
  // 2,000.00 back from the pool to the funder, under a code the outbox uses.
  ForgeTransfer("forged/2", "prog/chengdu-2024/pool", "prog/chengdu-2024/funder", 2'000'00, 9);
  const Reconciliation r = Reconciled();
  ASSERT_EQ(r.differences.size(), 1u);
  EXPECT_NE(r.differences[0].find("(forged/2): no outbox move of this key"), std::string::npos)
      << r.differences[0];
}

TEST_F(ReconcileTest, AnEditedSettlementRowAndADeletedOutboxRowAreFound) {
  DoOrdinaryWork();
  ASSERT_TRUE(Reconciled().ok());
  // k2 paid 15,000.00; its row now says 1,500.00. Its audit entry still lists the true total.
  Sql("UPDATE settlements SET deduction_fen = 150000 WHERE bill_no = 'BILL-k2'");
  Reconciliation r = Reconciled();
  EXPECT_EQ(r.differences_total, 2) << ::testing::PrintToString(r.differences);
  bool ledger_side = false, audit_side = false;
  for (const std::string& d : r.differences) {
    ledger_side = ledger_side || d.find("1500000 fen in the ledger, 150000 in its settlement row") != std::string::npos;
    audit_side = audit_side || d.find("its rows hold") != std::string::npos;
  }
  EXPECT_TRUE(ledger_side && audit_side) << ::testing::PrintToString(r.differences);
  Sql("UPDATE settlements SET deduction_fen = 1500000 WHERE bill_no = 'BILL-k2'");
  ASSERT_TRUE(Reconciled().ok());
  // The grant's outbox row gone: its transfer is unaccounted for.
  Sql("DELETE FROM money_moves WHERE ledger_key LIKE 'grant/%'");
  r = Reconciled();
  ASSERT_GE(r.differences.size(), 1u);
  EXPECT_NE(r.differences[0].find("no outbox move of this key"), std::string::npos)
      << ::testing::PrintToString(r.differences);
}

}  // namespace
}  // namespace suanli::workflow
