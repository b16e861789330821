// Names of job states and the usage cursor's text form (center_connector.h).
#include "network/center_connector.h"

#include <array>
#include <charconv>
#include <utility>

namespace suanli::network {
namespace {

constexpr std::array<std::pair<JobState, std::string_view>, 15> kStateNames = {{
    {JobState::kUnknown, "UNKNOWN"},
    {JobState::kPending, "PENDING"},
    {JobState::kRunning, "RUNNING"},
    {JobState::kSuspended, "SUSPENDED"},
    {JobState::kCompleting, "COMPLETING"},
    {JobState::kCompleted, "COMPLETED"},
    {JobState::kFailed, "FAILED"},
    {JobState::kCancelled, "CANCELLED"},
    {JobState::kTimeout, "TIMEOUT"},
    {JobState::kNodeFail, "NODE_FAIL"},
    {JobState::kOutOfMemory, "OUT_OF_MEMORY"},
    {JobState::kPreempted, "PREEMPTED"},
    {JobState::kBootFail, "BOOT_FAIL"},
    {JobState::kDeadline, "DEADLINE"},
    {JobState::kRequeued, "REQUEUED"},
}};

}  // namespace

std::string_view JobStateName(JobState state) {
  for (const auto& [s, name] : kStateNames) {
    if (s == state) return name;
  }
  return "UNKNOWN";
}

JobState ParseJobState(std::string_view text) {
  // sacct prints "CANCELLED by 1000"; only the first word is the state.
  const auto space = text.find(' ');
  if (space != std::string_view::npos) text = text.substr(0, space);
  for (const auto& [s, name] : kStateNames) {
    if (name == text) return s;
  }
  return JobState::kUnknown;
}

bool IsFinal(JobState state) {
  switch (state) {
    case JobState::kCompleted:
    case JobState::kFailed:
    case JobState::kCancelled:
    case JobState::kTimeout:
    case JobState::kNodeFail:
    case JobState::kOutOfMemory:
    case JobState::kPreempted:
    case JobState::kBootFail:
    case JobState::kDeadline:
      return true;
    default:
      return false;
  }
}

std::string UsageCursor::ToString() const {
  return std::to_string(end.micros()) + "/" + std::to_string(job_id);
}

Result<UsageCursor> UsageCursor::Parse(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return MakeError(ErrorCode::kParse, "cursor", "expected <end micros>/<job id>");
  }
  std::int64_t end_us = 0;
  std::uint64_t job_id = 0;
  const auto a = text.substr(0, slash);
  const auto b = text.substr(slash + 1);
  const auto ra = std::from_chars(a.data(), a.data() + a.size(), end_us);
  const auto rb = std::from_chars(b.data(), b.data() + b.size(), job_id);
  if (a.empty() || b.empty() || ra.ec != std::errc() || ra.ptr != a.data() + a.size() ||
      rb.ec != std::errc() || rb.ptr != b.data() + b.size() || end_us < 0) {
    return MakeError(ErrorCode::kParse, "cursor", "expected <end micros>/<job id>");
  }
  return UsageCursor{Instant::FromMicros(end_us), job_id};
}

}  // namespace suanli::network
