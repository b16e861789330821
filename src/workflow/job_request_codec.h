// A job's request as the jobs table stores it (jobs.request_json), so that a job answers with
// what was asked: every field of NewJob except the script (a column of its own, read only for
// one job), with the defaults the platform applied filled in. The stored form, one JSON object:
//
//   {"name": "llm-finetune", "resource_type": "npu", "units": 8, "framework": "MindSpore",
//    "framework_version_min": "2.2", "time_limit_s": 7200, "data_region": "成都",
//    "max_price_fen": 1500 | null, "domestic_only": false, "deadline_us": <µs since epoch> | null,
//    "voucher_id": 3 | null, "user": "", "working_dir": ""}
//
// Money in integer fen and instants in microseconds, as every other column; "" is "none given"
// for the optional texts, as in NewJob. Internal to workflow.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "workflow/records_network.h"

namespace suanli::workflow {

// The stored form of `job` (its script left out).
std::string JobRequestJson(const NewJob& job);

// The request read back from its stored form, script empty. A form that is not the one above
// (an edited row) is kParse or kWrongType on "request_json.<field>".
Result<NewJob> JobRequestFromJson(std::string_view stored);

}  // namespace suanli::workflow
