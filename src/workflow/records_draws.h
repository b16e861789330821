// The workflow's records of experience vouchers by weekly draw (draws.cc,
// experience_vouchers.cc; Nanjing, seed 002). Plain structs, instants in CST, as in records.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/cst_time.h"

namespace suanli::workflow {

// A winner of a draw: the experience voucher it was issued, in draw order (rank 1 first).
struct DrawWinnerRecord {
  std::int64_t voucher_id = 0, org_id = 0;
  std::string org_name;
  int rank = 0;   // 1-based position in the draw order (policy::DrawResult::winners)
  int hours = 0;  // hours_min..hours_max in steps of hours_step
};

// A week's draw of an experience_draw program. status: open (entries taken; only the seed's
// SHA-256 is published) | drawn (the seed revealed, vouchers issued). The seed is a 64-bit
// number, in JSON a decimal string (a JavaScript number would lose its low digits).
struct Draw {
  std::int64_t id = 0;
  std::string program_id;
  Date week;  // the CST Monday the week starts
  std::string status;
  std::string seed_sha256;            // lower-case hex SHA-256 of the seed's decimal digits
  std::optional<std::uint64_t> seed;  // once drawn
  std::int64_t entrants = 0;          // entries so far (all of them once drawn)
  // Once drawn: the week's hours, what was short of weekly_hours_min, the SHA-256 of the
  // entrant file the draw read (DrawEntrantsText) and the program version it ran under.
  std::optional<std::int64_t> total_hours, shortfall_hours;
  std::string entrants_sha256;  // "" until drawn
  std::optional<std::int64_t> program_version;
  Instant opened_at;
  std::optional<Instant> drawn_at;
  std::vector<DrawWinnerRecord> winners;  // once drawn, in draw order (GetDraw and RunDraw)
  // For an applicant: whether its organisation entered, and the voucher it won if any.
  std::optional<bool> entered;
  std::optional<DrawWinnerRecord> own_voucher;
};

// An experience voucher: free hours on the program's center, won in a draw. status: issued
// (the only state the platform records yet; the center opens the trial account).
struct ExperienceVoucher {
  std::int64_t id = 0, draw_id = 0, org_id = 0;
  std::string org_name, program_id;
  Date week;
  int rank = 0, hours = 0;  // card-hours on the center's accelerators
  Instant issued_at;
  std::string status;  // issued | active | used_up | expired
  // Exclusive end of the last day it can be used (24:00 CST); none: no validity stated.
  std::optional<Instant> expires_at;
  // Once activated: the one-time Slurm account on the center, who opened it and when.
  std::optional<std::int64_t> center_id;
  std::string slurm_cluster;  // the Slurm cluster of the center it was activated on
  std::string slurm_account;
  std::optional<Instant> activated_at;
  std::int64_t used_card_s = 0;        // card-seconds metered on the account
  std::optional<Instant> ended_at;     // used up or expired
  std::optional<Instant> account_closed_at;  // its limit set to 0 hours after expiry

  std::int64_t hours_card_s() const { return std::int64_t{hours} * 3600; }
  std::int64_t remaining_card_s() const {
    return used_card_s >= hours_card_s() ? 0 : hours_card_s() - used_card_s;
  }
};

}  // namespace suanli::workflow
