// The simulated center (simulated_center.h). Simulated time moves only inside AdvanceTo, which
// every public call runs first, so the state is always "as of the clock".
#include "network/simulated_center.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "core/check.h"

namespace suanli::network {
namespace {

constexpr std::int64_t kDefaultTimeLimitMin = 60;  // time_limit_min 0: a partition default

std::int64_t CeilDiv(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// "gpu:2", "gpu:a800:2" → 2 cards per node; "" → 0. Other gres names than the center's
// (options.gres_name: "gpu", or "npu", "dcu") are refused.
Result<std::uint32_t> GpusPerNode(std::string_view gres, const std::string& name) {
  if (gres.empty()) return std::uint32_t{0};
  if (gres.substr(0, name.size() + 1) != name + ":") {
    return MakeError(ErrorCode::kOutOfRange, "gres", "only " + name + ":<count> is offered here");
  }
  const std::string_view count = gres.substr(gres.rfind(':') + 1);
  std::uint32_t n = 0;
  const auto r = std::from_chars(count.data(), count.data() + count.size(), n);
  if (r.ec != std::errc() || r.ptr != count.data() + count.size() || n == 0) {
    return MakeError(ErrorCode::kOutOfRange, "gres", "expected gpu:<count>");
  }
  return n;
}

}  // namespace

SimulatedCenter::SimulatedCenter(SimulatedCenterOptions options, Clock& clock)
    : options_(std::move(options)), clock_(clock), rng_state_(options_.seed) {
  SUANLI_CHECK(options_.run_percent_min >= 1);
  SUANLI_CHECK(options_.run_percent_min <= options_.run_percent_max);
  SUANLI_CHECK(options_.run_percent_max <= 100);
  SUANLI_CHECK(options_.usage_page_records_max > 0);
}

std::uint64_t SimulatedCenter::NextRandom() {
  // splitmix64: small, seedable, the same sequence on every platform.
  std::uint64_t z = (rng_state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

Status SimulatedCenter::CheckUp() const {
  if (down_) return MakeError(ErrorCode::kIo, "center", options_.cluster + " is unreachable");
  return OkStatus();
}

Status SimulatedCenter::EnsureAccount(std::string_view account,
                                      std::span<const std::string> users) {
  SUANLI_TRY(CheckUp());
  if (account.empty()) return MakeError(ErrorCode::kMissingField, "account", "empty");
  auto it = accounts_.find(account);
  if (it == accounts_.end()) it = accounts_.emplace(std::string(account), Account{}).first;
  for (const auto& user : users) {
    if (user.empty()) return MakeError(ErrorCode::kMissingField, "users", "empty user name");
    it->second.users.insert(user);
  }
  return OkStatus();
}

Status SimulatedCenter::SetAccountLimit(std::string_view account, const TresMap& grp_tres_mins) {
  SUANLI_TRY(CheckUp());
  auto it = accounts_.find(account);
  if (it == accounts_.end()) {
    return MakeError(ErrorCode::kContradiction, "account", "no account " + std::string(account));
  }
  for (const auto& [name, minutes] : grp_tres_mins) {
    if (minutes == -1) {
      it->second.grp_tres_mins.erase(name);
    } else if (minutes < 0) {
      return MakeError(ErrorCode::kOutOfRange, "grp_tres_mins." + name, "negative");
    } else {
      it->second.grp_tres_mins[name] = minutes;
    }
  }
  return OkStatus();
}

Result<SlurmJobId> SimulatedCenter::Submit(const JobSpec& spec) {
  SUANLI_TRY(CheckUp());
  AdvanceTo(clock_.Now());
  if (refuse_) {
    return MakeError(ErrorCode::kContradiction, "center", options_.cluster + " refuses jobs");
  }
  if (spec.account.empty()) return MakeError(ErrorCode::kMissingField, "account", "empty");
  if (spec.user.empty()) return MakeError(ErrorCode::kMissingField, "user", "empty");
  if (spec.nodes == 0 || spec.tasks == 0 || spec.cpus_per_task == 0) {
    return MakeError(ErrorCode::kOutOfRange, "tasks", "nodes, tasks and cpus_per_task >= 1");
  }
  const bool other_partition =
      std::find(options_.other_partitions.begin(), options_.other_partitions.end(),
                spec.partition) != options_.other_partitions.end();
  if (!spec.partition.empty() && spec.partition != options_.partition && !other_partition) {
    return MakeError(ErrorCode::kContradiction, "partition", "invalid partition specified");
  }
  const auto account = accounts_.find(spec.account);
  if (account == accounts_.end() || !account->second.users.contains(spec.user)) {
    return MakeError(ErrorCode::kContradiction, "account",
                     "invalid account or account/partition combination specified");
  }
  SUANLI_ASSIGN(const std::uint32_t gpus_per_node, GpusPerNode(spec.gres, options_.gres_name));
  Job job;
  job.cpus = spec.tasks * spec.cpus_per_task;
  job.gpus = gpus_per_node * spec.nodes;
  if (job.cpus > options_.cpus || job.gpus > options_.gpus) {
    return MakeError(ErrorCode::kContradiction, "tasks",
                     "requested node configuration is not available");
  }
  const std::int64_t limit_min =
      spec.time_limit_min == 0 ? kDefaultTimeLimitMin : std::int64_t{spec.time_limit_min};
  // GrpTRESMins: used + the worst case of the account's queued and running jobs + this one.
  std::int64_t cpu_min = std::int64_t{job.cpus} * limit_min;
  std::int64_t gpu_min = std::int64_t{job.gpus} * limit_min;
  for (const auto& [id, other] : jobs_) {
    if (IsFinal(other.status.state) || other.spec.account != spec.account) continue;
    const std::int64_t other_limit_min =
        other.spec.time_limit_min == 0 ? kDefaultTimeLimitMin : other.spec.time_limit_min;
    cpu_min += std::int64_t{other.cpus} * other_limit_min;
    gpu_min += std::int64_t{other.gpus} * other_limit_min;
  }
  const Account& acct = account->second;
  const std::string gres_tres = "gres/" + options_.gres_name;
  for (const auto& [tres, wanted_min] : {std::pair<std::string_view, std::int64_t>{"cpu", cpu_min},
                                         {gres_tres, gpu_min}}) {
    const auto limit = acct.grp_tres_mins.find(tres);
    if (limit == acct.grp_tres_mins.end() || wanted_min == 0) continue;
    const auto used = acct.used_tres_mins.find(tres);
    const std::int64_t used_min = used == acct.used_tres_mins.end() ? 0 : used->second;
    if (used_min + wanted_min > limit->second) {
      return MakeError(ErrorCode::kContradiction, "account",
                       "job violates the account's GrpTRESMins for " + std::string(tres));
    }
  }

  const std::int64_t limit_s = limit_min * 60;
  const std::uint64_t span = options_.run_percent_max - options_.run_percent_min + 1;
  const std::int64_t percent = options_.run_percent_min + static_cast<std::int64_t>(NextRandom() % span);
  job.run_s = std::max<std::int64_t>(1, limit_s * percent / 100);
  job.spec = spec;
  const std::uint64_t id = next_id_++;
  job.status.id = SlurmJobId(id);
  job.status.state = JobState::kPending;
  job.status.state_reason = "Priority";
  job.status.account = spec.account;
  job.status.user = spec.user;
  job.status.partition = options_.partition;
  job.status.name = spec.name;
  job.status.submit = clock_.Now();
  jobs_.emplace(id, std::move(job));
  queue_.push_back(id);
  StartQueued(clock_.Now());
  return SlurmJobId(id);
}

void SimulatedCenter::StartQueued(Instant at) {
  while (!queue_.empty()) {
    Job& job = jobs_.at(queue_.front());
    if (cpus_used_ + job.cpus > options_.cpus || gpus_used_ + job.gpus > options_.gpus) {
      job.status.state_reason = "Resources";
      return;  // strict FIFO: nothing overtakes the head of the queue
    }
    queue_.pop_front();
    cpus_used_ += job.cpus;
    gpus_used_ += job.gpus;
    job.fails = fail_next_ > 0;
    if (job.fails) --fail_next_;
    const std::int64_t run_s = job.fails ? std::max<std::int64_t>(1, job.run_s / 2) : job.run_s;
    job.status.state = JobState::kRunning;
    job.status.state_reason = "None";
    job.status.start = at;
    job.status.alloc_tres = {{"billing", job.cpus},
                             {"cpu", job.cpus},
                             {"mem", std::int64_t{job.cpus} * options_.mem_per_cpu_mb},
                             {"node", job.spec.nodes}};
    if (job.gpus > 0) job.status.alloc_tres["gres/" + options_.gres_name] = job.gpus;
    running_.emplace(at.AddSeconds(run_s), job.status.id.value);
  }
}

void SimulatedCenter::AdvanceTo(Instant now) {
  while (!running_.empty() && running_.begin()->first <= now) {
    const auto [end, id] = *running_.begin();
    running_.erase(running_.begin());
    Job& job = jobs_.at(id);
    const std::int64_t limit_min =
        job.spec.time_limit_min == 0 ? kDefaultTimeLimitMin : job.spec.time_limit_min;
    if (job.fails) {
      Finish(job, end, JobState::kFailed, 1);
    } else if (job.run_s >= limit_min * 60) {
      Finish(job, end, JobState::kTimeout, 0);
    } else {
      Finish(job, end, JobState::kCompleted, 0);
    }
    StartQueued(end);
  }
}

void SimulatedCenter::Finish(Job& job, Instant at, JobState state, std::int32_t exit_code) {
  SUANLI_CHECK(!IsFinal(job.status.state));
  if (job.status.state == JobState::kRunning) {
    SUANLI_CHECK(cpus_used_ >= job.cpus && gpus_used_ >= job.gpus);
    cpus_used_ -= job.cpus;
    gpus_used_ -= job.gpus;
    const std::int64_t elapsed_s = (at.micros() - job.status.start->micros()) / kMicrosPerSecond;
    Account& account = accounts_.at(job.spec.account);
    account.used_tres_mins["cpu"] += CeilDiv(std::int64_t{job.cpus} * elapsed_s, 60);
    if (job.gpus > 0) account.used_tres_mins["gres/" + options_.gres_name] += CeilDiv(std::int64_t{job.gpus} * elapsed_s, 60);
  }
  job.status.state = state;
  job.status.end = at;
  job.status.exit_code = exit_code;
  finished_.emplace(at, job.status.id.value);
}

Status SimulatedCenter::Cancel(SlurmJobId id) {
  SUANLI_TRY(CheckUp());
  const Instant now = clock_.Now();
  AdvanceTo(now);
  auto it = jobs_.find(id.value);
  if (it == jobs_.end()) return MakeError(ErrorCode::kNotFound, "job_id", "no such job");
  Job& job = it->second;
  if (IsFinal(job.status.state)) return OkStatus();
  if (job.status.state == JobState::kPending) {
    queue_.erase(std::find(queue_.begin(), queue_.end(), id.value));
  } else {
    const auto planned = std::find_if(running_.begin(), running_.end(),
                                      [&](const auto& e) { return e.second == id.value; });
    SUANLI_CHECK(planned != running_.end());
    running_.erase(planned);
  }
  Finish(job, now, JobState::kCancelled, 0);
  StartQueued(now);
  return OkStatus();
}

Result<JobStatus> SimulatedCenter::GetJob(SlurmJobId id) {
  SUANLI_TRY(CheckUp());
  AdvanceTo(clock_.Now());
  auto it = jobs_.find(id.value);
  if (it == jobs_.end()) return MakeError(ErrorCode::kNotFound, "job_id", "no such job");
  return it->second.status;
}

Result<UsagePage> SimulatedCenter::PullUsage(const UsageCursor& cursor) {
  SUANLI_TRY(CheckUp());
  const Instant now = clock_.Now();
  AdvanceTo(now);
  UsagePage page;
  page.next = cursor;
  // Jobs ending exactly now are held back: a Cancel later at this same instant could still
  // end a job with a smaller id at this end time, which the cursor would then skip.
  for (auto it = finished_.upper_bound({cursor.end, cursor.job_id});
       it != finished_.end() && it->first < now &&
       page.records.size() < options_.usage_page_records_max;
       ++it) {
    const Job& job = jobs_.at(it->second);
    UsageRecord r;
    r.cluster = options_.cluster;
    r.job_id = std::to_string(it->second);
    r.account = job.spec.account;
    r.user = job.spec.user;
    r.partition = options_.partition;
    r.submit = *job.status.submit;
    r.start = job.status.start;
    r.end = job.status.end;
    r.elapsed_s =
        r.start ? (r.end->micros() - r.start->micros()) / kMicrosPerSecond : std::int64_t{0};
    r.alloc_tres = job.status.alloc_tres;
    r.state = job.status.state;
    r.exit_code = job.status.exit_code;
    page.records.push_back(std::move(r));
    page.next = UsageCursor{it->first, it->second};
  }
  return page;
}

std::uint32_t SimulatedCenter::cpus_in_use() {
  AdvanceTo(clock_.Now());
  return cpus_used_;
}

std::uint32_t SimulatedCenter::gpus_in_use() {
  AdvanceTo(clock_.Now());
  return gpus_used_;
}

std::size_t SimulatedCenter::jobs_pending() {
  AdvanceTo(clock_.Now());
  return queue_.size();
}

}  // namespace suanli::network
