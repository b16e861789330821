// Focused tests of the state machine: idempotency, linked rollback, pending timeouts, the
// balancing clamp, ceilings, cap groups, expiry, and replay reproducing the same state.
#include "ledger/state_machine.h"

#include <gtest/gtest.h>

namespace suanli::ledger {
namespace {

constexpr std::uint32_t kCny = kLedgerCny;
constexpr std::int64_t kT0 = 1'700'000'000'000'000;

class StateMachineTest : public ::testing::Test {
 protected:
  // One request per batch; the batch body is kept so tests can replay it.
  std::vector<AccountOutcome> Accounts(std::vector<AccountSpec> specs) {
    std::vector<AccountOutcome> out(specs.size());
    Begin();
    sm_.ApplyAccounts(specs, out);
    End();
    return out;
  }
  std::vector<TransferOutcome> Transfers(std::vector<TransferSpec> specs) {
    std::vector<TransferOutcome> out(specs.size());
    Begin();
    sm_.ApplyTransfers(specs, out);
    End();
    return out;
  }
  TransferOutcome One(TransferSpec spec) { return Transfers({std::move(spec)})[0]; }
  void Begin() { sm_.BeginBatch(sm_.last_seq() + 1, Instant::FromMicros(now_us_)); }
  void End() {
    sm_.CheckBatchInvariants();
    if (sm_.batch_empty()) {
      sm_.AbandonEmptyBatch();
      return;
    }
    const BatchView b = sm_.batch();
    log_.push_back({b.seq, b.ts_us, std::vector<std::uint8_t>(b.body.begin(), b.body.end())});
    sm_.CommitBatch();
  }
  AccountId Create(std::string key, AccountKind kind, std::uint16_t flags,
                   std::int64_t ceiling = 0, AccountId group = AccountId(),
                   Instant expires = Instant()) {
    AccountSpec s{std::move(key), kCny, kind, flags, ceiling, group, expires, 0};
    const AccountOutcome o = Accounts({s})[0];
    EXPECT_EQ(o.code, ResultCode::kOk);
    return o.id;
  }
  static TransferSpec T(std::string key, AccountId d, AccountId c, std::int64_t amount,
                        std::uint16_t flags = 0) {
    return MakeTransfer(std::move(key), d, c, amount, kCny, flags);
  }
  Account Get(AccountId id) { return *sm_.GetAccount(id); }

  // Funder → pool → voucher setup used by most tests.
  void Setup(std::int64_t pool_fen, std::int64_t grant_fen) {
    funder_ = Create("funder", AccountKind::kFunder, 0);
    pool_ = Create("pool", AccountKind::kPool, kDebitsMustNotExceedCredits);
    voucher_ = Create("voucher", AccountKind::kVoucher, kDebitsMustNotExceedCredits, grant_fen);
    provider_ = Create("provider", AccountKind::kProviderReceivable, kDebitsMustNotExceedCredits);
    lapsed_ = Create("lapsed", AccountKind::kLapsed, 0);
    ASSERT_EQ(One(T("fund", funder_, pool_, pool_fen)).code, ResultCode::kOk);
  }

