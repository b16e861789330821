// The connector's shared pieces: job state names and the usage cursor's text form.
#include "network/center_connector.h"

#include <gtest/gtest.h>

namespace suanli::network {
namespace {

TEST(JobState, NamesRoundTrip) {
  for (JobState s : {JobState::kPending, JobState::kRunning, JobState::kCompleted,
                     JobState::kFailed, JobState::kCancelled, JobState::kTimeout,
                     JobState::kOutOfMemory, JobState::kNodeFail}) {
    EXPECT_EQ(ParseJobState(JobStateName(s)), s);
  }
  EXPECT_EQ(ParseJobState("CANCELLED by 1000"), JobState::kCancelled);
  EXPECT_EQ(ParseJobState("done"), JobState::kUnknown);
  EXPECT_TRUE(IsFinal(JobState::kCompleted));
  EXPECT_FALSE(IsFinal(JobState::kRunning));
  EXPECT_FALSE(IsFinal(JobState::kPending));
}

TEST(UsageCursor, TextRoundTripAndOrder) {
  const UsageCursor c{Instant::FromUnixSeconds(1795426448), 17};
  EXPECT_EQ(c.ToString(), "1795426448000000/17");
  const Result<UsageCursor> back = UsageCursor::Parse(c.ToString());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, c);
  EXPECT_LT((UsageCursor{Instant::FromUnixSeconds(5), 9}), (UsageCursor{Instant::FromUnixSeconds(6), 1}));
  EXPECT_LT((UsageCursor{Instant::FromUnixSeconds(5), 1}), (UsageCursor{Instant::FromUnixSeconds(5), 2}));
  for (std::string_view bad : {"", "17", "/", "1/", "/2", "a/b", "-1/2", "1/2x"}) {
    EXPECT_FALSE(UsageCursor::Parse(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace suanli::network
