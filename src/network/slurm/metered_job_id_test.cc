// Usage pulled from slurmrestd and the same jobs uploaded as a `sacct --parsable2` file must
// share one key (center, job, step): the pulled record is keyed by sacct's JobID spelling.
// Array tasks were keyed by their raw id (127) on the pull and by "123_4" in a file, so a file
// uploaded to pick up refused jobs billed every array task a second time.
#include "network/slurm/slurm_rest_connector.h"

#include <gtest/gtest.h>

namespace suanli::network::slurm {
namespace {

TEST(MeteredJobIdTest, SpeltAsSacctSpellsJobId) {
  // Slurm 22.05 (dbv0.0.38): a plain job carries array job 0 and a null task.
  EXPECT_EQ(MeteredJobId(R"({"job_id": 127, "array": {"job_id": 0, "task_id": null},
                             "het": {"job_id": 0, "job_offset": null}})"),
            "127");
  EXPECT_EQ(MeteredJobId(R"({"job_id": 127, "array": {"job_id": 123, "task_id": 4}})"), "123_4");
  EXPECT_EQ(MeteredJobId(R"({"job_id": 201, "het": {"job_id": 200, "job_offset": 1}})"), "200+1");
  // Later Slurms wrap numbers as {"set", "number"}.
  EXPECT_EQ(MeteredJobId(R"({"job_id": 127,
                             "array": {"job_id": 123, "task_id": {"set": true, "number": 4}}})"),
            "123_4");
  EXPECT_EQ(MeteredJobId(R"({"job_id": 127,
                             "array": {"job_id": 0, "task_id": {"set": false, "number": 0}}})"),
            "127");
  EXPECT_EQ(MeteredJobId(R"({"job_id": 9})"), "9");
  EXPECT_EQ(MeteredJobId("not json"), "");
}

}  // namespace
}  // namespace suanli::network::slurm
