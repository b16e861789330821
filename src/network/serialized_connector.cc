#include "network/serialized_connector.h"

namespace suanli::network {

SerializedConnector::SerializedConnector(CenterConnector* inner)
    : cluster_(inner->cluster()), inner_(inner) {}

void SerializedConnector::Replace(CenterConnector* inner) {
  std::lock_guard lock(mu_);
  inner_ = inner;
}

Status SerializedConnector::EnsureAccount(std::string_view account,
                                          std::span<const std::string> users) {
  std::lock_guard lock(mu_);
  return inner_->EnsureAccount(account, users);
}

Status SerializedConnector::SetAccountLimit(std::string_view account,
                                            const TresMap& grp_tres_mins) {
  std::lock_guard lock(mu_);
  return inner_->SetAccountLimit(account, grp_tres_mins);
}

Result<SlurmJobId> SerializedConnector::Submit(const JobSpec& spec) {
  std::lock_guard lock(mu_);
  return inner_->Submit(spec);
}

Status SerializedConnector::Cancel(SlurmJobId id) {
  std::lock_guard lock(mu_);
  return inner_->Cancel(id);
}

Result<JobStatus> SerializedConnector::GetJob(SlurmJobId id) {
  std::lock_guard lock(mu_);
  return inner_->GetJob(id);
}

Result<UsagePage> SerializedConnector::PullUsage(const UsageCursor& cursor) {
  std::lock_guard lock(mu_);
  return inner_->PullUsage(cursor);
}

}  // namespace suanli::network
