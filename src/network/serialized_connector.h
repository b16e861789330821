// One connector's calls made one at a time. Connectors are not thread-safe (an HTTP client, a
// simulated queue); the platform wraps each center's connector in one of these instead of
// serialising every center behind one lock, so a slow call to one center — a usage page from
// a slow slurmrestd — waits only for that center.
#pragma once

#include <mutex>
#include <string>

#include "network/center_connector.h"

namespace suanli::network {

class SerializedConnector final : public CenterConnector {
 public:
  // `inner` (not owned) must outlive its use here, or be replaced first.
  explicit SerializedConnector(CenterConnector* inner);

  // Swaps in the same cluster's new connector, after any call in progress.
  void Replace(CenterConnector* inner);

  std::string_view cluster() const override { return cluster_; }
  Status EnsureAccount(std::string_view account, std::span<const std::string> users) override;
  Status SetAccountLimit(std::string_view account, const TresMap& grp_tres_mins) override;
  Result<SlurmJobId> Submit(const JobSpec& spec) override;
  Status Cancel(SlurmJobId id) override;
  Result<JobStatus> GetJob(SlurmJobId id) override;
  Result<UsagePage> PullUsage(const UsageCursor& cursor) override;

 private:
  const std::string cluster_;
  std::mutex mu_;
  CenterConnector* inner_;  // guarded by mu_
};

}  // namespace suanli::network
