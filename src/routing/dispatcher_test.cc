// The dispatcher against simulated centers: the best-ranked center takes the job; when it is
// down or refuses, the next one does; every attempt is reported; a malformed job is not tried
// everywhere.
#include "routing/dispatcher.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "network/simulated_center.h"
#include "routing/routing_testing.h"

namespace suanli::routing {
namespace {

using testing::Center;
using testing::Gpu;
using testing::TwoGpus;

const Instant kNow = Instant::FromUnixSeconds(1'800'000'000);

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() : clock_(kNow) {
    // Center 1 is cheapest, then 2, then 3: the ranking the fallbacks follow.
    const std::int64_t prices_fen[] = {600, 700, 800};
    for (std::uint64_t id = 1; id <= 3; ++id) {
      network::SimulatedCenterOptions options;
      options.cluster = "sim-" + std::to_string(id);
      options.gpus = 16;
      options.seed = id;
      centers_.push_back(std::make_unique<network::SimulatedCenter>(options, clock_));
      const std::vector<std::string> users = {"alice"};
      EXPECT_TRUE(centers_.back()->EnsureAccount("org-alpha", users).ok());
      connections_.push_back({CenterId(id), centers_.back().get()});
      offers_.push_back(Center(id, Gpu(prices_fen[id - 1])));
    }
  }

  Placement Ranked() const {
    Result<Placement> placement = Router().Place(TwoGpus(), offers_, kNow);
    EXPECT_TRUE(placement.ok());
    return placement.ok() ? *placement : Placement{};
  }

  static network::JobSpec Spec() {
    network::JobSpec spec;
    spec.account = "org-alpha";
    spec.user = "alice";
    spec.name = "train";
    spec.script = "#!/bin/sh\ntrue\n";
    spec.gres = "gpu:2";
    spec.time_limit_min = 60;
    return spec;
  }

  network::SimulatedCenter& Sim(std::uint64_t id) { return *centers_[id - 1]; }

  ManualClock clock_;
  std::vector<std::unique_ptr<network::SimulatedCenter>> centers_;
  std::vector<CenterConnection> connections_;
  std::vector<CenterOffer> offers_;
};

TEST_F(DispatcherTest, TheBestRankedCenterTakesTheJob) {
  Result<DispatchReport> report = Dispatch(Ranked(), connections_, Spec());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->placed);
  EXPECT_EQ(report->center, CenterId(1));
  ASSERT_EQ(report->attempts.size(), 1u);
  EXPECT_EQ(report->attempts[0].code, ErrorCode::kOk);
  // The job exists on center 1 under the id it returned.
  Result<network::JobStatus> job = Sim(1).GetJob(report->job_id);
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->account, "org-alpha");
}

TEST_F(DispatcherTest, FallsBackWhenTheFirstCenterIsDown) {
  Sim(1).SetDown(true);
  Result<DispatchReport> report = Dispatch(Ranked(), connections_, Spec());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->placed);
  EXPECT_EQ(report->center, CenterId(2));
  ASSERT_EQ(report->attempts.size(), 2u);
  EXPECT_EQ(report->attempts[0].center, CenterId(1));
  EXPECT_EQ(report->attempts[0].code, ErrorCode::kIo);
  EXPECT_EQ(report->attempts[1].code, ErrorCode::kOk);
  EXPECT_TRUE(Sim(2).GetJob(report->job_id).ok());
}

TEST_F(DispatcherTest, FallsBackWhenCentersRefuse) {
  Sim(1).SetRefuseSubmissions(true);
  Sim(2).SetRefuseSubmissions(true);
  Result<DispatchReport> report = Dispatch(Ranked(), connections_, Spec());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->center, CenterId(3));
  ASSERT_EQ(report->attempts.size(), 3u);
  EXPECT_EQ(report->attempts[0].code, ErrorCode::kContradiction);
  EXPECT_NE(report->attempts[0].reason.find("refuses"), std::string::npos);
  EXPECT_EQ(report->attempts[1].code, ErrorCode::kContradiction);
}

TEST_F(DispatcherTest, ReportsEveryFailureWhenNoCenterTakesTheJob) {
  Sim(1).SetDown(true);
  Sim(2).SetRefuseSubmissions(true);
  Sim(3).SetDown(true);
  Result<DispatchReport> report = Dispatch(Ranked(), connections_, Spec());
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->placed);
  ASSERT_EQ(report->attempts.size(), 3u);
  EXPECT_EQ(report->attempts[2].code, ErrorCode::kIo);
}

TEST_F(DispatcherTest, StopsAfterAttemptsMax) {
  Sim(1).SetDown(true);
  Sim(2).SetDown(true);
  Result<DispatchReport> report = Dispatch(Ranked(), connections_, Spec(), 2);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->placed);
  EXPECT_EQ(report->attempts.size(), 2u);
  EXPECT_EQ(Sim(3).jobs_pending() + Sim(3).gpus_in_use(), 0u);
}

TEST_F(DispatcherTest, SkipsACenterWithoutAConnection) {
  connections_.erase(connections_.begin());
  Result<DispatchReport> report = Dispatch(Ranked(), connections_, Spec());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->center, CenterId(2));
  EXPECT_EQ(report->attempts[0].code, ErrorCode::kNotFound);
}

TEST_F(DispatcherTest, AMalformedJobIsReturnedNotRetriedElsewhere) {
  network::JobSpec spec = Spec();
  spec.account.clear();
  Result<DispatchReport> report = Dispatch(Ranked(), connections_, spec);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, ErrorCode::kMissingField);
  EXPECT_EQ(Sim(2).jobs_pending() + Sim(2).gpus_in_use(), 0u);
}

TEST_F(DispatcherTest, NothingFeasibleMeansNoAttempt) {
  JobRequest request = TwoGpus();
  request.units = 17;  // more than any center has
  Result<Placement> placement = Router().Place(request, offers_, kNow);
  ASSERT_TRUE(placement.ok());
  Result<DispatchReport> report = Dispatch(*placement, connections_, Spec());
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->placed);
  EXPECT_TRUE(report->attempts.empty());
}

}  // namespace
}  // namespace suanli::routing