  struct Logged {
    std::uint64_t seq;
    std::int64_t ts_us;
    std::vector<std::uint8_t> body;
  };
  StateMachine sm_;
  std::int64_t now_us_ = kT0;
  std::vector<Logged> log_;
  AccountId funder_, pool_, voucher_, provider_, lapsed_;
};

TEST_F(StateMachineTest, GrantAndBalancingDeductionClampsToRemaining) {
  Setup(1'000'000'00, 1000'00);
  ASSERT_EQ(One(T("grant", pool_, voucher_, 1000'00)).code, ResultCode::kOk);
  // Bill of 1,500.00 at 50 %: 750.00 taken.
  TransferOutcome o = One(T("bill1", voucher_, provider_, 750'00, kBalancingDebit));
  EXPECT_EQ(o.code, ResultCode::kOk);
  EXPECT_EQ(o.amount_fen, 750'00);
  // Next bill asks 500.00 but only 250.00 remain: clamped in one transfer.
  o = One(T("bill2", voucher_, provider_, 500'00, kBalancingDebit));
  EXPECT_EQ(o.code, ResultCode::kOk);
  EXPECT_EQ(o.amount_fen, 250'00);
  // Exhausted: nothing to take, so it fails and is not stored.
  o = One(T("bill3", voucher_, provider_, 100'00, kBalancingDebit));
  EXPECT_EQ(o.code, ResultCode::kExceedsCredits);
  EXPECT_FALSE(sm_.GetTransferByKey("bill3").has_value());
  // Without balancing, an overdraw is refused.
  EXPECT_EQ(One(T("bill4", voucher_, provider_, 1)).code, ResultCode::kExceedsCredits);
  EXPECT_EQ(Get(voucher_).available_fen(), 0);
  EXPECT_EQ(Get(provider_).credits_posted_fen, 1000'00);
  EXPECT_TRUE(sm_.CheckAll().ok());
}

TEST_F(StateMachineTest, IdempotencyReturnsOriginalOrNamesTheDifferentField) {
  Setup(1'000'00, 1000'00);
  now_us_ += 5;
  const TransferOutcome first = One(T("g", pool_, voucher_, 400'00));
  ASSERT_EQ(first.code, ResultCode::kOk);
  now_us_ += 1'000'000;
  const TransferOutcome again = One(T("g", pool_, voucher_, 400'00));
  EXPECT_EQ(again.code, ResultCode::kOk);
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(again.amount_fen, first.amount_fen);
  EXPECT_EQ(again.timestamp, first.timestamp);
  EXPECT_EQ(Get(voucher_).credits_posted_fen, 400'00);  // applied once
  const TransferOutcome other = One(T("g", pool_, voucher_, 401'00));
  EXPECT_EQ(other.code, ResultCode::kExistsWithDifferentFields);
  EXPECT_EQ(other.field, "amount_fen");
  // Account keys too.
  AccountSpec s{"voucher", kCny, AccountKind::kVoucher, kDebitsMustNotExceedCredits, 1000'00,
                AccountId(), Instant(), 0};
  AccountOutcome a = Accounts({s})[0];
  EXPECT_TRUE(a.duplicate);
  EXPECT_EQ(a.id, voucher_);
  s.credits_ceiling_fen = 2000'00;
  a = Accounts({s})[0];
  EXPECT_EQ(a.code, ResultCode::kExistsWithDifferentFields);
  EXPECT_EQ(a.field, "credits_ceiling_fen");
  // Keys must be 1..64 bytes.
  EXPECT_EQ(One(T("", pool_, voucher_, 1)).code, ResultCode::kKeyInvalid);
  EXPECT_EQ(One(T(std::string(65, 'k'), pool_, voucher_, 1)).code, ResultCode::kKeyInvalid);
}

TEST_F(StateMachineTest, FailedLinkedChainRollsBackEverything) {
  Setup(1'000'00, 500'00);
  const auto out = Transfers({T("a", pool_, voucher_, 300'00, kLinked),
                              T("b", voucher_, provider_, 100'00, kLinked),
                              T("c", voucher_, provider_, 900'00),  // fails: exceeds credits
                              T("d", pool_, voucher_, 10'00)});     // independent
  EXPECT_EQ(out[0].code, ResultCode::kLinkedEventFailed);
  EXPECT_EQ(out[1].code, ResultCode::kLinkedEventFailed);
  EXPECT_EQ(out[2].code, ResultCode::kExceedsCredits);
  EXPECT_EQ(out[3].code, ResultCode::kOk);
  EXPECT_EQ(Get(voucher_).credits_posted_fen, 10'00);
  EXPECT_EQ(Get(provider_).credits_posted_fen, 0);
  EXPECT_FALSE(sm_.GetTransferByKey("a").has_value());  // keys free for a retry
  EXPECT_EQ(One(T("a", pool_, voucher_, 300'00)).code, ResultCode::kOk);
  // An open chain fails as a whole.
  const auto open = Transfers({T("e", pool_, voucher_, 1, kLinked), T("f", pool_, voucher_, 1, kLinked)});
  EXPECT_EQ(open[0].code, ResultCode::kLinkedEventFailed);
  EXPECT_EQ(open[1].code, ResultCode::kLinkedEventChainOpen);
  EXPECT_TRUE(sm_.CheckAll().ok());
}

TEST_F(StateMachineTest, PendingPostVoidAndTimeout) {
  Setup(1'000'00, 1000'00);
  ASSERT_EQ(One(T("grant", pool_, voucher_, 1000'00)).code, ResultCode::kOk);
  TransferSpec hold = T("hold", voucher_, provider_, 600'00, kPending);
  hold.timeout_s = 60;
  const TransferOutcome h = One(hold);
  ASSERT_EQ(h.code, ResultCode::kOk);
  EXPECT_EQ(Get(voucher_).debits_pending_fen, 600'00);
  EXPECT_EQ(Get(voucher_).available_fen(), 400'00);
  // A post of a smaller amount releases the rest.
  TransferSpec post = T("post", AccountId(), AccountId(), 450'00, kPostPending);
  post.pending_id = h.id;
  post.ledger = 0;
  EXPECT_EQ(One(post).code, ResultCode::kOk);
  EXPECT_EQ(Get(voucher_).debits_pending_fen, 0);
  EXPECT_EQ(Get(voucher_).debits_posted_fen, 450'00);
  TransferSpec void_it = T("void", AccountId(), AccountId(), 0, kVoidPending);
  void_it.pending_id = h.id;
  EXPECT_EQ(One(void_it).code, ResultCode::kPendingAlreadyPosted);

  // A second hold expires: refused when posted late, then auto-voided by the next batch.
  hold.key = "hold2";
  hold.amount_fen = 100'00;
  const TransferOutcome h2 = One(hold);
  ASSERT_EQ(h2.code, ResultCode::kOk);
  now_us_ += 61 * kMicrosPerSecond;
  post.key = "post2";
  post.amount_fen = 0;
  post.pending_id = h2.id;
  // This batch's auto-void runs first, so the post sees an expired hold.
  EXPECT_EQ(One(post).code, ResultCode::kPendingExpired);
  EXPECT_EQ(sm_.GetTransfer(h2.id)->state, TransferState::kPendingExpired);
  EXPECT_EQ(Get(voucher_).debits_pending_fen, 0);
  EXPECT_EQ(Get(voucher_).available_fen(), 550'00);
  EXPECT_TRUE(sm_.CheckAll().ok());
}

TEST_F(StateMachineTest, CeilingAndCapGroup) {
  funder_ = Create("funder", AccountKind::kFunder, 0);
  pool_ = Create("pool", AccountKind::kPool, kDebitsMustNotExceedCredits);
  ASSERT_EQ(One(T("fund", funder_, pool_, 1'000'000'00)).code, ResultCode::kOk);
  const AccountId group = Create("org-2025", AccountKind::kCapGroup, 0, 1500'00);
  const AccountId v1 =
      Create("v1", AccountKind::kVoucher, kDebitsMustNotExceedCredits, 1000'00, group);
  const AccountId v2 =
      Create("v2", AccountKind::kVoucher, kDebitsMustNotExceedCredits, 1000'00, group);
  EXPECT_EQ(One(T("g1", pool_, v1, 1000'01)).code, ResultCode::kExceedsCeiling);
  EXPECT_EQ(One(T("g2", pool_, v1, 1000'00)).code, ResultCode::kOk);
  EXPECT_EQ(One(T("g3", pool_, v2, 600'00)).code, ResultCode::kExceedsCapGroup);
  EXPECT_EQ(One(T("g4", pool_, v2, 500'00)).code, ResultCode::kOk);
  EXPECT_EQ(Get(group).cap_group_credits_fen, 1500'00);
  EXPECT_EQ(One(T("g5", pool_, group, 1)).code, ResultCode::kAccountIsCapGroup);
  EXPECT_TRUE(sm_.CheckAll().ok());
}

TEST_F(StateMachineTest, ExpiredVoucherRefusesDebitsButLapses) {
  const Instant expiry = Instant::FromMicros(kT0 + 100 * kMicrosPerSecond);
  funder_ = Create("funder", AccountKind::kFunder, 0);
  pool_ = Create("pool", AccountKind::kPool, kDebitsMustNotExceedCredits);
  provider_ = Create("provider", AccountKind::kProviderReceivable, kDebitsMustNotExceedCredits);
  lapsed_ = Create("lapsed", AccountKind::kLapsed, 0);
  voucher_ = Create("voucher", AccountKind::kVoucher, kDebitsMustNotExceedCredits, 1000'00,
                    AccountId(), expiry);
  ASSERT_EQ(One(T("fund", funder_, pool_, 1000'00)).code, ResultCode::kOk);
  ASSERT_EQ(One(T("grant", pool_, voucher_, 1000'00)).code, ResultCode::kOk);
  now_us_ = expiry.micros();
  EXPECT_EQ(One(T("late", voucher_, provider_, 1'00)).code, ResultCode::kAccountExpired);
  const TransferOutcome lapse =
      One(T("lapse", voucher_, lapsed_, limits::kAmountFenMax, kBalancingDebit | kLapse));
  EXPECT_EQ(lapse.code, ResultCode::kOk);
  EXPECT_EQ(lapse.amount_fen, 1000'00);
  EXPECT_EQ(Get(lapsed_).credits_posted_fen, 1000'00);
}

TEST_F(StateMachineTest, ReplayRebuildsTheSameState) {
  Setup(1'000'00, 1000'00);
  ASSERT_EQ(One(T("grant", pool_, voucher_, 800'00)).code, ResultCode::kOk);
  TransferSpec hold = T("hold", voucher_, provider_, 300'00, kPending);
  hold.timeout_s = 10;
  ASSERT_EQ(One(hold).code, ResultCode::kOk);
  now_us_ += 11 * kMicrosPerSecond;
  ASSERT_EQ(One(T("bill", voucher_, provider_, 100'00, kBalancingDebit)).code, ResultCode::kOk);

  StateMachine replica;
  for (const Logged& b : log_) {
    ASSERT_TRUE(replica.Replay(BatchView{b.seq, b.ts_us, b.body}).ok());
  }
  ASSERT_TRUE(replica.CheckAll().ok());
  for (std::uint64_t id = 1; id <= sm_.account_count(); ++id) {
    const Account a = *sm_.GetAccount(AccountId(id));
    const Account b = *replica.GetAccount(AccountId(id));
    EXPECT_EQ(a.key, b.key);
    EXPECT_EQ(a.debits_posted_fen, b.debits_posted_fen);
    EXPECT_EQ(a.credits_posted_fen, b.credits_posted_fen);
    EXPECT_EQ(a.debits_pending_fen, b.debits_pending_fen);
    EXPECT_EQ(a.credits_pending_fen, b.credits_pending_fen);
  }
  EXPECT_EQ(replica.GetTransferByKey("hold")->state, TransferState::kPendingExpired);
  EXPECT_EQ(replica.GetTransferByKey("bill")->timestamp, sm_.GetTransferByKey("bill")->timestamp);
  // A corrupted body is refused, not applied.
  StateMachine broken;
  std::vector<std::uint8_t> body = log_[0].body;
  body.back() = 0xff;
  EXPECT_FALSE(broken.Replay(BatchView{1, log_[0].ts_us, body}).ok());
}

TEST_F(StateMachineTest, RollbackBatchRestoresEverything) {
  Setup(1'000'00, 1000'00);
  Begin();
  std::vector<TransferSpec> specs{T("grant", pool_, voucher_, 500'00)};
  std::vector<TransferOutcome> out(1);
  sm_.ApplyTransfers(specs, out);
  ASSERT_EQ(out[0].code, ResultCode::kOk);
  sm_.RollbackBatch();  // e.g. the store's BEGIN failed
  EXPECT_EQ(Get(voucher_).credits_posted_fen, 0);
  EXPECT_FALSE(sm_.GetTransferByKey("grant").has_value());
  EXPECT_EQ(One(T("grant", pool_, voucher_, 500'00)).code, ResultCode::kOk);
  EXPECT_TRUE(sm_.CheckAll().ok());
}

}  // namespace
}  // namespace suanli::ledger
