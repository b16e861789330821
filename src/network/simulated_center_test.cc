// The simulated center: FIFO scheduling on capacity in simulated time, accounts and GrpTRESMins,
// faults, determinism from the seed, and usage pulled through the cursor without repeats.
#include "network/simulated_center.h"

#include <gtest/gtest.h>

#include <vector>

namespace suanli::network {
namespace {

const Instant kT0 = Instant::FromUnixSeconds(1'800'000'000);

JobSpec Spec(std::string account, std::string user, std::uint32_t cpus,
             std::uint32_t time_limit_min = 10, std::string gres = "") {
  JobSpec s;
  s.account = std::move(account);
  s.user = std::move(user);
  s.name = "job";
  s.script = "#!/bin/sh\ntrue\n";
  s.cpus_per_task = cpus;
  s.time_limit_min = time_limit_min;
  s.gres = std::move(gres);
  return s;
}

class SimulatedCenterTest : public ::testing::Test {
 protected:
  SimulatedCenterTest() : clock_(kT0), center_(Options(), clock_) {
    const std::vector<std::string> alpha = {"alice", "bob"};
    const std::vector<std::string> beta = {"carol"};
    EXPECT_TRUE(center_.EnsureAccount("org-alpha", alpha).ok());
    EXPECT_TRUE(center_.EnsureAccount("org-beta", beta).ok());
  }
  static SimulatedCenterOptions Options() {
    SimulatedCenterOptions o;
    o.cluster = "sim-a";
    o.cpus = 8;
    o.gpus = 2;
    o.seed = 42;
    return o;
  }
  JobState StateOf(SlurmJobId id) {
    const Result<JobStatus> s = center_.GetJob(id);
    EXPECT_TRUE(s.ok());
    return s.ok() ? s->state : JobState::kUnknown;
  }
  // Pulls until a page is empty; returns every record.
  std::vector<UsageRecord> PullAll(UsageCursor* cursor) {
    std::vector<UsageRecord> all;
    for (int i = 0; i < 100; ++i) {
      const Result<UsagePage> page = center_.PullUsage(*cursor);
      EXPECT_TRUE(page.ok());
      if (!page.ok() || page->records.empty()) break;
      all.insert(all.end(), page->records.begin(), page->records.end());
      EXPECT_GT(page->next, *cursor);
      *cursor = page->next;
    }
    return all;
  }

  ManualClock clock_;
  SimulatedCenter center_;
};

TEST_F(SimulatedCenterTest, JobsQueueOnCapacityAndComplete) {
  const Result<SlurmJobId> a = center_.Submit(Spec("org-alpha", "alice", 6));
  const Result<SlurmJobId> b = center_.Submit(Spec("org-alpha", "bob", 4));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(StateOf(*a), JobState::kRunning);
  EXPECT_EQ(StateOf(*b), JobState::kPending);  // 6 + 4 > 8 CPUs
  EXPECT_EQ(center_.GetJob(*b)->state_reason, "Resources");
  EXPECT_EQ(center_.cpus_in_use(), 6u);
  clock_.Advance(10 * 60 * kMicrosPerSecond);  // a's time limit: it has ended by now
  EXPECT_EQ(StateOf(*a), JobState::kCompleted);
  EXPECT_EQ(StateOf(*b), JobState::kRunning);
  // b started exactly when a ended.
  EXPECT_EQ(center_.GetJob(*b)->start, center_.GetJob(*a)->end);
  clock_.Advance(10 * 60 * kMicrosPerSecond);
  EXPECT_EQ(StateOf(*b), JobState::kCompleted);
  EXPECT_EQ(center_.cpus_in_use(), 0u);
}

TEST_F(SimulatedCenterTest, RefusesWhatItCannotRun) {
  EXPECT_EQ(center_.Submit(Spec("org-alpha", "carol", 1)).error().code,
            ErrorCode::kContradiction);  // carol is not in org-alpha
  EXPECT_EQ(center_.Submit(Spec("org-nope", "alice", 1)).error().code, ErrorCode::kContradiction);
  EXPECT_EQ(center_.Submit(Spec("org-alpha", "alice", 9)).error().code,
            ErrorCode::kContradiction);  // more CPUs than the center has
  EXPECT_EQ(center_.Submit(Spec("org-alpha", "alice", 1, 10, "gpu:3")).error().code,
            ErrorCode::kContradiction);
  EXPECT_EQ(center_.Submit(Spec("org-alpha", "alice", 1, 10, "fpga:1")).error().code,
            ErrorCode::kOutOfRange);
  EXPECT_EQ(center_.Submit(Spec("", "alice", 1)).error().code, ErrorCode::kMissingField);
  EXPECT_EQ(center_.GetJob(SlurmJobId(999)).error().code, ErrorCode::kNotFound);
}

TEST_F(SimulatedCenterTest, GrpTresMinsLimitsAnAccount) {
  ASSERT_TRUE(center_.SetAccountLimit("org-beta", {{"cpu", 40}, {"gres/gpu", 10}}).ok());
  // 2 CPUs × 10 min = 20 CPU-minutes: two such jobs fit, the third would exceed 40.
  ASSERT_TRUE(center_.Submit(Spec("org-beta", "carol", 2)).ok());
  ASSERT_TRUE(center_.Submit(Spec("org-beta", "carol", 2)).ok());
  const Result<SlurmJobId> third = center_.Submit(Spec("org-beta", "carol", 2));
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, ErrorCode::kContradiction);
  EXPECT_NE(third.error().message.find("GrpTRESMins"), std::string::npos);
  // The GPU limit: 2 GPUs × 10 min > 10 GPU-minutes.
  EXPECT_FALSE(center_.Submit(Spec("org-beta", "carol", 1, 10, "gpu:2")).ok());
  // Other accounts are not limited; clearing the limit lifts it.
  EXPECT_TRUE(center_.Submit(Spec("org-alpha", "alice", 2)).ok());
  ASSERT_TRUE(center_.SetAccountLimit("org-beta", {{"cpu", -1}}).ok());
  EXPECT_TRUE(center_.Submit(Spec("org-beta", "carol", 2)).ok());
  EXPECT_EQ(center_.SetAccountLimit("org-nope", {{"cpu", 1}}).error().code,
            ErrorCode::kContradiction);
}

TEST_F(SimulatedCenterTest, FaultsRefuseDownAndFail) {
  center_.SetRefuseSubmissions(true);
  EXPECT_EQ(center_.Submit(Spec("org-alpha", "alice", 1)).error().code, ErrorCode::kContradiction);
  center_.SetRefuseSubmissions(false);
  center_.SetDown(true);
  EXPECT_EQ(center_.Submit(Spec("org-alpha", "alice", 1)).error().code, ErrorCode::kIo);
  EXPECT_EQ(center_.PullUsage({}).error().code, ErrorCode::kIo);
  center_.SetDown(false);
  center_.FailNextJobs(1);
  const Result<SlurmJobId> failing = center_.Submit(Spec("org-alpha", "alice", 1));
  const Result<SlurmJobId> fine = center_.Submit(Spec("org-alpha", "alice", 1));
  clock_.Advance(11 * 60 * kMicrosPerSecond);
  EXPECT_EQ(StateOf(*failing), JobState::kFailed);
  EXPECT_EQ(center_.GetJob(*failing)->exit_code, 1);
  EXPECT_EQ(StateOf(*fine), JobState::kCompleted);
}

TEST_F(SimulatedCenterTest, CancelPendingAndRunning) {
  const Result<SlurmJobId> running = center_.Submit(Spec("org-alpha", "alice", 8));
  const Result<SlurmJobId> pending = center_.Submit(Spec("org-alpha", "bob", 8));
  ASSERT_TRUE(running.ok() && pending.ok());
  ASSERT_TRUE(center_.Cancel(*pending).ok());
  EXPECT_EQ(StateOf(*pending), JobState::kCancelled);
  clock_.Advance(30 * kMicrosPerSecond);
  ASSERT_TRUE(center_.Cancel(*running).ok());
  EXPECT_EQ(StateOf(*running), JobState::kCancelled);
  EXPECT_EQ(center_.cpus_in_use(), 0u);
  EXPECT_TRUE(center_.Cancel(*running).ok());  // cancelling a finished job is not an error
  EXPECT_EQ(center_.Cancel(SlurmJobId(77)).error().code, ErrorCode::kNotFound);
}

TEST_F(SimulatedCenterTest, UsageThroughTheCursorNeverRepeatsOrSkips) {
  std::vector<SlurmJobId> ids;
  for (int i = 0; i < 12; ++i) {
    const Result<SlurmJobId> id =
        center_.Submit(Spec(i % 2 ? "org-alpha" : "org-beta", i % 2 ? "alice" : "carol", 2,
                            static_cast<std::uint32_t>(1 + i % 3), i % 4 == 0 ? "gpu:1" : ""));
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  ASSERT_TRUE(center_.Cancel(ids[11]).ok());
  UsageCursor cursor;
  std::vector<UsageRecord> seen;
  // Pull while time moves in uneven steps, so pages cut through the middle of the run.
  for (int step = 0; step < 40; ++step) {
    clock_.Advance((7 + step % 5) * kMicrosPerSecond * 13);
    const std::vector<UsageRecord> got = PullAll(&cursor);
    seen.insert(seen.end(), got.begin(), got.end());
  }
  ASSERT_EQ(seen.size(), ids.size());
  std::set<std::string> unique;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    unique.insert(seen[i].job_id);
    EXPECT_EQ(seen[i].cluster, "sim-a");
    EXPECT_TRUE(IsFinal(seen[i].state));
    if (i > 0) {
      EXPECT_LE(*seen[i - 1].end, *seen[i].end);
    }
  }
  EXPECT_EQ(unique.size(), ids.size());
  EXPECT_TRUE(center_.PullUsage(cursor)->records.empty());
  // A GPU job's record carries its GPUs; the cancelled pending one carries nothing.
  for (const UsageRecord& r : seen) {
    if (r.job_id == "1") {
      EXPECT_EQ(r.alloc_tres.at("gres/gpu"), 1);
    }
    if (r.job_id == std::to_string(ids[11].value) && !r.start) {
      EXPECT_TRUE(r.alloc_tres.empty());
    }
  }
}

TEST(SimulatedCenter, SameSeedSameRun) {
  auto run = [](std::uint64_t seed) {
    ManualClock clock(kT0);
    SimulatedCenterOptions o;
    o.seed = seed;
    o.cpus = 4;
    SimulatedCenter c(o, clock);
    const std::vector<std::string> users = {"u"};
    EXPECT_TRUE(c.EnsureAccount("a", users).ok());
    for (int i = 0; i < 10; ++i) EXPECT_TRUE(c.Submit(Spec("a", "u", 2, 30)).ok());
    clock.Advance(int64_t{24} * 3600 * kMicrosPerSecond);
    std::vector<std::int64_t> elapsed;
    const Result<UsagePage> page = c.PullUsage({});
    EXPECT_TRUE(page.ok());
    for (const UsageRecord& r : page->records) elapsed.push_back(r.elapsed_s);
    return elapsed;
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
  EXPECT_EQ(run(7).size(), 10u);
}

}  // namespace
}  // namespace suanli::network
