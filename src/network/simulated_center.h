// A deterministic in-memory compute center implementing CenterConnector, for simulations,
// routing tests and benchmarks. Jobs run in simulated time read from an injected Clock (a
// ManualClock in tests): a job's run time is drawn from the seed, it starts when the center
// has free CPUs and GPUs (strict FIFO, like a Slurm partition without backfill), and its usage
// appears in PullUsage once it ends. The same seed and the same calls give the same results.
// It can be told to refuse submissions, to be unreachable, or to fail jobs.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/cst_time.h"
#include "network/center_connector.h"

namespace suanli::network {

struct SimulatedCenterOptions {
  std::string cluster = "sim";
  std::string partition = "batch";
  std::uint32_t cpus = 64;       // capacity across the whole center
  std::uint32_t gpus = 0;
  std::string gres_name = "gpu";  // what the cards are requested by: "gpu", "npu", "dcu"
  std::vector<std::string> other_partitions;  // also accepted; records name `partition`
  std::int64_t mem_per_cpu_mb = 1024;  // reported as the "mem" TRES, like DefMemPerCPU
  std::uint64_t seed = 1;
  // A job runs for a seeded fraction of its time limit in [min, max] percent; 100 means it
  // runs into its limit and ends TIMEOUT.
  std::uint32_t run_percent_min = 20;
  std::uint32_t run_percent_max = 90;
  std::size_t usage_page_records_max = 1000;  // PullUsage's page size
};

class SimulatedCenter final : public CenterConnector {
 public:
  // `clock` must outlive the center.
  SimulatedCenter(SimulatedCenterOptions options, Clock& clock);

  std::string_view cluster() const override { return options_.cluster; }
  Status EnsureAccount(std::string_view account, std::span<const std::string> users) override;
  // Enforced at submit: a job whose worst case (time limit × TRES) would take the account's
  // used-plus-running TRES-minutes past a limit is refused (kContradiction). Slurm instead
  // leaves it pending with reason AssocGrpCPUMinutesLimit; refusing lets routing fall back.
  Status SetAccountLimit(std::string_view account, const TresMap& grp_tres_mins) override;
  Result<SlurmJobId> Submit(const JobSpec& spec) override;
  Status Cancel(SlurmJobId id) override;
  Result<JobStatus> GetJob(SlurmJobId id) override;
  Result<UsagePage> PullUsage(const UsageCursor& cursor) override;

  // Faults. While refusing, Submit answers kContradiction; while down, every call answers kIo.
  void SetRefuseSubmissions(bool refuse) { refuse_ = refuse; }
  void SetDown(bool down) { down_ = down; }
  // The next `count` jobs to start end FAILED (exit code 1) halfway through their run.
  void FailNextJobs(std::uint32_t count) { fail_next_ = count; }

  // Occupancy now (after running simulated time up to the clock).
  std::uint32_t cpus_in_use();
  std::uint32_t gpus_in_use();
  std::size_t jobs_pending();

 private:
  struct Job {
    JobSpec spec;
    JobStatus status;
    std::uint32_t cpus = 0;
    std::uint32_t gpus = 0;
    std::int64_t run_s = 0;  // drawn at submit
    bool fails = false;
  };
  struct Account {
    std::set<std::string, std::less<>> users;
    TresMap grp_tres_mins;
    TresMap used_tres_mins;  // finished jobs, rounded up per job
  };

  // Runs simulated time forward to the clock: ends jobs and starts queued ones, in order.
  void AdvanceTo(Instant now);
  void StartQueued(Instant at);
  void Finish(Job& job, Instant at, JobState state, std::int32_t exit_code);
  std::uint64_t NextRandom();
  Status CheckUp() const;

  SimulatedCenterOptions options_;
  Clock& clock_;
  std::uint64_t rng_state_;
  std::map<std::string, Account, std::less<>> accounts_;
  std::map<std::uint64_t, Job> jobs_;  // every job ever submitted, by id
  std::deque<std::uint64_t> queue_;    // pending, FIFO
  std::set<std::pair<Instant, std::uint64_t>> running_;  // (planned end, id)
  std::set<std::pair<Instant, std::uint64_t>> finished_;  // (end, id): the usage order
  std::uint64_t next_id_ = 1;
  std::uint32_t cpus_used_ = 0;
  std::uint32_t gpus_used_ = 0;
  bool refuse_ = false;
  bool down_ = false;
  std::uint32_t fail_next_ = 0;
};

}  // namespace suanli::network
