// Metered settlement charges each day of an organisation's usage once: a period is settled only
// once it has ended, and per (provider, organisation) settled periods never overlap — whatever
// the Idempotency-Key, however the period is written, concurrently or across a restart — while
// a replay (same key, same content) still gets the first answer. The demo organisation's
// Chengdu voucher (150,000.00) pays 50 % of the demo AI center's bills (Ascend ¥12.00 a
// card-hour, account cd-firm).
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "workflow/demo_voucher_fixture.h"

namespace suanli::workflow {
namespace {

constexpr std::int64_t kGrantFen = 150'000'00;
// The usage below, per period (card-hours × ¥12.00).
constexpr std::int64_t kQ1Fen = 120'00 + 960'00 + 24'00;  // January, 12 March, 20 March
constexpr std::int64_t kMarchFen = 960'00 + 24'00;
constexpr std::int64_t kAprilFen = 60'00;  // 3 April

constexpr char kHeader[] =
    "JobID|Cluster|Account|User|Partition|Submit|Start|End|ElapsedRaw|AllocTRES|State|ExitCode";

std::string Job(int id, const std::string& start, const std::string& end, int elapsed_s,
                int cards) {
  return std::to_string(id) + "|cd-ai|cd-firm|ufirm|ascend|" + start + "|" + start + "|" + end +
         "|" + std::to_string(elapsed_s) + "|billing=" + std::to_string(cards) +
         ",cpu=24,gres/npu=" + std::to_string(cards) + ",mem=200G,node=1|COMPLETED|0:0";
}

class MeteredSettlementTest : public testing::DemoVoucherTest {
 protected:
  // Mid-March 2024: Q1 has not ended yet.
  MeteredSettlementTest()
      : DemoVoucherTest(Instant::Parse("2024-03-15T09:00:00+08:00").value()) {}
  void SetUp() override {
    DemoVoucherTest::SetUp();
    voucher_ = IssueVoucher();
    ASSERT_NE(voucher_, 0);
    auto centers = platform_->ListCenters();
    ASSERT_TRUE(centers.ok());
    for (const Center& c : *centers) {
      if (c.spec.slurm_cluster == "cd-ai") center_ = c.id;
    }
    ASSERT_NE(center_, 0);
  }
  // Usage on the demo AI center for cd-firm (organisation 1), ingested by its operator.
  void Ingest(const std::vector<std::string>& jobs) {
    std::string text = std::string(kHeader) + "\n";
    for (const auto& j : jobs) text += j + "\n";
    auto r = platform_->IngestUsage(As("op-ai"), center_, text);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_EQ(r->rejected, 0u);
  }
  void IngestAll() {
    Ingest({Job(201, "2024-01-20T08:00:00", "2024-01-20T18:00:00", 36000, 1),
            Job(202, "2024-03-12T09:00:00", "2024-03-12T19:00:00", 36000, 8),
            Job(203, "2024-03-20T10:00:00", "2024-03-20T11:00:00", 3600, 2),
            Job(204, "2024-04-03T08:00:00", "2024-04-03T13:00:00", 18000, 1)});
  }
  Result<SettlementResult> SettlePeriod(const std::string& period, const std::string& key) {
    std::promise<Result<SettlementResult>> done;
    platform_->SettleMeteredBill(As("op-ai"), 1, period, voucher_, key,
                                 [&](Result<SettlementResult> r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  }
  Voucher VoucherNow() {
    auto v = platform_->GetVoucher(As("officer"), voucher_);
    EXPECT_TRUE(v.ok());
    return v.ok() ? *v : Voucher{};
  }
  std::size_t Deductions() {
    auto rows = platform_->ListDeductions(As("officer"), voucher_);
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? rows->size() : 0;
  }
  // A refusal on `field` with `code`, the voucher untouched.
  void ExpectRefused(const Result<SettlementResult>& r, ErrorCode code, const std::string& field,
                     std::int64_t used_fen) {
    ASSERT_FALSE(r.ok()) << "settled: " << r->settlement_id;
    EXPECT_EQ(r.error().code, code) << r.error().ToString();
    EXPECT_EQ(r.error().field, field) << r.error().ToString();
    const Voucher v = VoucherNow();
    EXPECT_EQ(v.used_fen, used_fen);
    EXPECT_EQ(v.remaining_fen, kGrantFen - used_fen);
  }
  // On 2 July the provider compiles its 2024Q2 claim; the officer's reconciliation of it.
  metering::Reconciliation Q2ClaimReconciled() {
    clock_.Set(Instant::Parse("2024-07-02T09:00:00+08:00").value());
    auto claim = platform_->CompileClaim(As("op-ai"), "chengdu-2024", "2024Q2");
    EXPECT_TRUE(claim.ok()) << claim.error().ToString();
    if (!claim.ok()) return {};
    auto rec = platform_->ReconcileClaim(As("officer"), claim->id);
    EXPECT_TRUE(rec.ok()) << rec.error().ToString();
    return rec.ok() ? *rec : metering::Reconciliation{};
  }
  std::int64_t voucher_ = 0;
  std::int64_t center_ = 0;
};

void AfterTheQuarter(ManualClock& clock) {
  clock.Set(Instant::Parse("2024-04-10T09:00:00+08:00").value());
}

TEST_F(MeteredSettlementTest, APeriodIsSettledOnlyOnceItHasEnded) {
  Ingest({Job(202, "2024-03-12T09:00:00", "2024-03-12T19:00:00", 36000, 8)});
  // 15 March: the quarter's usage is still coming in.
  auto early = SettlePeriod("2024Q1", "q1-early");
  ExpectRefused(early, ErrorCode::kStateConflict, "period", 0);
  EXPECT_NE(early.error().message.find("has not ended"), std::string::npos)
      << early.error().message;
  // Today is not over either; yesterday is.
  ExpectRefused(SettlePeriod("2024-03-12..2024-03-15", "to-today"), ErrorCode::kStateConflict,
                "period", 0);
  auto yesterday = SettlePeriod("2024-03-12..2024-03-14", "to-yesterday");
  ASSERT_TRUE(yesterday.ok()) << yesterday.error().ToString();
  EXPECT_EQ(yesterday->bill_fen, 960'00);
  EXPECT_EQ(yesterday->deduction_fen, 480'00);
  EXPECT_EQ(yesterday->bill_no, "M-1-2024-03-12..2024-03-14");

  AfterTheQuarter(clock_);
  Ingest({Job(204, "2024-04-03T08:00:00", "2024-04-03T13:00:00", 18000, 1)});
  ExpectRefused(SettlePeriod("2024Q2", "q2"), ErrorCode::kStateConflict, "period", 480'00);
  ExpectRefused(SettlePeriod("2024-04-01..2024-04-10", "apr-today"), ErrorCode::kStateConflict,
                "period", 480'00);
  EXPECT_EQ(Deductions(), 1u);
}

TEST_F(MeteredSettlementTest, EachDayIsChargedOnceWhateverTheKeyOrSpelling) {
  AfterTheQuarter(clock_);
  IngestAll();
  auto first = SettlePeriod("2024Q1", "k1");
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_FALSE(first->duplicate);
  EXPECT_EQ(first->bill_fen, kQ1Fen);
  EXPECT_EQ(first->deduction_fen, kQ1Fen / 2);
  EXPECT_EQ(first->bill_no, "M-1-2024-01-01..2024-03-31");  // as before: claims show it
  const std::int64_t used = kQ1Fen / 2;

  // Another key for the same days, however written: refused, nothing charged.
  auto second = SettlePeriod("2024Q1", "k2");
  ExpectRefused(second, ErrorCode::kStateConflict, "period", used);
  EXPECT_NE(second.error().message.find("2024-01-01..2024-03-31"), std::string::npos)
      << second.error().message;
  ExpectRefused(SettlePeriod("2024-01-01..2024-03-31", "k3"), ErrorCode::kStateConflict, "period",
                used);
  // Overlapping days: refused, naming the settled period.
  auto march = SettlePeriod("2024-03-01..2024-03-31", "k4");
  ExpectRefused(march, ErrorCode::kStateConflict, "period", used);
  EXPECT_NE(march.error().message.find("overlaps 2024-01-01..2024-03-31"), std::string::npos)
      << march.error().message;
  ExpectRefused(SettlePeriod("2024-03-31..2024-04-05", "k5"), ErrorCode::kStateConflict, "period",
                used);
  ExpectRefused(SettlePeriod("2023-12-01..2024-01-01", "k6"), ErrorCode::kStateConflict, "period",
                used);

  // A replay — the same key, the same content (the days, however written) — is the first
  // answer, charging nothing.
  for (const char* spelling : {"2024Q1", "2024-01-01..2024-03-31"}) {
    auto replay = SettlePeriod(spelling, "k1");
    ASSERT_TRUE(replay.ok()) << replay.error().ToString();
    EXPECT_TRUE(replay->duplicate);
    EXPECT_EQ(replay->settlement_id, first->settlement_id);
    EXPECT_EQ(replay->deduction_fen, first->deduction_fen);
    EXPECT_EQ(replay->bill_no, first->bill_no);
    EXPECT_EQ(VoucherNow().used_fen, used);
  }
  // The same key for other content is not a replay.
  ExpectRefused(SettlePeriod("2024-04-01..2024-04-09", "k1"), ErrorCode::kIdempotencyConflict,
                "Idempotency-Key", used);

  // The next days are settled.
  auto april = SettlePeriod("2024-04-01..2024-04-09", "k7");
  ASSERT_TRUE(april.ok()) << april.error().ToString();
  EXPECT_EQ(april->bill_fen, kAprilFen);
  EXPECT_EQ(april->deduction_fen, kAprilFen / 2);
  EXPECT_EQ(VoucherNow().used_fen, used + kAprilFen / 2);
  EXPECT_EQ(Deductions(), 2u);
}

TEST_F(MeteredSettlementTest, ConcurrentRequestsForTheSameDaysChargeOnce) {
  AfterTheQuarter(clock_);
  IngestAll();
  const Principal op = As("op-ai");
  constexpr std::size_t kRequests = 8;
  std::vector<std::promise<Result<SettlementResult>>> done(kRequests);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < kRequests; ++i) {
    threads.emplace_back([&, i] {
      platform_->SettleMeteredBill(op, 1, i % 2 == 0 ? "2024Q1" : "2024-03-01..2024-03-31",
                                   voucher_, "race-" + std::to_string(i),
                                   [&done, i](Result<SettlementResult> r) {
                                     done[i].set_value(std::move(r));
                                   });
    });
  }
  for (auto& t : threads) t.join();
  int settled = 0;
  std::int64_t deducted = 0;
  for (auto& d : done) {
    auto r = d.get_future().get();
    if (r.ok()) {
      ++settled;
      deducted += r->deduction_fen;
    } else {
      EXPECT_EQ(r.error().code, ErrorCode::kStateConflict) << r.error().ToString();
      EXPECT_EQ(r.error().field, "period") << r.error().ToString();
    }
  }
  EXPECT_EQ(settled, 1);
  EXPECT_TRUE(deducted == kQ1Fen / 2 || deducted == kMarchFen / 2) << deducted;
  EXPECT_EQ(VoucherNow().used_fen, deducted);
  EXPECT_EQ(Deductions(), 1u);
}

TEST_F(MeteredSettlementTest, SettledDaysAreRememberedAcrossARestart) {
  AfterTheQuarter(clock_);
  IngestAll();
  auto first = SettlePeriod("2024Q1", "k1");
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  // Stopped before any later settlement applied the ledger's answer: start-up resolves it.
  Reopen();
  ExpectRefused(SettlePeriod("2024-03-01..2024-03-31", "k2"), ErrorCode::kStateConflict, "period",
                kQ1Fen / 2);
  auto replay = SettlePeriod("2024Q1", "k1");
  ASSERT_TRUE(replay.ok()) << replay.error().ToString();
  EXPECT_TRUE(replay->duplicate);
  EXPECT_EQ(replay->settlement_id, first->settlement_id);
  // A row the ledger never saw (a stop between the row and the transfer) holds no days.
  Sql("INSERT INTO metered_settlements (provider_id, org_id, first_day, last_day, voucher_id, "
      "idempotency_key, ledger_key, bill_fen, created_at_us) VALUES (2, 1, '2024-04-01', "
      "'2024-04-09', " + std::to_string(voucher_) + ", 'lost', 'stl/2/m:lost', 6000, 0)");
  Reopen();
  auto april = SettlePeriod("2024-04-01..2024-04-09", "k3");
  ASSERT_TRUE(april.ok()) << april.error().ToString();
  EXPECT_EQ(VoucherNow().used_fen, kQ1Fen / 2 + kAprilFen / 2);
}

TEST_F(MeteredSettlementTest, SettlementsFromBeforeTheRuleAreRecordedAtStartUp) {
  AfterTheQuarter(clock_);
  IngestAll();
  // What a metered settlement was before: the provider's key as the ledger key, the bill
  // "M-<org>-<days>" — and nothing recording the days.
  std::promise<Result<SettlementResult>> old;
  platform_->SubmitSettlement(As("op-ai"),
                              SettlementRequest{"old-q1", voucher_, "M-1-2024-01-01..2024-03-31",
                                                kQ1Fen, /*metered=*/true},
                              [&](Result<SettlementResult> r) { old.set_value(std::move(r)); });
  auto first = old.get_future().get();
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  Reopen();
  ExpectRefused(SettlePeriod("2024Q1", "new-q1"), ErrorCode::kStateConflict, "period", kQ1Fen / 2);
  ExpectRefused(SettlePeriod("2024-03-01..2024-03-31", "new-march"), ErrorCode::kStateConflict,
                "period", kQ1Fen / 2);
  auto replay = SettlePeriod("2024Q1", "old-q1");
  ASSERT_TRUE(replay.ok()) << replay.error().ToString();
  EXPECT_TRUE(replay->duplicate);
  EXPECT_EQ(replay->settlement_id, first->settlement_id);
  EXPECT_EQ(VoucherNow().used_fen, kQ1Fen / 2);
}

TEST_F(MeteredSettlementTest, ARefusedSettlementReleasesItsDays) {
  AfterTheQuarter(clock_);
  IngestAll();
  const Principal op = As("op-ai");
  // A bill posted by hand uses the whole voucher.
  std::promise<Result<SettlementResult>> hand;
  platform_->SubmitSettlement(op, SettlementRequest{"by-hand", voucher_, "INV-1", 2 * kGrantFen},
                              [&](Result<SettlementResult> r) { hand.set_value(std::move(r)); });
  auto all = hand.get_future().get();
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  auto used_up = SettlePeriod("2024Q1", "k1");
  ExpectRefused(used_up, ErrorCode::kExceedsLimit, "voucher_id", kGrantFen);
  // The hand bill's key is not the metered settlement's.
  ExpectRefused(SettlePeriod("2024Q1", "by-hand"), ErrorCode::kIdempotencyConflict, "Idempotency-Key",
                kGrantFen);
  auto reversed = platform_->ReverseSettlement(op, all->settlement_id, "billed by mistake");
  ASSERT_TRUE(reversed.ok()) << reversed.error().ToString();
  // The refused settlement charged nothing, so its days are free.
  auto q1 = SettlePeriod("2024Q1", "k2");
  ASSERT_TRUE(q1.ok()) << q1.error().ToString();
  EXPECT_EQ(q1->deduction_fen, kQ1Fen / 2);
  EXPECT_EQ(VoucherNow().used_fen, kQ1Fen / 2);
}

TEST_F(MeteredSettlementTest, AReversedSettlementsDaysMayBeSettledAgain) {
  AfterTheQuarter(clock_);
  IngestAll();
  auto first = SettlePeriod("2024Q1", "k1");
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  auto reversed = platform_->ReverseSettlement(As("op-ai"), first->settlement_id, "wrong voucher");
  ASSERT_TRUE(reversed.ok()) << reversed.error().ToString();
  auto again = SettlePeriod("2024-03-01..2024-03-31", "k2");
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(again->deduction_fen, kMarchFen / 2);
  EXPECT_EQ(VoucherNow().used_fen, kMarchFen / 2);
}

// A quarter's metered bill can only be settled after the quarter, so it falls in the next
// quarter's claim. Reconciled against that quarter's metering it looked unmetered and was
// flagged; it is compared with the metering of its own days.
TEST_F(MeteredSettlementTest, AQuartersMeteredBillIsReconciledAgainstItsOwnDays) {
  AfterTheQuarter(clock_);  // 10 April
  IngestAll();
  auto q1 = SettlePeriod("2024Q1", "q1-after");
  ASSERT_TRUE(q1.ok()) << q1.error().ToString();
  ASSERT_EQ(q1->bill_fen, kQ1Fen);
  const auto rec = Q2ClaimReconciled();
  ASSERT_EQ(rec.rows.size(), 1u);
  const metering::ReconciliationRow& row = rec.rows[0];
  EXPECT_EQ(row.claimed_fen, kQ1Fen);
  EXPECT_EQ(row.metered_fen, kQ1Fen);  // not Q2's 60.00
  EXPECT_FALSE(row.flagged);
  ASSERT_EQ(row.days.size(), 1u);
  EXPECT_EQ(row.days[0].ToString(), "2024-01-01..2024-03-31");
  EXPECT_EQ(rec.flagged, 0u);
}

// Metered bills and a bill posted by hand in one claim: each metered bill against its own days,
// the bill posted by hand against the claim's quarter less those days, so no day counts twice
// and a job billed both ways shows as the excess.
TEST_F(MeteredSettlementTest, ABillPostedByHandBesideMeteredOnesCountsNoDayTwice) {
  AfterTheQuarter(clock_);  // 10 April
  IngestAll();
  ASSERT_TRUE(SettlePeriod("2024Q1", "q1-after").ok());
  auto april = SettlePeriod("2024-04-01..2024-04-09", "april-metered");  // 3 April's job
  ASSERT_TRUE(april.ok()) << april.error().ToString();
  ASSERT_EQ(april->bill_fen, kAprilFen);
  auto by_hand = SettleBill(voucher_, "april-by-hand", "INV-2024-04", kAprilFen);  // again
  ASSERT_TRUE(by_hand.ok()) << by_hand.error().ToString();
  const auto rec = Q2ClaimReconciled();
  ASSERT_EQ(rec.rows.size(), 1u);
  const metering::ReconciliationRow& row = rec.rows[0];
  EXPECT_EQ(row.claimed_fen, kQ1Fen + 2 * kAprilFen);
  // Q1 + 1–9 April + (Q2 − 1–9 April): 3 April's job once.
  EXPECT_EQ(row.metered_fen, kQ1Fen + kAprilFen);
  EXPECT_EQ(row.difference_fen, kAprilFen);
  EXPECT_TRUE(row.flagged);
  ASSERT_EQ(row.days.size(), 3u);
  EXPECT_EQ(row.days[0].ToString(), "2024-01-01..2024-03-31");
  EXPECT_EQ(row.days[1].ToString(), "2024-04-01..2024-04-09");
  EXPECT_EQ(row.days[2].ToString(), "2024-04-01..2024-06-30");
}

// An uploaded file cannot bill usage that has not happened: on 15 March, a job ending on the
// 20th is refused per line (never billed), one that ended yesterday is billed.
TEST_F(MeteredSettlementTest, AnUploadedJobEndingAfterNowIsRefused) {
  const std::string text = std::string(kHeader) + "\n" +
                           Job(301, "2024-03-14T09:00:00", "2024-03-14T10:00:00", 3600, 1) + "\n" +
                           Job(302, "2024-03-20T09:00:00", "2024-03-20T10:00:00", 3600, 1) + "\n";
  auto r = platform_->IngestUsage(As("op-ai"), center_, text);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->billed, 1u);
  EXPECT_EQ(r->amount_fen, 12'00);
  ASSERT_EQ(r->rejected, 1u);
  ASSERT_EQ(r->rejects.size(), 1u);
  EXPECT_NE(r->rejects[0].reason.find("after now"), std::string::npos) << r->rejects[0].reason;
}

// A price correction re-rates the lines already billed (issue 4 §3): a new entry for the Ascend
// partition from 1 March at ¥6.00 a card-hour turns the 12 March job's ¥960.00 into ¥480.00 by
// a reversal and a correction, leaves January's job at ¥12.00, and a job ingested afterwards is
// rated at the same price. (The entry used to change only later ingests: the same job cost ¥12
// or ¥6 a card-hour depending on when it was uploaded.) Setting the same entry again changes
// nothing; another price for that day is refused.
TEST_F(MeteredSettlementTest, APriceCorrectionReratesTheLinesAlreadyBilled) {
  Ingest({Job(201, "2024-01-20T08:00:00", "2024-01-20T18:00:00", 36000, 1),
          Job(202, "2024-03-12T09:00:00", "2024-03-12T19:00:00", 36000, 8)});
  auto before = platform_->Bills(As("officer"), 1, "2024Q1");
  ASSERT_TRUE(before.ok()) << before.error().ToString();
  ASSERT_EQ(metering::TotalFen(*before).value(), 120'00 + 960'00);
  const Principal op = As("op-ai");
  const NewPrice correction{center_, "ascend", "card_hour", 6'00,
                            Date::Parse("2024-03-01").value(), ""};
  auto set = platform_->SetPrice(op, correction);
  ASSERT_TRUE(set.ok()) << set.error().ToString();
  EXPECT_EQ(set->lines_rerated, 1u);
  EXPECT_EQ(set->rerated_delta_fen, -480'00);
  EXPECT_EQ(set->lines_rerate_failed, 0u);
  Ingest({Job(203, "2024-03-12T09:00:00", "2024-03-12T19:00:00", 36000, 8)});  // the same job's twin
  auto after = platform_->Bills(As("officer"), 1, "2024Q1");
  ASSERT_TRUE(after.ok()) << after.error().ToString();
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].original_fen, 120'00 + 960'00 + 480'00);
  EXPECT_EQ((*after)[0].adjustments_fen, -480'00);
  EXPECT_EQ((*after)[0].total_fen, 120'00 + 480'00 + 480'00);
  // Again: the same entry, nothing left to re-rate; another price that day: refused.
  auto again = platform_->SetPrice(op, correction);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(again->id, set->id);
  EXPECT_EQ(again->lines_rerated, 0u);
  NewPrice other = correction;
  other.price_fen = 7'00;
  auto conflict = platform_->SetPrice(op, other);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code, ErrorCode::kDuplicate);
  auto unchanged = platform_->Bills(As("officer"), 1, "2024Q1");
  ASSERT_TRUE(unchanged.ok());
  EXPECT_EQ(metering::TotalFen(*unchanged).value(), 120'00 + 480'00 + 480'00);
}

// Discount classes come from the program that defines them (Nanjing). Served without it, an
// account mapped with class B made the rater fail, so every line of the center was refused,
// the classless accounts' too. Now that account alone is refused (its lines are not billed
// without their discount), and a class no loaded program defines cannot be mapped.
TEST(MeteredClassesTest, AClassNoProgramDefinesStopsOnlyItsAccount) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "suanli-classes-test";
  const fs::path programs = dir / "programs";
  fs::remove_all(dir);
  fs::create_directories(programs);
  for (const auto& f : fs::directory_iterator("programs")) {
    if (f.path().extension() == ".toml") fs::copy_file(f.path(), programs / f.path().filename());
  }
  ManualClock clock(Instant::Parse("2024-03-15T09:00:00+08:00").value());
  const auto open = [&] {
    PlatformOptions o;
    o.data_dir = (dir / "data").string();
    o.programs_dir = programs.string();
    o.clock = &clock;
    o.fast_password_hashing = true;
    auto p = Platform::Open(o);
    EXPECT_TRUE(p.ok()) << p.error().ToString();
    return p.ok() ? std::move(p).value() : nullptr;
  };
  {
    auto platform = open();
    ASSERT_NE(platform, nullptr);
    ASSERT_TRUE(SeedDemo(*platform).ok());  // cd-uni mapped with class B (Nanjing's)
  }
  fs::remove(programs / "nanjing-experience.toml");
  auto platform = open();
  ASSERT_NE(platform, nullptr);
  std::int64_t center = 0;
  const auto centers = platform->ListCenters();
  ASSERT_TRUE(centers.ok());
  for (const Center& c : *centers) {
    if (c.spec.slurm_cluster == "cd-ai") center = c.id;
  }
  ASSERT_NE(center, 0);
  const Principal op = testing::LoginAs(*platform, "op-ai", kDemoPassword).value();
  const auto line = [](int id, const std::string& account) {
    return std::to_string(id) + "|cd-ai|" + account + "|u|ascend|2024-03-12T09:00:00|"
           "2024-03-12T09:00:00|2024-03-12T10:00:00|3600|billing=1,cpu=24,gres/npu=1,mem=200G,"
           "node=1|COMPLETED|0:0";
  };
  auto report = platform->IngestUsage(
      op, center, std::string(kHeader) + "\n" + line(301, "cd-firm") + "\n" + line(302, "cd-uni") + "\n");
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->billed, 1u);
  EXPECT_EQ(report->amount_fen, 12'00);
  EXPECT_EQ(report->rejected, 1u);
  // Mapping another account with a class nobody defines is refused on the class.
  SlurmAccount lab{0, center, "cd-lab", 1, std::nullopt, 'C', std::nullopt, false};
  auto mapped = platform->MapSlurmAccount(op, lab);
  ASSERT_FALSE(mapped.ok());
  EXPECT_EQ(mapped.error().field, "discount_class") << mapped.error().ToString();
  platform.reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace suanli::workflow
