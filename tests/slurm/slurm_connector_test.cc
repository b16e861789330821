// The real Slurm connection against the two-center lab of scripts/slurm/up.sh (CTest fixture
// slurm_lab; LAB_DIR from SUANLI_SLURM_LAB_DIR). Two organisations get accounts on both centers,
// one a GrpTRESMins limit; jobs run on both centers (one with a GPU on center-b), one is
// cancelled, and their usage comes back through the cursor exactly once.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "network/center_connector.h"
#include "network/slurm/command.h"
#include "network/slurm/slurm_rest_connector.h"

namespace suanli::network {
namespace {

using slurm::SlurmRestConnector;
using slurm::SlurmRestOptions;

// LAB_DIR/env as KEY=VALUE (values may be double-quoted).
std::map<std::string, std::string> ReadLabEnv(std::string* error) {
  const char* dir = std::getenv("SUANLI_SLURM_LAB_DIR");
  if (dir == nullptr) {
    *error = "SUANLI_SLURM_LAB_DIR is not set: run through ctest (fixture slurm_lab runs "
             "scripts/slurm/up.sh), or export it after `scripts/slurm/up.sh LAB_DIR`";
    return {};
  }
  std::ifstream in(std::string(dir) + "/env");
  if (!in) {
    *error = std::string("no ") + dir + "/env: the Slurm lab did not come up (see the output "
             "of test slurm_lab_up; are the packages of scripts/slurm/install.sh installed?)";
    return {};
  }
  std::map<std::string, std::string> env;
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    std::string value = line.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
    env[line.substr(0, eq)] = value;
  }
  return env;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Center {
  std::string name;
  std::string conf;
  std::string work_dir;  // per center: job ids, and so slurm-<id>.out, repeat across centers
  std::unique_ptr<SlurmRestConnector> connector;
};

class SlurmLab : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    env_ = ReadLabEnv(&error);
    ASSERT_TRUE(error.empty()) << error;
    for (std::string name : {"center-a", "center-b"}) {
      const std::string prefix = name == "center-a" ? "SUANLI_SLURM_CENTER_A_" : "SUANLI_SLURM_CENTER_B_";
      SlurmRestOptions o;
      o.cluster = name;
      o.rest_url = env_[prefix + "REST_URL"];
      o.token = env_[prefix + "TOKEN"];
      o.token_user = env_[prefix + "TOKEN_USER"];
      o.slurm_conf = env_[prefix + "CONF"];
      o.usage_settle_s = 3;  // loopback: slurmdbd lists a finished job within 2–4 s
      auto c = SlurmRestConnector::Create(o, clock_);
      ASSERT_TRUE(c.ok()) << c.error().ToString();
      centers_.push_back(
          Center{name, o.slurm_conf, env_[prefix + "WORK_DIR"], std::move(c).value()});
    }
  }

  JobSpec Spec(const Center& center, std::string account, std::string user, std::string script) {
    JobSpec s;
    s.account = std::move(account);
    s.user = std::move(user);
    s.partition = env_["SUANLI_SLURM_PARTITION"];
    s.name = "suanli-test";
    s.script = "#!/bin/sh\n" + script + "\n";
    s.time_limit_min = 5;
    s.working_dir = center.work_dir;
    s.environment = {{"PATH", "/usr/bin:/bin"}, {"SUANLI", "1"}};
    return s;
  }

