// Submits a placed job to the centers the router ranked, best first, through each center's
// CenterConnector, falling back to the next when one is unreachable or refuses. It reports
// which center took the job and every attempt with its reason, for the API and the audit log.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "network/center_connector.h"
#include "routing/offer.h"
#include "routing/router.h"

namespace suanli::routing {

// Centers tried per job at most: past a few refusals the network is the problem, not the
// center, and each attempt is a network round trip (kIo may mean a timeout).
inline constexpr std::size_t kDispatchAttemptsMax = 8;

// How to reach one center. The connector is not owned and must outlive the call.
struct CenterConnection {
  CenterId center;
  network::CenterConnector* connector = nullptr;
};

struct DispatchAttempt {
  CenterId center;
  ErrorCode code = ErrorCode::kOk;  // kOk: accepted; kIo: unreachable; kContradiction:
                                    // refused; kNotFound: no connection for the center
  std::string reason;               // the connector's message, empty when accepted
};

struct DispatchReport {
  bool placed = false;
  CenterId center;             // who took the job, when placed
  network::SlurmJobId job_id;  // the id that center's Slurm gave it, when placed
  std::vector<DispatchAttempt> attempts;  // in order; the last is the accepted one if placed
};

// Submits `spec` to placement.ranked's centers in order until one accepts, trying at most
// min(attempts_max, kDispatchAttemptsMax) centers. Falls back on kIo (unreachable) and
// kContradiction (refused) and on a center without a connection (kNotFound). Any other error
// (kMissingField, kOutOfRange: the spec itself is malformed) would fail everywhere, so it is
// returned at once as the Result's error. A report with placed == false means every center
// tried failed or nothing was feasible; the attempts say why.
Result<DispatchReport> Dispatch(const Placement& placement,
                                std::span<const CenterConnection> connections,
                                const network::JobSpec& spec,
                                std::size_t attempts_max = kDispatchAttemptsMax);

}  // namespace suanli::routing
