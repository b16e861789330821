// Rating: one usage record → one rated line in integer fen, or a reject with its reason. Only
// whole-job rows are billed: a job's allocation (AllocTRES) is held for its whole ElapsedRaw and
// every step runs inside it, so pricing the job row prices the steps too; step rows ("batch",
// "extern", "0", ...) are recorded for idempotency and audit and carry no amount.
//
// The one formula (docs/metering.md has worked figures):
//   quantity_unit_s = units × ElapsedRaw            (units: cards, cores, nodes or billing units)
//   amount_fen      = round_half_up(unit_price_fen × quantity_unit_s × share / 3600)
// where share = max(the customer's class share, the floor). The exact product is formed in
// 128-bit integers and rounded ONCE per line, half up (ties away from zero), to the fen.
#pragma once

#include <array>
#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/cst_time.h"
#include "core/ids.h"
#include "core/rate.h"
#include "core/result.h"
#include "core/short_bytes.h"
#include "metering/price_list.h"
#include "network/center_connector.h"
#include "network/sacct_parser.h"

namespace suanli::metering {

// Who pays for a Slurm account's jobs.
struct AccountEntry {
  std::string center;                  // "" = this account on every registered center
  std::string account;                 // the Slurm account (sacct's Account column)
  OrgId org;                           // valid
  std::optional<ContractId> contract;  // the compute-service contract, when known
  std::optional<char> discount_class;  // 'A'..'E'; nullopt pays the base price
  // A free trial's account (an experience voucher's one-time account, workflow/
  // experience_vouchers.cc): its usage is recorded with its quantities but rated at share 0,
  // so every line is 0 fen and nothing of it is ever billed, settled or claimed.
  bool free_trial = false;
};

// A usage record as views (no allocation): built from a parsed sacct row or from an owning
// UsageRecord. Rating reads the first block; the store also keeps the second. TRES counts as in
// AllocTRES, mem in MB.
struct UsageView {
  std::string_view cluster;
  std::string_view job_id;
  std::string_view step;  // "" for the whole job
  std::string_view account;
  std::string_view partition;
  std::optional<Instant> start;
  std::optional<Instant> end;
  std::int64_t elapsed_s = 0;
  network::JobState state = network::JobState::kUnknown;
  std::span<const network::TresCount> tres;
  // Carried for the record, not used by rating.
  std::string_view user;
  Instant submit;
  std::int32_t exit_code = 0;
  std::int32_t exit_signal = 0;

  static UsageView FromRow(const network::SacctRow& row);
  // `tres_storage` receives views into record.alloc_tres (so the record must outlive the view);
  // TRES beyond kSacctMaxTres are ignored (Slurm defines about ten).
  static UsageView FromRecord(const network::UsageRecord& record,
                              std::array<network::TresCount, network::kSacctMaxTres>* tres_storage);
  // An owning copy.
  network::UsageRecord ToRecord() const;
};

// Why a usage record is not billed. Stable numbers and names (reports, the CLI).
enum class RejectReason : std::uint8_t {
  kUnregisteredCenter = 1,  // the record's cluster is not a registered center
  kUnknownAccount = 2,      // no AccountEntry for (cluster, account)
  kNotFinal = 3,            // pending/running/suspended/requeued: usage is not final yet
  kNegativeDuration = 4,    // ElapsedRaw < 0
  kAbsentDuration = 5,      // final and ran, but Start or End is missing
  kNoPriceInForce = 6,      // no price entry for (cluster, partition) at the job's start
  kOverflow = 7,            // the amount would exceed limits::kAmountFenMax
  kImpossibleDuration = 8,  // End before Start, or ElapsedRaw longer than End − Start
  kInTheFuture = 9,         // End after the rater's not_after (the platform's now)
};
std::string_view RejectReasonName(RejectReason reason);  // "unknown account", ...

// The money figures of a rated whole-job row.
struct RatedFigures {
  OrgId org;
  std::optional<ContractId> contract;
  Date day;  // the billing day: the CST date of End (when the usage became final)
  PriceUnit unit = PriceUnit::kCoreHour;
  std::int64_t quantity_unit_s = 0;   // units × ElapsedRaw seconds
  std::int64_t unit_price_fen = 0;    // per unit-hour, the price in force at Start
  Instant price_effective_from;       // which price entry that was
  Rate discount_share = Rate::One();  // max(class share, floor)
  std::int64_t amount_fen = 0;        // rounded half up to the fen, once
};

// What rating decided for one record.
enum class RatingKind : std::uint8_t {
  kBilled = 1,    // a whole-job row with its figures
  kStep = 2,      // a step row: recorded, not billed (the job row covers it)
  kNeverRan = 3,  // a final job that never started (no Start, ElapsedRaw 0): recorded, 0 fen
};

struct RatingOutcome {
  bool ok = false;
  RejectReason reject = RejectReason::kUnknownAccount;  // when !ok
  std::string detail;                                   // when !ok: the value that failed
  RatingKind kind = RatingKind::kBilled;                // when ok
  RatedFigures figures;                                 // when ok and kind == kBilled
};

// A rated line with its key, as bills list it.
struct RatedLine {
  std::string center;
  std::string job_id;
  std::string step;
  RatedFigures figures;

