// Submission with fallback (dispatcher.h).
#include "routing/dispatcher.h"

#include <algorithm>

namespace suanli::routing {
namespace {

network::CenterConnector* FindConnector(std::span<const CenterConnection> connections,
                                        CenterId center) {
  for (const CenterConnection& c : connections) {
    if (c.center == center) return c.connector;
  }
  return nullptr;
}

bool FallsBack(ErrorCode code) {
  return code == ErrorCode::kIo || code == ErrorCode::kContradiction;
}

}  // namespace

Result<DispatchReport> Dispatch(const Placement& placement,
                                std::span<const CenterConnection> connections,
                                const network::JobSpec& spec, std::size_t attempts_max) {
  DispatchReport report;
  const std::size_t tries =
      std::min({placement.ranked.size(), attempts_max, kDispatchAttemptsMax});
  for (std::size_t i = 0; i < tries; ++i) {
    const CenterId center = placement.ranked[i].center;
    network::CenterConnector* connector = FindConnector(connections, center);
    if (connector == nullptr) {
      report.attempts.push_back({center, ErrorCode::kNotFound, "no connection to this center"});
      continue;
    }
    Result<network::SlurmJobId> submitted = connector->Submit(spec);
    if (submitted.ok()) {
      report.attempts.push_back({center, ErrorCode::kOk, ""});
      report.placed = true;
      report.center = center;
      report.job_id = *submitted;
      return report;
    }
    if (!FallsBack(submitted.error().code)) return submitted.error();
    report.attempts.push_back({center, submitted.error().code, submitted.error().message});
  }
  return report;
}

}  // namespace suanli::routing
