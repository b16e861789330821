// A provider's run of bills (SubmitSettlementRun): each bill is settled or refused exactly as
// alone — Chengdu's 50 % rounded down to the fen, its own key, its own answer — and a run
// replayed gives every bill its first answer without deducting twice.
#include <future>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "workflow/demo_voucher_fixture.h"

namespace suanli::workflow {
namespace {

class SettlementRunTest : public testing::DemoVoucherTest {
 protected:
  Result<std::vector<Result<SettlementResult>>> Run(std::vector<SettlementRequest> bills,
                                                    const std::string& as = "op-ai") {
    std::promise<Result<std::vector<Result<SettlementResult>>>> done;
    platform_->SubmitSettlementRun(As(as), std::move(bills), [&](auto out) {
      done.set_value(std::move(out));
    });
    return done.get_future().get();
  }
  static SettlementRequest Bill(std::string key, std::int64_t voucher, std::int64_t fen) {
    return SettlementRequest{key, voucher, "INV-" + key, fen};
  }
};

TEST_F(SettlementRunTest, EachBillIsSettledOrRefusedOnItsOwnInOrder) {
  const std::int64_t voucher = IssueVoucher();
  auto run = Run({Bill("r1", voucher, 100'01),  // 50 % of 100.01, rounded down: 50.00
                  Bill("r2", voucher, -5'00), Bill("r3", 999, 10'00), Bill("r4", voucher, 3'00),
                  Bill("r5", voucher, 1)});  // 0.01: too small to deduct a fen
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  ASSERT_EQ(run->size(), 5u);
  const auto& a = *run;
  ASSERT_TRUE(a[0].ok()) << a[0].error().ToString();
  EXPECT_EQ(a[0]->deduction_fen, 50'00);
  EXPECT_EQ(a[0]->customer_pays_fen, 50'01);
  EXPECT_EQ(a[0]->bill_no, "INV-r1");
  EXPECT_FALSE(a[0]->duplicate);
  EXPECT_EQ(a[1].error().code, ErrorCode::kNegativeAmount);
  EXPECT_EQ(a[2].error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(a[3].ok());
  EXPECT_EQ(a[3]->deduction_fen, 1'50);
  EXPECT_EQ(a[4].error().code, ErrorCode::kOutOfRange);
  EXPECT_NE(a[0]->settlement_id, a[3]->settlement_id);

  auto v = platform_->GetVoucher(As("officer"), voucher);
  EXPECT_EQ(v->used_fen, 51'50);
  auto rows = platform_->ListDeductions(As("officer"), voucher);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].bill_no, "INV-r1");
  EXPECT_EQ((*rows)[1].bill_no, "INV-r4");
}

TEST_F(SettlementRunTest, AReplayedRunGivesEveryBillItsFirstAnswer) {
  const std::int64_t voucher = IssueVoucher();
  auto alone = SettleBill(voucher, "k-alone", "INV-k-alone", 20'00);  // posted before, alone
  ASSERT_TRUE(alone.ok());
  const std::vector<SettlementRequest> bills = {Bill("k1", voucher, 10'00),
                                                Bill("k-alone", voucher, 20'00),
                                                Bill("k2", voucher, 30'00)};
  auto first = Run(bills);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE((*first)[0]->duplicate);
  EXPECT_TRUE((*first)[1]->duplicate);
  EXPECT_EQ((*first)[1]->settlement_id, alone->settlement_id);
  auto again = Run(bills);
  ASSERT_TRUE(again.ok());
  for (std::size_t i = 0; i < bills.size(); ++i) {
    ASSERT_TRUE((*again)[i].ok()) << i << ": " << (*again)[i].error().ToString();
    EXPECT_TRUE((*again)[i]->duplicate);
    EXPECT_EQ((*again)[i]->settlement_id, (*first)[i]->settlement_id);
    EXPECT_EQ((*again)[i]->deduction_fen, (*first)[i]->deduction_fen);
  }
  EXPECT_EQ(platform_->GetVoucher(As("officer"), voucher)->used_fen, 30'00);
}

TEST_F(SettlementRunTest, AKeyTwiceInOneRunIsOneSettlement) {
  const std::int64_t voucher = IssueVoucher();
  auto run = Run({Bill("dup", voucher, 40'00), Bill("dup", voucher, 40'00),
                  SettlementRequest{"dup", voucher, "INV-other", 40'00},
                  Bill("dup", voucher, 41'00)});
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE((*run)[0].ok());
  EXPECT_FALSE((*run)[0]->duplicate);
  ASSERT_TRUE((*run)[1].ok()) << (*run)[1].error().ToString();
  EXPECT_TRUE((*run)[1]->duplicate);
  EXPECT_EQ((*run)[1]->settlement_id, (*run)[0]->settlement_id);
  EXPECT_EQ((*run)[2].error().code, ErrorCode::kIdempotencyConflict);  // another bill number
  EXPECT_EQ((*run)[3].error().code, ErrorCode::kIdempotencyConflict);  // another amount
  EXPECT_EQ(platform_->GetVoucher(As("officer"), voucher)->used_fen, 20'00);
}

TEST_F(SettlementRunTest, ARunAsAWholeIsRefusedWhenEmptyTooLongOrNotAProvider) {
  const std::int64_t voucher = IssueVoucher();
  EXPECT_EQ(Run({}).error().code, ErrorCode::kMissingField);
  std::vector<SettlementRequest> many;
  for (std::size_t i = 0; i <= kSettlementRunMax; ++i) {
    many.push_back(Bill("m" + std::to_string(i), voucher, 10'00));
  }
  auto too_many = Run(many);
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().code, ErrorCode::kOutOfRange);
  EXPECT_EQ(Run({Bill("x", voucher, 10'00)}, "officer").error().code, ErrorCode::kForbidden);
  EXPECT_EQ(platform_->GetVoucher(As("officer"), voucher)->used_fen, 0);  // nothing moved
}

TEST_F(SettlementRunTest, AFullRunStaysWithinTheVoucher) {
  const std::int64_t voucher = IssueVoucher();  // 150,000.00
  std::vector<SettlementRequest> bills;
  for (std::size_t i = 0; i < kSettlementRunMax; ++i) {
    bills.push_back(Bill("f" + std::to_string(i), voucher, 400'00));  // 200.00 each
  }
  auto run = Run(bills);
  ASSERT_TRUE(run.ok());
  // 750 bills use the voucher up, in the run's order; each later one is refused as used up.
  std::int64_t deducted = 0;
  for (std::size_t i = 0; i < run->size(); ++i) {
    const auto& a = (*run)[i];
    if (i < 750) {
      ASSERT_TRUE(a.ok()) << i << ": " << a.error().ToString();
      EXPECT_EQ(a->deduction_fen, 200'00);
      deducted += a->deduction_fen;
    } else {
      ASSERT_FALSE(a.ok()) << i;
      EXPECT_EQ(a.error().code, ErrorCode::kExceedsLimit) << i;
    }
  }
  EXPECT_EQ(deducted, 150'000'00);
  EXPECT_EQ(platform_->GetVoucher(As("officer"), voucher)->remaining_fen, 0);
}

}  // namespace
}  // namespace suanli::workflow
