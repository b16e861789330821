// Price lists: validation names the field and the reason; the floor; effective dates; the file.
#include "metering/price_list.h"

#include <gtest/gtest.h>

#include <string>

#include "metering/metering_testing.h"

namespace suanli::metering {
namespace {

PriceEntry Entry(const char* partition, std::int64_t price_fen, const char* from) {
  PriceEntry e;
  e.center = "cdhpc";
  e.partition = partition;
  e.unit = PriceUnit::kCoreHour;
  e.price_fen = price_fen;
  e.effective_from = *Instant::Parse(from);
  return e;
}

TEST(PriceListTest, ClassBelowTheFloorIsRefused) {
  PriceListSpec spec;
  spec.classes = {{'A', Rate::Percent(25)}};
  const auto list = PriceList::Build(spec);
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().code, ErrorCode::kOutOfRange);
  EXPECT_EQ(list.error().field, "classes[0].share");
  EXPECT_NE(list.error().message.find("below the floor of 30%"), std::string::npos)
      << list.error().message;
}

TEST(PriceListTest, ShareIsClassOrFloorWhicheverIsHigher) {
  PriceListSpec spec;
  spec.classes = {{'A', Rate::Percent(30)}, {'E', Rate::Percent(80)}};
  const auto list = PriceList::Build(spec);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(*list->ShareFor('A'), Rate::Percent(30));
  EXPECT_EQ(*list->ShareFor('E'), Rate::Percent(80));
  EXPECT_EQ(*list->ShareFor(std::nullopt), Rate::One());
  EXPECT_EQ(list->ShareFor('C').error().code, ErrorCode::kNotFound);
  // A higher floor lifts a class: the engine takes max(class, floor).
  spec.floor_share = Rate::Percent(20);
  spec.classes = {{'A', Rate::Percent(25)}};
  auto lower = PriceList::Build(spec);
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(*lower->ShareFor('A'), Rate::Percent(25));
}

TEST(PriceListTest, ValidationNamesFieldAndReason) {
  struct Case {
    PriceListSpec spec;
    const char* field;
    ErrorCode code;
  };
  PriceListSpec zero;
  zero.prices = {Entry("cpu", 0, "2024-01-01")};
  PriceListSpec twice;
  twice.prices = {Entry("cpu", 5, "2024-01-01"), Entry("cpu", 6, "2024-01-01")};
  PriceListSpec weights_missing;
  weights_missing.prices = {Entry("gpu", 5, "2024-01-01")};
  weights_missing.prices[0].unit = PriceUnit::kBillingHour;
  PriceListSpec weights_wrong;
  weights_wrong.prices = {Entry("cpu", 5, "2024-01-01")};
  weights_wrong.prices[0].weights = {{"cpu", Rate::One()}};
  PriceListSpec card_tres;
  card_tres.prices = {Entry("gpu", 5, "2024-01-01")};
  card_tres.prices[0].unit = PriceUnit::kCardHour;
  card_tres.prices[0].tres = "cpu";
  PriceListSpec no_center;
  no_center.prices = {Entry("cpu", 5, "2024-01-01")};
  no_center.prices[0].center = "";
  PriceListSpec class_f;
  class_f.classes = {{'F', Rate::Percent(50)}};
  PriceListSpec class_twice;
  class_twice.classes = {{'B', Rate::Percent(50)}, {'B', Rate::Percent(60)}};
  PriceListSpec above_hundred;
  above_hundred.classes = {{'B', Rate::Percent(120)}};
  const Case cases[] = {
      {zero, "prices[0].price_fen", ErrorCode::kOutOfRange},
      {twice, "prices[1].effective_from", ErrorCode::kDuplicate},
      {weights_missing, "prices[0].weights", ErrorCode::kMissingField},
      {weights_wrong, "prices[0].weights", ErrorCode::kContradiction},
      {card_tres, "prices[0].tres", ErrorCode::kOutOfRange},
      {no_center, "prices[0].center", ErrorCode::kMissingField},
      {class_f, "classes[0].id", ErrorCode::kOutOfRange},
      {class_twice, "classes[1].id", ErrorCode::kDuplicate},
      {above_hundred, "classes[0].share", ErrorCode::kOutOfRange},
  };
  for (const Case& c : cases) {
    const auto list = PriceList::Build(c.spec);
    ASSERT_FALSE(list.ok()) << c.field;
    EXPECT_EQ(list.error().field, c.field);
    EXPECT_EQ(list.error().code, c.code) << c.field;
    EXPECT_FALSE(list.error().message.empty());
  }
}

TEST(PriceListTest, FindsThePriceInForceAtAnInstant) {
  PriceListSpec spec;
  spec.prices = {Entry("cpu", 7, "2024-07-01T00:00:00+08:00"),
                 Entry("cpu", 5, "2024-01-01T00:00:00+08:00"),
                 Entry("", 9, "2024-01-01T00:00:00+08:00")};
  const auto list = PriceList::Build(spec);
  ASSERT_TRUE(list.ok());
  const auto at = [&](const char* partition, const char* t) {
    const PriceEntry* e = list->Find("cdhpc", partition, *Instant::Parse(t));
    return e == nullptr ? 0 : e->price_fen;
  };
  EXPECT_EQ(at("cpu", "2024-06-30T23:59:59+08:00"), 5);
  EXPECT_EQ(at("cpu", "2024-07-01T00:00:00+08:00"), 7);
  EXPECT_EQ(at("other", "2024-03-01T00:00:00+08:00"), 9);  // the center's default
  EXPECT_EQ(at("", "2023-12-31T00:00:00+08:00"), 0);
  EXPECT_EQ(list->Find("elsewhere", "cpu", *Instant::Parse("2024-03-01")), nullptr);
}

// Find looks (center, partition) up as a pair of views: a long name, a center whose name is
// another's prefix and a partition named like a center are each their own entry.
TEST(PriceListTest, FindsEachCenterAndPartitionPairOnly) {
  const std::string long_partition(300, 'p');
  PriceListSpec spec;
  spec.prices = {Entry("cpu", 5, "2024-01-01"), Entry(long_partition.c_str(), 6, "2024-01-01"),
                 Entry("", 9, "2024-01-01")};
  spec.prices.push_back(Entry("cpu", 7, "2024-01-01"));
  spec.prices.back().center = "cdhpc2";
  spec.prices.push_back(Entry("cdhpc", 8, "2024-01-01"));
  spec.prices.back().center = "cd";
  const auto list = PriceList::Build(spec);
  ASSERT_TRUE(list.ok());
  const Instant t = *Instant::Parse("2024-03-01");
  const auto fen = [&](std::string_view center, std::string_view partition) {
    const PriceEntry* e = list->Find(center, partition, t);
    return e == nullptr ? 0 : e->price_fen;
  };
  EXPECT_EQ(fen("cdhpc", "cpu"), 5);
  EXPECT_EQ(fen("cdhpc", long_partition), 6);
  EXPECT_EQ(fen("cdhpc", long_partition.substr(1)), 9);  // the center's default
  EXPECT_EQ(fen("cdhpc2", "cpu"), 7);
  EXPECT_EQ(fen("cdhpc2", "gpu"), 0);  // cdhpc2 has no default
  EXPECT_EQ(fen("cd", "cdhpc"), 8);
  EXPECT_EQ(fen("cd", "cpu"), 0);
  EXPECT_EQ(fen("cdh", "pc"), 0);
}

TEST(PriceFileTest, ParsesTheExampleAndNamesBadFields) {
  const auto file = ParsePriceFile(testing::kPricesToml);
  ASSERT_TRUE(file.ok()) << file.error().ToString();
  EXPECT_EQ(file->spec.prices.size(), 6u);
  EXPECT_EQ(file->spec.prices[1].price_fen, 1'000);
  EXPECT_EQ(file->accounts.size(), 3u);
  EXPECT_EQ(file->centers.size(), 2u);

  const auto misspelt = ParsePriceFile(
      "[[prices]]\ncenter = \"c\"\nunit = \"core_hour\"\n"
      "price = \"1\"\neffective_from = 2024-01-01\nprise = 1\n");
  ASSERT_FALSE(misspelt.ok());
  EXPECT_EQ(misspelt.error().field, "prices[0].prise");
  const auto float_price = ParsePriceFile(
      "[[prices]]\ncenter = \"c\"\nunit = \"core_hour\"\nprice = 1.5\neffective_from = "
      "2024-01-01\n");
  ASSERT_FALSE(float_price.ok());
  EXPECT_EQ(float_price.error().field, "prices[0].price");
  const auto sub_fen = ParsePriceFile(
      "[[prices]]\ncenter = \"c\"\nunit = \"core_hour\"\nprice = \"0.001\"\n"
      "effective_from = 2024-01-01\n");
  ASSERT_FALSE(sub_fen.ok());
  EXPECT_EQ(sub_fen.error().field, "prices[0].price");
  const auto bad_unit = ParsePriceFile(
      "[[prices]]\ncenter = \"c\"\nunit = \"gpu_hour\"\nprice = \"1\"\neffective_from = "
      "2024-01-01\n");
  ASSERT_FALSE(bad_unit.ok());
  EXPECT_EQ(bad_unit.error().field, "prices[0].unit");
  EXPECT_FALSE(ParsePriceFile("centers = [").ok());
}

}  // namespace
}  // namespace suanli::metering
