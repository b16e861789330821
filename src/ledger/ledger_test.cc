// Tests of the Ledger (writer thread, group commit, faults): a failed batch changes nothing,
// an uncertain failure makes the ledger read-only until reopened, recovery restores exactly
// the acknowledged state, and concurrent clients all get durable answers.
#include "ledger/ledger.h"
#include "ledger/ledger_testing.h"

#include <gtest/gtest.h>

#include <cstdio>

#include <functional>
#include <future>
#include <mutex>
#include <new>
#include <thread>

#include "ledger/memory_store.h"

namespace suanli::ledger {
namespace {

constexpr std::uint32_t kCny = kLedgerCny;

using test_support::Key;


TransferSpec T(std::string key, AccountId d, AccountId c, std::int64_t amount,
               std::uint16_t flags = 0) {
  return MakeTransfer(std::move(key), d, c, amount, kCny, flags);
}

class LedgerTest : public ::testing::Test {
 protected:
  void Open(std::size_t overlap_backlog_events_min = limits::kTransfersPerBatchMax / 2) {
    ledger_.reset();
    LedgerOptions options{&clock_, &faults_};
    options.overlap_backlog_events_min = overlap_backlog_events_min;
    auto opened = Ledger::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    ledger_ = std::move(opened).value();
  }
  void SetUpAccounts() {
    auto out = ledger_->CreateAccounts(
        {AccountSpec{"funder", kCny, AccountKind::kFunder, 0, 0, {}, {}, 0},
         AccountSpec{"pool", kCny, AccountKind::kPool, kDebitsMustNotExceedCredits, 0, {}, {}, 0},
         AccountSpec{"voucher", kCny, AccountKind::kVoucher, kDebitsMustNotExceedCredits,
                     1'000'000'00, {}, {}, 0}});
    ASSERT_TRUE(out.ok());
    funder_ = (*out)[0].id;
    pool_ = (*out)[1].id;
    voucher_ = (*out)[2].id;
  }
  std::int64_t Credits(AccountId id) {
    auto got = ledger_->LookupAccounts({id});
    EXPECT_TRUE(got.ok());
    return (*got)[0]->credits_posted_fen;
  }

  ManualClock clock_{Instant::FromUnixSeconds(1'700'000'000)};
  MemoryStore memory_;
  FaultStore faults_{&memory_};
  std::unique_ptr<Ledger> ledger_;
  AccountId funder_, pool_, voucher_;
};

TEST_F(LedgerTest, FailureBeforeWriteFailsOnlyThatBatch) {
  Open();
  SetUpAccounts();
  faults_.FailNextAppend(Fault::kFailBeforeWrite);
  auto r = ledger_->CreateTransfers({T("fund", funder_, pool_, 500'00)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  EXPECT_FALSE(ledger_->read_only());
  EXPECT_EQ(Credits(pool_), 0);
  r = ledger_->CreateTransfers({T("fund", funder_, pool_, 500'00)});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE((*r)[0].duplicate);
  EXPECT_EQ(Credits(pool_), 500'00);
}

TEST_F(LedgerTest, UncertainFailureIsStickyAndRecoveryKeepsTheBatchAtomically) {
  Open();
  SetUpAccounts();
  ASSERT_TRUE(ledger_->CreateTransfers({T("fund", funder_, pool_, 500'00)}).ok());
  faults_.FailNextAppend(Fault::kUncertainWritten);
  auto r = ledger_->CreateTransfers({T("grant", pool_, voucher_, 100'00)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIoUncertain);
  EXPECT_TRUE(ledger_->read_only());
  r = ledger_->CreateTransfers({T("other", pool_, voucher_, 1'00)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kReadOnly);
  EXPECT_EQ(Credits(voucher_), 0);  // lookups show the acknowledged state

  Open();  // recovery: the uncertain batch turned out durable
  EXPECT_EQ(Credits(voucher_), 100'00);
  r = ledger_->CreateTransfers({T("grant", pool_, voucher_, 100'00)});  // the client retries
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)[0].duplicate);
  EXPECT_EQ(Credits(voucher_), 100'00);

  faults_.FailNextAppend(Fault::kUncertainNotWritten);
  r = ledger_->CreateTransfers({T("grant2", pool_, voucher_, 50'00)});
  ASSERT_FALSE(r.ok());
  Open();  // this time it was not durable
  EXPECT_EQ(Credits(voucher_), 100'00);
  r = ledger_->CreateTransfers({T("grant2", pool_, voucher_, 50'00)});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE((*r)[0].duplicate);
  auto report = ledger_->CheckInvariants();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
}

TEST_F(LedgerTest, ConcurrentClientsGroupCommit) {
  Open();
  SetUpAccounts();
  ASSERT_TRUE(ledger_->CreateTransfers({T("fund", funder_, pool_, 1'000'000'00)}).ok());
  ASSERT_TRUE(ledger_->CreateTransfers({T("grant", pool_, voucher_, 1'000'000'00)}).ok());
  auto provider = ledger_->CreateAccounts({AccountSpec{
      "provider", kCny, AccountKind::kProviderReceivable, kDebitsMustNotExceedCredits, 0, {}, {}, 0}});
  ASSERT_TRUE(provider.ok());
  const AccountId p = (*provider)[0].id;
  constexpr int kThreads = 8, kRequests = 50, kPerRequest = 10;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRequests; ++i) {
        std::vector<TransferSpec> specs;
        for (int k = 0; k < kPerRequest; ++k) {
          const auto n = static_cast<std::uint64_t>((t * kRequests + i) * kPerRequest + k);
          specs.push_back(T(Key("b-", n), voucher_, p, 1'00, kBalancingDebit));
        }
        auto r = ledger_->CreateTransfers(std::move(specs));
        if (r.ok()) ok += static_cast<int>(r->size());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), kThreads * kRequests * kPerRequest);
  EXPECT_EQ(Credits(p), std::int64_t{kThreads} * kRequests * kPerRequest * 1'00);
  EXPECT_LE(ledger_->Stats().batches_committed, 5u + kThreads * kRequests);
  Open();
  EXPECT_EQ(Credits(p), std::int64_t{kThreads} * kRequests * kPerRequest * 1'00);
}

// Many clients, so batches pipeline (one applied while the previous one commits), with store
// failures: whatever was acknowledged survives a reopen, whatever failed with kIo does not.
TEST_F(LedgerTest, PipelinedBatchesWithFaultsKeepExactlyTheAcknowledged) {
  for (const Fault fault : {Fault::kFailBeforeWrite, Fault::kUncertainWritten,
                            Fault::kUncertainNotWritten, Fault::kConflict}) {
    ledger_.reset();  // close before replacing the store under it
    memory_.~MemoryStore();
    new (&memory_) MemoryStore();
    faults_.FailRandomly(0, 0, Fault::kNone);
    Open(/*overlap_backlog_events_min=*/0);  // always pipeline
    SetUpAccounts();
    ASSERT_TRUE(ledger_->CreateTransfers({T("fund", funder_, pool_, 1'000'000'00)}).ok());
    const std::uint64_t injected_before = faults_.faults_injected();
    const auto injected = [&] { return faults_.faults_injected() - injected_before; };
    faults_.FailRandomly(static_cast<std::uint64_t>(fault) + 7, 30, fault);
    // At least kRequests each, and on until a fault was injected (at most kRequestsMax): on a
    // loaded machine group commit packs the requests into fewer appends, and 3 % of a few
    // appends may miss every fault.
    constexpr int kThreads = 8, kRequests = 40, kRequestsMax = 400;
    std::mutex mu;
    std::vector<std::string> acked, refused_io;
    std::size_t attempted = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kRequests || (injected() == 0 && i < kRequestsMax);
             ++i) {
          const std::string key = Key("g-", static_cast<std::uint64_t>(t * kRequestsMax + i));
          auto r = ledger_->CreateTransfers({T(key, pool_, voucher_, 1'00)});
          std::lock_guard lock(mu);
          ++attempted;
          if (r.ok() && (*r)[0].code == ResultCode::kOk) acked.push_back(key);
          if (!r.ok() && (r.error().code == ErrorCode::kIo || r.error().code == ErrorCode::kConflict)) {
            refused_io.push_back(key);
          }
        }
      });
    }
    for (auto& th : threads) th.join();
    faults_.FailRandomly(0, 0, Fault::kNone);
    Open();
    for (const std::string& key : acked) {
      auto got = ledger_->LookupTransferByKey(key);
      ASSERT_TRUE(got.ok() && got->has_value()) << "acknowledged " << key << " lost";
    }
    for (const std::string& key : refused_io) {
      auto got = ledger_->LookupTransferByKey(key);
      ASSERT_TRUE(got.ok() && !got->has_value()) << "refused " << key << " was written";
    }
    auto report = ledger_->CheckInvariants();
    ASSERT_TRUE(report.ok() && report->ok());
    // Exactly what is present counts: every acknowledged key, and of those whose outcome was
    // uncertain (kIoUncertain, then kReadOnly) each either whole or absent — never a credit
    // without its transfer or a transfer counted twice.
    std::int64_t present = 0;
    for (int i = 0; i < kThreads * kRequestsMax; ++i) {
      auto got = ledger_->LookupTransferByKey(Key("g-", static_cast<std::uint64_t>(i)));
      ASSERT_TRUE(got.ok());
      if (got->has_value()) {
        EXPECT_EQ((*got)->amount_fen, 1'00);
        ++present;
      }
    }
    EXPECT_GE(present, static_cast<std::int64_t>(acked.size()));
    EXPECT_EQ(Credits(voucher_), present * 1'00);
    // Not vacuous: some requests were acknowledged before the first fault, and some failed.
    EXPECT_FALSE(acked.empty()) << static_cast<int>(fault);
    EXPECT_GT(injected(), 0u) << static_cast<int>(fault);
    EXPECT_LT(acked.size(), attempted) << static_cast<int>(fault);
  }
}

TEST_F(LedgerTest, TooManyEventsInOneRequestIsRefused) {
  Open();
  std::vector<TransferSpec> specs(limits::kTransfersPerRequestMax + 1);
  auto r = ledger_->CreateTransfers(std::move(specs));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
}

TEST_F(LedgerTest, ScanTransfersReturnsCommittedTransfersInIdOrderFromACursor) {
  Open();
  SetUpAccounts();
  ASSERT_TRUE(ledger_->CreateTransfers({MakeTransfer("fund", funder_, pool_, 500, kCny)}).ok());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(ledger_->CreateTransfers(
                           {MakeTransfer("t" + std::to_string(i), pool_, voucher_, 10 + i, kCny)})
                    .ok());
  }
  auto first = ledger_->ScanTransfers(TransferId(), 4);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 4u);
  EXPECT_EQ((*first)[0].key, "fund");
  EXPECT_EQ((*first)[3].key, "t2");
  auto rest = ledger_->ScanTransfers((*first)[3].id, 100);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ((*rest)[1].key, "t4");
  EXPECT_EQ((*rest)[1].amount_fen, 14);
  auto none = ledger_->ScanTransfers((*rest)[1].id, 100);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(ledger_->ScanTransfers(TransferId(), limits::kScanTransfersMax + 1).ok());
}

// True when `key` appears in a batch already durable in `store` (the body holds each key raw).
bool KeyIsDurable(MemoryStore& store, const std::string& key) {
  bool found = false;
  const Status s = store.ReadFrom(1, [&](const BatchView& b) {
    const std::string_view body(reinterpret_cast<const char*>(b.body.data()), b.body.size());
    if (body.find(key) != std::string_view::npos) found = true;
    return OkStatus();
  });
  return s.ok() && found;
}

// The callback form: every callback runs once, only after its own batch (and so, the log being
// appended in seq order, every earlier batch) is durable.
TEST_F(LedgerTest, CallbacksRunOnlyAfterTheirBatchIsDurable) {
  Open(/*overlap_backlog_events_min=*/0);  // always pipeline
  SetUpAccounts();
  ASSERT_TRUE(ledger_->CreateTransfers({T("fund", funder_, pool_, 1'000'000'00)}).ok());
  constexpr int kRequests = 300;
  std::atomic<int> answered{0}, durable{0}, ok{0};
  std::promise<void> all;
  for (int i = 0; i < kRequests; ++i) {
    std::string key = Key("cb-", static_cast<std::uint64_t>(100'000 + i));  // fixed width
    ledger_->SubmitTransfers(
        {T(key, pool_, voucher_, 1'00)},
        [&, key](Result<std::vector<TransferOutcome>> r) {
          if (r.ok() && (*r)[0].code == ResultCode::kOk) ++ok;
          if (KeyIsDurable(memory_, key)) ++durable;
          if (++answered == kRequests) all.set_value();
        });
  }
  all.get_future().wait();
  EXPECT_EQ(ok.load(), kRequests);
  EXPECT_EQ(durable.load(), kRequests);
  EXPECT_EQ(Credits(voucher_), kRequests * 1'00);
}

// The callback form of LookupTransferByKey answers from acknowledged state: a transfer queued
// before the lookup is found (its batch is settled first), an unknown key is nullopt, and the
// callback may look up again without waiting for queue room.
TEST_F(LedgerTest, CallbackLookupsByKeySeeEveryTransferQueuedBeforeThem) {
  Open(/*overlap_backlog_events_min=*/0);  // always pipeline: a batch is in flight
  SetUpAccounts();
  ASSERT_TRUE(ledger_->CreateTransfers({T("fund", funder_, pool_, 1'000'000'00)}).ok());
  std::promise<void> posted;
  ledger_->SubmitTransfers({T("late-key", pool_, voucher_, 7'00)},
                           [&](Result<std::vector<TransferOutcome>>) { posted.set_value(); });
  std::promise<std::pair<std::optional<Transfer>, std::optional<Transfer>>> looked;
  ledger_->SubmitLookupTransferByKey(
      "late-key", [&](Result<std::optional<Transfer>> found) {
        ASSERT_TRUE(found.ok());
        std::optional<Transfer> first = *found;
        ledger_->SubmitLookupTransferByKey(
            "no-such-key", [&, first](Result<std::optional<Transfer>> missing) {
              ASSERT_TRUE(missing.ok());
              looked.set_value({first, *missing});
            });
      });
  const auto [found, missing] = looked.get_future().get();
  posted.get_future().wait();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->amount_fen, 7'00);
  EXPECT_EQ(found->debit_account_id, pool_);
  EXPECT_FALSE(missing.has_value());
}

TEST_F(LedgerTest, CallbacksAfterAnUncertainFaultGetIoUncertainThenReadOnly) {
  Open();
  SetUpAccounts();
  ASSERT_TRUE(ledger_->CreateTransfers({T("fund", funder_, pool_, 500'00)}).ok());
  faults_.FailNextAppend(Fault::kUncertainNotWritten);
  auto submit = [&](const char* key) {
    std::promise<Result<std::vector<TransferOutcome>>> p;
    auto f = p.get_future();
    ledger_->SubmitTransfers({T(key, pool_, voucher_, 1'00)},
                             [&p](Result<std::vector<TransferOutcome>> r) {
                               p.set_value(std::move(r));
                             });
    return f.get();
  };
  auto r = submit("uncertain");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIoUncertain);
  r = submit("after");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kReadOnly);
}

// A request stream: each callback submits the next request. With a queue of one request the
// resubmission must not wait for room (it runs on a ledger thread).
TEST_F(LedgerTest, CallbackThatResubmitsKeepsAStreamGoing) {
  ledger_.reset();
  LedgerOptions options{&clock_, &faults_};
  options.queue_requests_max = 1;
  auto opened = Ledger::Open(options);
  ASSERT_TRUE(opened.ok());
  ledger_ = std::move(opened).value();
  SetUpAccounts();
  ASSERT_TRUE(ledger_->CreateTransfers({T("fund", funder_, pool_, 1'000'000'00)}).ok());
  constexpr int kStreams = 4, kPerStream = 100;
  std::atomic<int> streams_done{0}, ok{0};
  std::promise<void> all;
  std::vector<int> sent(kStreams, 0);  // sent[s] touched only by stream s's callback chain
  std::function<void(int)> next = [&](int s) {
    const int n = sent[static_cast<std::size_t>(s)]++;
    ledger_->SubmitTransfers(
        {T(Key("rs-", static_cast<std::uint64_t>(s * kPerStream + n)), pool_, voucher_, 1'00)},
        [&, s](Result<std::vector<TransferOutcome>> r) {
          if (r.ok() && (*r)[0].code == ResultCode::kOk) ++ok;
          if (sent[static_cast<std::size_t>(s)] < kPerStream) {
            next(s);
          } else if (++streams_done == kStreams) {
            all.set_value();
          }
        });
  };
  for (int s = 0; s < kStreams; ++s) next(s);
  all.get_future().wait();
  EXPECT_EQ(ok.load(), kStreams * kPerStream);
  EXPECT_EQ(Credits(voucher_), kStreams * kPerStream * 1'00);
}

}  // namespace
}  // namespace suanli::ledger
