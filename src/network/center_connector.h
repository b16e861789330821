// The one interface through which Suanli acts on a compute center: accounts for organisations,
// a voucher's hour limit, jobs (submit, cancel, follow) and metered usage pulled incrementally
// from a cursor. A real Slurm cluster (slurm/slurm_rest_connector.h) and the deterministic
// simulated center (simulated_center.h) both implement it, so routing and metering never know
// which one they talk to.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/cst_time.h"
#include "core/ids.h"
#include "core/result.h"

namespace suanli::network {

struct SlurmJobTag {};
// A job id as the center's Slurm assigned it; unique only within one cluster.
using SlurmJobId = StrongId<SlurmJobTag>;

// TRES name → count, in Slurm's names: "cpu", "mem" (MB), "node", "billing", "energy",
// "gres/gpu", ... Ordered, so printing is stable.
using TresMap = std::map<std::string, std::int64_t, std::less<>>;

// Slurm's job states (sacct's State column, squeue's %T). kUnknown for anything else.
enum class JobState : std::uint8_t {
  kUnknown = 0,
  kPending,
  kRunning,
  kSuspended,
  kCompleting,
  kCompleted,
  kFailed,
  kCancelled,
  kTimeout,
  kNodeFail,
  kOutOfMemory,
  kPreempted,
  kBootFail,
  kDeadline,
  kRequeued,
};
// "COMPLETED", "CANCELLED", ...: Slurm's spelling.
std::string_view JobStateName(JobState state);
// Parses Slurm's spelling; "CANCELLED by 0" (sacct) is kCancelled. Unknown text → kUnknown.
JobState ParseJobState(std::string_view text);
// True when the job will not run again (its usage is final).
bool IsFinal(JobState state);

// What to run, in Slurm's terms. Every field maps to one sbatch option (docs/slurm.md).
struct JobSpec {
  std::string account;             // the organisation's Slurm account (-A)
  std::string user;                // the Unix user the job runs as (must be in the account)
  std::string partition;           // -p; empty = the cluster's default
  std::string name;                // -J
  std::string script;              // the batch script, starting with "#!"
  std::uint32_t nodes = 1;         // -N
  std::uint32_t tasks = 1;         // -n
  std::uint32_t cpus_per_task = 1; // -c
  std::string gres;                // --gres, e.g. "gpu:2"; empty = none
  std::uint32_t time_limit_min = 10;  // -t, minutes; 0 = the partition's limit
  std::string working_dir;         // -D; must exist on the center and be writable by `user`
  std::map<std::string, std::string> environment;  // the job's whole environment
};

// A job as the center reports it now.
struct JobStatus {
  SlurmJobId id;
  JobState state = JobState::kUnknown;
  std::string state_reason;  // Slurm's reason ("None", "Resources", "AssocGrpCPUMinutesLimit")
  std::string account;
  std::string user;
  std::string partition;
  std::string name;
  std::optional<Instant> submit;
  std::optional<Instant> start;
  std::optional<Instant> end;
  std::int32_t exit_code = 0;  // the script's exit status (0..255); meaningful once final
  TresMap alloc_tres;          // empty until the job is allocated
};

// One accounting record: a whole job (step "") or one of its steps ("batch", "extern", "0").
// Identified by (cluster, job_id, step); metering ingests it idempotently by that key.
struct UsageRecord {
  std::string cluster;
  std::string job_id;  // as Slurm prints it: "123", "123_4" (array task), "123+1" (het component)
  std::string step;    // "" for the whole job
  std::string account;
  std::string user;    // empty on step rows in sacct's output
  std::string partition;
  Instant submit;
  std::optional<Instant> start;  // absent while pending ("Unknown"/"None")
  std::optional<Instant> end;    // absent while running
  std::int64_t elapsed_s = 0;
  TresMap alloc_tres;  // "mem" normalised to MB
  JobState state = JobState::kUnknown;
  std::int32_t exit_code = 0;    // ExitCode "3:0" → 3
  std::int32_t exit_signal = 0;  // ExitCode "0:9" → 9
};

// Where the previous PullUsage stopped: every final job whose (end, job_id) sorts at or before
// (end, job_id) has been returned, and none after. The zero cursor starts from the beginning.
// Job ids break ties between jobs that ended in the same second, so no job is returned twice
// and none is skipped (the connector also holds back jobs that ended too recently to be sure
// the accounting store has them all: see SlurmRestConnector's settle time).
struct UsageCursor {
  Instant end;
  std::uint64_t job_id = 0;

  auto operator<=>(const UsageCursor&) const = default;
  // "<end micros>/<job id>", e.g. "1795426448000000/17": for storing beside the center.
  std::string ToString() const;
  static Result<UsageCursor> Parse(std::string_view text);
};

struct UsagePage {
  std::vector<UsageRecord> records;  // sorted by (end, job_id), a job's steps after the job
  UsageCursor next;                  // pass to the next PullUsage; equals the input when empty
};

// Error codes every connector uses (core's ErrorCode has no network-specific codes yet):
//   kIo          the center is unreachable or answered garbage (retry later, or another center)
//   kContradiction  the center refused the request (unknown account, limit, bad partition)
//   kNotFound    no such job on this center
//   kMissingField / kOutOfRange  the request itself is malformed (empty account, zero tasks)
class CenterConnector {
 public:
  virtual ~CenterConnector() = default;

  // The Slurm cluster name; UsageRecord::cluster carries it.
  virtual std::string_view cluster() const = 0;

  // Makes `account` exist on this cluster with each of `users` associated to it. Idempotent:
  // existing accounts, users and associations are left as they are. Users must exist on the
  // center's hosts (Slurm checks Unix users at job start, not here).
  virtual Status EnsureAccount(std::string_view account, std::span<const std::string> users) = 0;

  // Sets the account's group TRES-minutes limit (Slurm's GrpTRESMins on the account
  // association), e.g. {"cpu": 6000, "gres/gpu": 600}: jobs of the account stop starting once
  // its accumulated usage reaches any of them. Replaces the named TRES' limits; a count of -1
  // clears one. The account must exist.
  virtual Status SetAccountLimit(std::string_view account, const TresMap& grp_tres_mins) = 0;

  // Queues the job as spec.user in spec.account. The id is valid for Cancel/GetJob at once.
  virtual Result<SlurmJobId> Submit(const JobSpec& spec) = 0;

  // Cancels a pending or running job; cancelling a finished job is not an error.
  virtual Status Cancel(SlurmJobId id) = 0;

  // The job's current state. kNotFound once the center has forgotten it (Slurm's MinJobAge).
  virtual Result<JobStatus> GetJob(SlurmJobId id) = 0;

  // Final jobs after `cursor`, at most a connector-defined number per call. Calling again with
  // the returned `next` continues without repeating or skipping a record.
  virtual Result<UsagePage> PullUsage(const UsageCursor& cursor) = 0;
};

}  // namespace suanli::network
