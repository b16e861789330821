// A compute_centers row as a Center: the columns to select and the reading of them, shared by
// the files that read centers (centers.cc, center_changes.cc). Internal to workflow.
#pragma once

#include "core/result.h"
#include "storage/sqlite/db.h"
#include "workflow/records_network.h"

namespace suanli::workflow {

// The columns CenterFrom reads, in its order; a WHERE or ORDER BY clause may follow.
inline constexpr char kCenterColumns[] =
    "SELECT id, provider_id, spec_json, created_at_us, retired_at_us FROM compute_centers";

// The Center on `q`'s current row of kCenterColumns; its stored spec parsed again.
Result<Center> CenterFrom(storage::Stmt& q);

}  // namespace suanli::workflow
