// Reading experience vouchers, shared by the draw that issues them (draws.cc) and the steps
// that activate, count and expire them (experience_vouchers.cc, which defines these).
// Internal to workflow.
#pragma once

#include <optional>
#include <vector>

#include "core/cst_time.h"
#include "core/result.h"
#include "policy/program.h"
#include "storage/sqlite/db.h"
#include "workflow/records_draws.h"

namespace suanli::workflow {

// The vouchers' one SELECT (ending in the FROM clause: the caller adds WHERE and ORDER BY)
// and the reader of its rows.
extern const char* const kSelectExperienceVoucher;
ExperienceVoucher ReadExperienceVoucher(const storage::Stmt& q);
// Every row `q` (a kSelectExperienceVoucher statement, bound) yields, in its order.
Result<std::vector<ExperienceVoucher>> ReadExperienceVouchers(storage::Stmt& q);

// When a voucher issued at `issued_at` under `rule` expires (exclusive: 24:00 CST of its last
// day); nullopt when the program sets no validity.
std::optional<Instant> ExperienceExpiry(const policy::Experience& rule, Instant issued_at);

}  // namespace suanli::workflow