  // Polls until the job is final; returns its last status.
  JobStatus WaitFinal(CenterConnector& c, SlurmJobId id) {
    JobStatus last;
    for (int i = 0; i < 240; ++i) {
      Result<JobStatus> s = c.GetJob(id);
      EXPECT_TRUE(s.ok()) << s.error().ToString();
      if (!s.ok()) return last;
      last = *s;
      if (IsFinal(last.state)) return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    ADD_FAILURE() << c.cluster() << " job " << id.value << " not final: "
                  << JobStateName(last.state) << " (" << last.state_reason << ")";
    return last;
  }

  std::map<std::string, std::string> env_;
  SystemClock clock_;
  std::vector<Center> centers_;
};

TEST_F(SlurmLab, TwoCentersTwoOrganisations) {
  CenterConnector& a = *centers_[0].connector;
  CenterConnector& b = *centers_[1].connector;
  const std::vector<std::string> alpha_users = {"root", "daemon"};
  const std::vector<std::string> beta_users = {"nobody"};

  // Accounts on both centers, twice: the second call changes nothing and does not fail.
  for (CenterConnector* c : {&a, &b}) {
    for (int round = 0; round < 2; ++round) {
      Status s = c->EnsureAccount("org-alpha", alpha_users);
      ASSERT_TRUE(s.ok()) << c->cluster() << ": " << s.error().ToString();
      s = c->EnsureAccount("org-beta", beta_users);
      ASSERT_TRUE(s.ok()) << c->cluster() << ": " << s.error().ToString();
    }
  }

  // The trial organisation's voucher hours as a GrpTRESMins limit on center-b.
  Status limit = b.SetAccountLimit("org-beta", {{"cpu", 6000}, {"gres/gpu", 600}});
  ASSERT_TRUE(limit.ok()) << limit.error().ToString();
  EXPECT_EQ(b.SetAccountLimit("org-nope", {{"cpu", 1}}).error().code, ErrorCode::kContradiction);
  Result<slurm::CommandOutput> assoc = slurm::RunCommand(
      {"sacctmgr", "-nP", "show", "assoc", "where", "account=org-beta", "cluster=center-b",
       "format=User,GrpTRESMins"},
      {"SLURM_CONF=" + centers_[1].conf});
  ASSERT_TRUE(assoc.ok());
  EXPECT_NE(assoc->output.find("|cpu=6000,gres/gpu=600"), std::string::npos) << assoc->output;

  // A user outside the account is refused by Slurm's association check.
  Result<SlurmJobId> refused = a.Submit(Spec(centers_[0], "org-alpha", "nobody", "true"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kContradiction) << refused.error().ToString();

  struct Submitted {
    CenterConnector* center;
    SlurmJobId id;
    std::string account;
    std::string user;
    bool gpu = false;
  };
  std::vector<Submitted> jobs;
  auto submit = [&](CenterConnector& c, JobSpec spec, bool gpu) {
    if (gpu) spec.gres = "gpu:1";
    Result<SlurmJobId> id = c.Submit(spec);
    EXPECT_TRUE(id.ok()) << c.cluster() << ": " << id.error().ToString();
    if (id.ok()) jobs.push_back(Submitted{&c, *id, spec.account, spec.user, gpu});
  };
  submit(a, Spec(centers_[0], "org-alpha", "root", "hostname"), false);
  submit(a, Spec(centers_[0], "org-beta", "nobody", "sleep 1"), false);
  submit(b, Spec(centers_[1], "org-alpha", "daemon", "echo gpus=$CUDA_VISIBLE_DEVICES; sleep 1"), true);
  submit(b, Spec(centers_[1], "org-beta", "nobody", "hostname; sleep 1"), false);
  ASSERT_EQ(jobs.size(), 4u);

  // One job to cancel while it runs.
  Result<SlurmJobId> doomed = a.Submit(Spec(centers_[0], "org-alpha", "daemon", "sleep 300"));
  ASSERT_TRUE(doomed.ok()) << doomed.error().ToString();
  for (int i = 0; i < 40; ++i) {
    Result<JobStatus> s = a.GetJob(*doomed);
    if (s.ok() && s->state == JobState::kRunning) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ASSERT_TRUE(a.Cancel(*doomed).ok());
  EXPECT_EQ(WaitFinal(a, *doomed).state, JobState::kCancelled);
  EXPECT_EQ(a.GetJob(SlurmJobId(999999)).error().code, ErrorCode::kNotFound);

  for (const Submitted& j : jobs) {
    const JobStatus s = WaitFinal(*j.center, j.id);
    EXPECT_EQ(s.state, JobState::kCompleted) << j.center->cluster() << " job " << j.id.value;
    EXPECT_EQ(s.account, j.account);
    EXPECT_EQ(s.user, j.user);
    EXPECT_EQ(s.exit_code, 0);
    EXPECT_TRUE(s.start && s.end && *s.start <= *s.end);
    EXPECT_EQ(s.alloc_tres.contains("gres/gpu"), j.gpu) << j.center->cluster();
    if (j.gpu) {
      EXPECT_EQ(s.alloc_tres.at("gres/gpu"), 1);
      const std::string out = ReadFile(centers_[1].work_dir + "/slurm-" +
                                       std::to_string(j.id.value) + ".out");
      EXPECT_NE(out.find("gpus=0"), std::string::npos) << out;
    }
  }

  // Usage through the cursor: every job exactly once, each with the organisation that ran it.
  for (CenterConnector* c : {&a, &b}) {
    std::set<std::string> wanted;
    for (const Submitted& j : jobs) {
      if (j.center == c) wanted.insert(std::to_string(j.id.value));
    }
    if (c == &a) wanted.insert(std::to_string(doomed->value));
    UsageCursor cursor;
    std::set<std::pair<std::string, std::string>> seen;  // (job, step)
    std::map<std::string, UsageRecord> whole_jobs;
    auto all_pulled = [&] {
      for (const std::string& id : wanted) {
        if (!whole_jobs.contains(id)) return false;
      }
      return true;
    };
    for (int i = 0; i < 120 && !all_pulled(); ++i) {
      Result<UsagePage> page = c->PullUsage(cursor);
      ASSERT_TRUE(page.ok()) << page.error().ToString();
      for (const UsageRecord& r : page->records) {
        EXPECT_EQ(r.cluster, c->cluster());
        EXPECT_TRUE(seen.insert({r.job_id, r.step}).second)
            << "record repeated: " << r.job_id << "." << r.step;
        if (r.step.empty()) whole_jobs[r.job_id] = r;
      }
      EXPECT_GE(page->next, cursor);
      cursor = page->next;
      if (!all_pulled()) std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    for (const std::string& id : wanted) {
      ASSERT_TRUE(whole_jobs.contains(id)) << c->cluster() << " job " << id << " never pulled";
    }
    for (const Submitted& j : jobs) {
      if (j.center != c) continue;
      const UsageRecord& r = whole_jobs.at(std::to_string(j.id.value));
      EXPECT_EQ(r.account, j.account);
      EXPECT_EQ(r.user, j.user);
      EXPECT_EQ(r.partition, env_["SUANLI_SLURM_PARTITION"]);
      EXPECT_EQ(r.state, JobState::kCompleted);
      EXPECT_GE(r.alloc_tres.at("cpu"), 1);
      EXPECT_GE(r.alloc_tres.at("mem"), 1024);  // MB: DefMemPerCPU=1024
      EXPECT_EQ(r.alloc_tres.contains("gres/gpu"), j.gpu);
      EXPECT_TRUE(r.start && r.end);
      EXPECT_EQ(r.elapsed_s, (r.end->micros() - r.start->micros()) / kMicrosPerSecond);
      EXPECT_TRUE(seen.contains({r.job_id, "batch"})) << "no batch step for " << r.job_id;
    }
    if (c == &a) {
      EXPECT_EQ(whole_jobs.at(std::to_string(doomed->value)).state, JobState::kCancelled);
    }

    // A second pull from the cursor returns nothing new.
    Result<UsagePage> again = c->PullUsage(cursor);
    ASSERT_TRUE(again.ok()) << again.error().ToString();
    EXPECT_TRUE(again->records.empty()) << again->records.size() << " records repeated";
    EXPECT_EQ(again->next, cursor);
  }
}

}  // namespace
}  // namespace suanli::network
