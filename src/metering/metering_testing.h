// Shared fixtures of the metering tests: two Chengdu centers with their prices, the Nanjing
// discount classes (seed 002, as in programs/nanjing-experience.toml) and three accounts.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "metering/price_file.h"
#include "metering/rating.h"

namespace suanli::metering::testing {

// cdai  (成都智算中心): Ascend 910B cards, gres/npu; ¥12.50/card-hour, ¥10.00 from 2024-04-01.
// cdhpc (国家超算成都中心): core-hours ¥0.05, fat nodes ¥8.00/node-hour, a GPU partition priced
//       by TRES billing weights at ¥0.10/billing-unit-hour, storage ¥0.30/GB-month.
inline constexpr const char* kPricesToml = R"(
floor_share = "30%"
centers = ["cdai", "cdhpc"]

[[classes]]
id = "A"
share = "30%"
[[classes]]
id = "B"
share = "40%"
[[classes]]
id = "C"
share = "50%"
[[classes]]
id = "D"
share = "60%"
[[classes]]
id = "E"
share = "80%"

[[prices]]
center = "cdai"
partition = "ascend"
unit = "card_hour"
tres = "gres/npu"
price = "12.50"
effective_from = 2024-01-01
[[prices]]
center = "cdai"
partition = "ascend"
unit = "card_hour"
tres = "gres/npu"
price = "10.00"
effective_from = "2024-04-01T00:00:00+08:00"
[[prices]]
center = "cdhpc"
partition = "cpu"
unit = "core_hour"
price = "0.05"
effective_from = 2024-01-01
[[prices]]
center = "cdhpc"
partition = "fat"
unit = "node_hour"
price = "8.00"
effective_from = 2024-01-01
[[prices]]
center = "cdhpc"
partition = "gpu"
unit = "billing_hour"
billing_weights = "CPU=1.0,Mem=0.25G,GRES/gpu=2.0"
price = "0.10"
effective_from = 2024-01-01
[[prices]]
center = "cdhpc"
partition = "storage"
unit = "gb_month"
price = "0.30"
effective_from = 2024-01-01

[[accounts]]
center = "cdai"
account = "uni-ai"
org = 2
contract = 7
class = "C"
[[accounts]]
account = "acme"
org = 3
[[accounts]]
center = "cdhpc"
account = "lab"
org = 4
class = "A"
)";

inline constexpr const char* kHeader =
    "JobID|Cluster|Account|User|Partition|Submit|Start|End|ElapsedRaw|AllocTRES|State|ExitCode";

inline Rater MakeRater(const std::string& toml = kPricesToml) {
  auto file = ParsePriceFile(toml);
  EXPECT_TRUE(file.ok()) << (file.ok() ? "" : file.error().ToString());
  auto list = PriceList::Build(file->spec);
  EXPECT_TRUE(list.ok()) << (list.ok() ? "" : list.error().ToString());
  auto rater = Rater::Make(*list, file->accounts, file->centers);
  EXPECT_TRUE(rater.ok()) << (rater.ok() ? "" : rater.error().ToString());
  return std::move(rater).value();
}

}  // namespace suanli::metering::testing