  Quarter quarter() const { return Quarter::Of(figures.day); }
};

// The exact amount of the formula above; kOverflow when the result exceeds
// limits::kAmountFenMax (or the 128-bit product would overflow). Exposed for tests and docs.
Result<std::int64_t> LineAmountFen(std::int64_t unit_price_fen, std::int64_t quantity_unit_s,
                                   Rate share);

// Units counted for one hour of the entry's unit from a job's TRES: cards of entry.tres, "cpu",
// "node", or the billing units Σ weight × count truncated to a whole unit (as Slurm reports
// billing=). Missing TRES count 0. kOverflow on overflow.
Result<std::int64_t> UnitsOf(const PriceEntry& entry, std::span<const network::TresCount> tres);

// Rates records against a price list, an account map and the registered centers. Immutable
// after construction and cheap to call: a rating allocates nothing unless it rejects.
// Thread-compatible (const methods only; the small lookup cache is per call).
class Rater {
 public:
  // Errors: an account entry with an invalid org, an empty account, a class the price list
  // does not define, or the same (center, account) twice (field "accounts[i]...").
  static Result<Rater> Make(PriceList prices, std::vector<AccountEntry> accounts,
                            std::vector<std::string> registered_centers);

  // Checks in this order (the first failure is the reason): center registered, account known,
  // final state, duration (negative, absent, impossible: End before Start or ElapsedRaw beyond
  // End − Start; End in the future), then for job rows the price in force at Start and the
  // amount. Step rows pass the duration checks and come back as kStep.
  RatingOutcome Rate(const UsageView& input) const { return Rate(input, nullptr); }

  // The caller's memory of its last (center, account) lookup. Ingest rates a job and then its
  // steps, which name the same cluster and account; remembering the answer saves two hash
  // lookups a line. One per thread; never shared.
  struct Memo {
    // The last two centers and whether each is registered: a lab's file alternates between its
    // centers from job to job, and one remembered center cost a lookup at every other job.
    // Slot 0 is the last one rated, the center of `account` below.
    std::array<std::string, 2> center;
    std::array<bool, 2> registered{};
    std::uint8_t centers = 0;  // slots set
    std::string account;
    bool entry_valid = false;  // account and entry are set (for this center)
    const AccountEntry* entry = nullptr;
  };
  // The same rating, looking the center and account up through *memo (may be null).
  RatingOutcome Rate(const UsageView& input, Memo* memo) const;

  // A storage line: `gb` GB on `center` for the month starting `month_first_day`, priced by the
  // center's kGbMonth entry in force on that day (partition "" or `partition`), with the
  // account's discount. quantity_unit_s is gb × 3600 so the one formula applies unchanged.
  RatingOutcome RateStorage(std::string_view center, std::string_view partition,
                            std::string_view account, std::int64_t gb, Date month_first_day) const;

  // Records that end after `t` are refused (kInTheFuture): usage cannot be final before it
  // happened. The platform sets its clock's now plus kFutureToleranceS (a center's clock may
  // run a little ahead); unset, no such check.
  static constexpr std::int64_t kFutureToleranceS = 600;
  void set_not_after(Instant t) { not_after_ = t; }

  const PriceList& prices() const { return prices_; }
  // The entry for (center, account), or nullptr.
  const AccountEntry* FindAccount(std::string_view center, std::string_view account) const;
  bool IsRegistered(std::string_view center) const;

 private:
  Rater() = default;
  // Fills *out (ok set, or the reject); Rate's one return of one object spares a copy of the
  // outcome a line.
  void Decide(const UsageView& input, Memo* memo, RatingOutcome* out) const;
  static void Reject(RejectReason reason, std::string detail, RatingOutcome* out);
  RatingOutcome Reject(RejectReason reason, std::string detail) const;
  bool Price(const UsageView& input, const AccountEntry& account, RatingOutcome* out) const;

  PriceList prices_;
  std::optional<Instant> not_after_;
  std::vector<AccountEntry> accounts_;
  // What pricing reads of an account, parallel to accounts_, one cache line each: a job's
  // account is rarely the one before, and reading org, contract and share from the entry and a
  // second array was two cache misses a job (4 % of parse+rate).
  struct alignas(64) AccountTerms {
    OrgId org;
    std::optional<ContractId> contract;
    suanli::Rate share;  // max(class, floor), resolved once; 0 for a free trial
  };
  std::vector<AccountTerms> account_terms_;
  // An account's entries: the one for every center and those for single centers (usually one
  // of the two). Keyed by the account alone, so a lookup hashes what the record already holds.
  struct AccountEntries {
    static constexpr std::uint32_t kNone = 0xffffffff;
    std::uint32_t every_center = kNone;  // index into accounts_
    std::vector<std::uint32_t> on_center;
  };
  boost::unordered_flat_map<std::string, AccountEntries, ShortStringHash, ShortStringEqual>
      account_index_;
  boost::unordered_flat_set<std::string, ShortStringHash, ShortStringEqual> centers_;
};

}  // namespace suanli::metering
