// The real Slurm connection: a CenterConnector for one Slurm 22.05 cluster, talking to its
// slurmrestd (openapi v0.0.38 and dbv0.0.38) over HTTP with a JWT. Operation by operation
// (docs/slurm.md has the table):
//   EnsureAccount   GET/POST /slurmdb/v0.0.38/associations, POST .../accounts, POST .../users
//   SetAccountLimit `sacctmgr -i modify account where name=A cluster=C set GrpTRESMins=...`
//                   — shelled out: dbv0.0.38's association parser requires a user, so it cannot
//                   set an account-level limit in 22.05
//   Submit          POST /slurm/v0.0.38/job/submit (as spec.user: X-SLURM-USER-NAME)
//   Cancel          DELETE /slurm/v0.0.38/job/{id}
//   GetJob          GET /slurm/v0.0.38/job/{id}
//   PullUsage       GET /slurmdb/v0.0.38/jobs?cluster=C&start_time=...
// The token must belong to SlurmUser or root (a token minted by `scontrol token
// username=root`): slurmrestd 22.05 lets such a token act for any user named in
// X-SLURM-USER-NAME, which is how jobs run as the organisation's users.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/cst_time.h"
#include "network/center_connector.h"
#include "network/slurm/http_client.h"

namespace suanli::network::slurm {

// The job id a dbv0.0.38 job is metered under, spelt as sacct spells JobID, so that usage pulled
// from slurmrestd and the same job in an uploaded `sacct --parsable2` file share one key
// (center, job, step): "127" for a plain job, "123_4" for task 4 of array job 123 (whose raw
// id is 127), "200+1" for component 1 of heterogeneous job 200. `job_json` is the job's JSON
// text; its array task id may be a number or {"set": true, "number": N} (later Slurms).
std::string MeteredJobId(std::string_view job_json);

struct SlurmRestOptions {
  std::string cluster;       // the cluster's ClusterName
  std::string rest_url;      // "http://127.0.0.1:6820"
  std::string token;         // JWT of token_user
  std::string token_user = "root";
  std::string slurm_conf;    // SLURM_CONF for sacctmgr; empty = Slurm's default
  std::string sacctmgr = "sacctmgr";
  std::chrono::milliseconds timeout{15000};
  // Usage: a job that ended less than this long ago is held back, because slurmdbd's
  // time-window listing shows a finished job only seconds after it ends (measured 2–4 s on
  // loopback); a job slipping in behind the cursor would otherwise be lost for good.
  std::int64_t usage_settle_s = 30;
  // How far before the cursor the slurmdb query starts: slurmrestd parses start_time in its
  // own time zone, which we do not know; a day covers every offset. Exact filtering is ours.
  std::int64_t usage_query_margin_s = 86400;
  std::size_t usage_page_jobs_max = 1000;
  bool usage_include_steps = true;  // also return "batch", "extern", "0", ... step records
};

class SlurmRestConnector final : public CenterConnector {
 public:
  // `clock` (for the usage settle time) must outlive the connector. Errors when rest_url is
  // malformed or cluster/token are empty.
  static Result<std::unique_ptr<SlurmRestConnector>> Create(SlurmRestOptions options,
                                                            Clock& clock);

  std::string_view cluster() const override { return options_.cluster; }
  Status EnsureAccount(std::string_view account, std::span<const std::string> users) override;
  Status SetAccountLimit(std::string_view account, const TresMap& grp_tres_mins) override;
  Result<SlurmJobId> Submit(const JobSpec& spec) override;
  Status Cancel(SlurmJobId id) override;
  Result<JobStatus> GetJob(SlurmJobId id) override;
  // Exit codes: slurmdbd's REST output in 22.05 reports return_code 0 for some failed jobs
  // (sacct shows the real code); GetJob's exit_code is right while the job is still known.
  Result<UsagePage> PullUsage(const UsageCursor& cursor) override;

 private:
  SlurmRestConnector(SlurmRestOptions options, HttpClient http, Clock& clock)
      : options_(std::move(options)), http_(std::move(http)), clock_(clock) {}

  SlurmRestOptions options_;
  HttpClient http_;
  Clock& clock_;
};

}  // namespace suanli::network::slurm
