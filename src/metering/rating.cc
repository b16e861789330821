// Rating a usage record (rating.h). The hot path (Rater::Rate on a job row) does two hash
// lookups with stack-built keys, a short scan of the partition's price versions and 128-bit
// arithmetic; it allocates only to describe a reject.
#include "metering/rating.h"

#include <limits>

#include "core/check.h"
#include "core/limits.h"
#include "core/short_bytes.h"

namespace suanli::metering {
namespace {

using i128 = __int128;
constexpr std::int64_t kSecondsPerHour = 3600;

// Builds "a\x1fb" in `buf` when it fits, else in `heap`; returns a view of it.
std::string_view JoinKey(std::string_view a, std::string_view b, std::array<char, 160>* buf,
                         std::string* heap) {
  const std::size_t len = a.size() + b.size() + 1;
  if (len > buf->size()) {
    heap->assign(a).push_back('\x1f');
    heap->append(b);
    return *heap;
  }
  std::copy(a.begin(), a.end(), buf->begin());
  (*buf)[a.size()] = '\x1f';
  std::copy(b.begin(), b.end(), buf->begin() + static_cast<std::ptrdiff_t>(a.size() + 1));
  return std::string_view(buf->data(), len);
}

std::int64_t CountOf(std::span<const network::TresCount> tres, std::string_view name) {
  for (const auto& t : tres) {
    if (t.name == name) return t.count;
  }
  return 0;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace

std::string_view RejectReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::kUnregisteredCenter:
      return "unregistered center";
    case RejectReason::kUnknownAccount:
      return "unknown account";
    case RejectReason::kNotFinal:
      return "not final";
    case RejectReason::kNegativeDuration:
      return "negative duration";
    case RejectReason::kAbsentDuration:
      return "absent duration";
    case RejectReason::kNoPriceInForce:
      return "no price in force";
    case RejectReason::kOverflow:
      return "overflow";
  }
  return "unknown";
}

UsageView UsageView::FromRow(const network::SacctRow& row) {
  UsageView v;
  v.cluster = row.cluster;
  v.job_id = row.job_id;
  v.step = row.step;
  v.account = row.account;
  v.partition = row.partition;
  v.start = row.start;
  v.end = row.end;
  v.elapsed_s = row.elapsed_s;
  v.state = row.state;
  v.tres = std::span<const network::TresCount>(row.tres.data(), row.tres_count);
  v.user = row.user;
  v.submit = row.submit;
  v.exit_code = row.exit_code;
  v.exit_signal = row.exit_signal;
  return v;
}

UsageView UsageView::FromRecord(
    const network::UsageRecord& record,
    std::array<network::TresCount, network::kSacctMaxTres>* tres_storage) {
  UsageView v;
  v.cluster = record.cluster;
  v.job_id = record.job_id;
  v.step = record.step;
  v.account = record.account;
  v.partition = record.partition;
  v.start = record.start;
  v.end = record.end;
  v.elapsed_s = record.elapsed_s;
  v.state = record.state;
  std::size_t n = 0;
  for (const auto& [name, count] : record.alloc_tres) {
    if (n == tres_storage->size()) break;
    (*tres_storage)[n++] = network::TresCount{name, count};
  }
  v.tres = std::span<const network::TresCount>(tres_storage->data(), n);
  v.user = record.user;
  v.submit = record.submit;
  v.exit_code = record.exit_code;
  v.exit_signal = record.exit_signal;
  return v;
}

network::UsageRecord UsageView::ToRecord() const {
  network::UsageRecord r;
  r.cluster = cluster;
  r.job_id = job_id;
  r.step = step;
  r.account = account;
  r.user = user;
  r.partition = partition;
  r.submit = submit;
  r.start = start;
  r.end = end;
  r.elapsed_s = elapsed_s;
  for (const auto& t : tres) r.alloc_tres.emplace(std::string(t.name), t.count);
  r.state = state;
  r.exit_code = exit_code;
  r.exit_signal = exit_signal;
  return r;
}

Result<std::int64_t> LineAmountFen(std::int64_t unit_price_fen, std::int64_t quantity_unit_s,
                                   Rate share) {
  SUANLI_CHECK(share.den > 0);
  i128 n = 0;
  if (__builtin_mul_overflow(static_cast<i128>(unit_price_fen), static_cast<i128>(quantity_unit_s),
                             &n) ||
      __builtin_mul_overflow(n, static_cast<i128>(share.num), &n)) {
    return MakeError(ErrorCode::kOverflow, "amount_fen", "price × quantity × share overflows");
  }
  const i128 d = static_cast<i128>(share.den) * kSecondsPerHour;
  // Half up: ties away from zero.
  i128 q = n / d;
  const i128 r = n % d;
  const i128 twice = (r < 0 ? -r : r) * 2;
  if (twice >= d) q += n < 0 ? -1 : 1;
  if (q > limits::kAmountFenMax || q < -limits::kAmountFenMax) {
    return MakeError(ErrorCode::kOverflow, "amount_fen", "the line's amount exceeds 10^15 fen");
  }
  return static_cast<std::int64_t>(q);
}

Result<std::int64_t> UnitsOf(const PriceEntry& entry, std::span<const network::TresCount> tres) {
  switch (entry.unit) {
    case PriceUnit::kCardHour:
      return CountOf(tres, entry.tres);
    case PriceUnit::kCoreHour:
      return CountOf(tres, "cpu");
    case PriceUnit::kNodeHour:
      return CountOf(tres, "node");
    case PriceUnit::kGbMonth:
      return std::int64_t{0};  // storage is rated by RateStorage
    case PriceUnit::kBillingHour:
      break;
  }
  // Σ weight × count as one exact fraction over the weights' common denominator would grow;
  // summing in 128 bits with a common denominator of the product is bounded by the few terms.
  i128 num = 0;
  i128 den = 1;
  for (const auto& w : entry.weights) {
    std::int64_t count = 0;
    for (const auto& t : tres) {
      if (EqualsIgnoreCase(t.name, w.tres)) count = t.count;
    }
    if (count == 0 || w.weight.num == 0) continue;
    // num/den + count × wn/wd = (num × wd + count × wn × den) / (den × wd)
    num = num * w.weight.den + static_cast<i128>(count) * w.weight.num * den;
    den *= w.weight.den;
    const i128 kLimit = static_cast<i128>(1) << 100;
    if (num > kLimit || den > kLimit) {
      return MakeError(ErrorCode::kOverflow, "billing", "billing units overflow");
    }
  }
  const i128 units = num / den;  // truncated to a whole unit, as Slurm reports billing=
  if (units > std::numeric_limits<std::int64_t>::max()) {
    return MakeError(ErrorCode::kOverflow, "billing", "billing units overflow");
  }
  return static_cast<std::int64_t>(units);
}

std::size_t Rater::StringHash::operator()(std::string_view s) const noexcept {
  return ShortHash(s);  // names are short; std::hash's call costs more than the hashing
}

Result<Rater> Rater::Make(PriceList prices, std::vector<AccountEntry> accounts,
                          std::vector<std::string> registered_centers) {
  Rater rater;
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    const auto& a = accounts[i];
    const std::string f = "accounts[" + std::to_string(i) + "]";
    if (a.account.empty()) return MakeError(ErrorCode::kMissingField, f + ".account", "required");
    if (!a.org.valid()) return MakeError(ErrorCode::kMissingField, f + ".org", "required (> 0)");
    if (a.contract && !a.contract->valid()) {
      return MakeError(ErrorCode::kOutOfRange, f + ".contract", "must be > 0 when given");
    }
    auto share = prices.ShareFor(a.discount_class);
    if (!share.ok()) return MakeError(ErrorCode::kNotFound, f + ".class", share.error().message);
    std::string key = a.center + '\x1f' + a.account;
    if (!rater.account_index_.emplace(std::move(key), static_cast<std::uint32_t>(i)).second) {
      return MakeError(ErrorCode::kDuplicate, f + ".account",
                       "'" + a.account + "' on '" + a.center + "' is mapped twice");
    }
    rater.account_share_.push_back(*share);
  }
  for (auto& c : registered_centers) {
    if (c.empty()) return MakeError(ErrorCode::kMissingField, "centers", "empty center name");
    rater.centers_.insert(std::move(c));
  }
  rater.accounts_ = std::move(accounts);
  rater.prices_ = std::move(prices);
  return rater;
}

bool Rater::IsRegistered(std::string_view center) const {
  return centers_.find(center) != centers_.end();
}

const AccountEntry* Rater::FindAccount(std::string_view center, std::string_view account) const {
  std::array<char, 160> buf;
  std::string heap;
  auto it = account_index_.find(JoinKey(center, account, &buf, &heap));
  if (it == account_index_.end()) it = account_index_.find(JoinKey({}, account, &buf, &heap));
  return it == account_index_.end() ? nullptr : &accounts_[it->second];
}

RatingOutcome Rater::Reject(RejectReason reason, std::string detail) const {
  RatingOutcome out;
  out.ok = false;
  out.reject = reason;
  out.detail = std::move(detail);
  return out;
}

RatingOutcome Rater::Rate(const UsageView& in, Memo* memo) const {
  bool registered = false;
  const AccountEntry* account = nullptr;
  if (memo == nullptr) {
    registered = IsRegistered(in.cluster);
    if (registered) account = FindAccount(in.cluster, in.account);
  } else {
    if (!memo->valid || !ShortEqual(memo->center, in.cluster)) {
      memo->center.assign(in.cluster);
      memo->registered = IsRegistered(in.cluster);
      memo->account.clear();
      memo->entry_valid = false;
    }
    memo->valid = true;
    registered = memo->registered;
    if (registered) {
      if (!memo->entry_valid || !ShortEqual(memo->account, in.account)) {
        memo->account.assign(in.account);
        memo->entry = FindAccount(in.cluster, in.account);
        memo->entry_valid = true;
      }
      account = memo->entry;
    }
  }
  if (!registered) {
    return Reject(RejectReason::kUnregisteredCenter,
                  "'" + std::string(in.cluster) + "' is not a registered center");
  }
  if (account == nullptr) {
    return Reject(RejectReason::kUnknownAccount, "'" + std::string(in.account) + "' on '" +
                                                     std::string(in.cluster) +
                                                     "' belongs to no organisation");
  }
  if (!network::IsFinal(in.state)) {
    return Reject(RejectReason::kNotFinal, "job is " +
                                               std::string(network::JobStateName(in.state)) +
                                               ": usage is not final; ingest it after it ends");
  }
  if (in.elapsed_s < 0) {
    return Reject(RejectReason::kNegativeDuration, std::to_string(in.elapsed_s) + " s");
  }
  RatingOutcome out;
  out.ok = true;
  if (!in.start && in.elapsed_s == 0) {
    out.kind = RatingKind::kNeverRan;
    return out;
  }
  if (!in.start || !in.end) {
    return Reject(RejectReason::kAbsentDuration, std::string(in.start ? "no End" : "no Start") +
                                                     " on a job that ran " +
                                                     std::to_string(in.elapsed_s) + " s");
  }
  if (!in.step.empty()) {
    out.kind = RatingKind::kStep;
    return out;
  }
  if (!Price(in, *account, &out)) return out;
  return out;
}

bool Rater::Price(const UsageView& in, const AccountEntry& account, RatingOutcome* out) const {
  const PriceEntry* entry = prices_.Find(in.cluster, in.partition, *in.start);
  if (entry == nullptr || entry->unit == PriceUnit::kGbMonth) {
    *out = Reject(RejectReason::kNoPriceInForce,
                  "no price for partition '" + std::string(in.partition) + "' on '" +
                      std::string(in.cluster) + "' at " + in.start->ToString());
    return false;
  }
  const auto units = UnitsOf(*entry, in.tres);
  std::int64_t quantity = 0;
  if (!units.ok() || __builtin_mul_overflow(*units, in.elapsed_s, &quantity)) {
    *out = Reject(RejectReason::kOverflow, "units × ElapsedRaw overflows");
    return false;
  }
  const std::size_t index = static_cast<std::size_t>(&account - accounts_.data());
  const suanli::Rate share = account_share_[index];
  const auto amount = LineAmountFen(entry->price_fen, quantity, share);
  if (!amount.ok()) {
    *out = Reject(RejectReason::kOverflow, amount.error().message);
    return false;
  }
  RatedFigures& f = out->figures;
  f.org = account.org;
  f.contract = account.contract;
  f.day = in.end->CstDate();
  f.unit = entry->unit;
  f.quantity_unit_s = quantity;
  f.unit_price_fen = entry->price_fen;
  f.price_effective_from = entry->effective_from;
  f.discount_share = share;
  f.amount_fen = *amount;
  out->kind = RatingKind::kBilled;
  return true;
}

RatingOutcome Rater::RateStorage(std::string_view center, std::string_view partition,
                                 std::string_view account, std::int64_t gb,
                                 Date month_first_day) const {
  if (!IsRegistered(center)) {
    return Reject(RejectReason::kUnregisteredCenter,
                  "'" + std::string(center) + "' is not a registered center");
  }
  const AccountEntry* entry = FindAccount(center, account);
  if (entry == nullptr) {
    return Reject(RejectReason::kUnknownAccount, "'" + std::string(account) + "' on '" +
                                                     std::string(center) +
                                                     "' belongs to no organisation");
  }
  if (gb < 0) return Reject(RejectReason::kNegativeDuration, std::to_string(gb) + " GB");
  const Instant at = Instant::StartOfDay(month_first_day);
  const PriceEntry* price = prices_.Find(center, partition, at);
  if (price == nullptr || price->unit != PriceUnit::kGbMonth) {
    return Reject(RejectReason::kNoPriceInForce,
                  "no gb_month price on '" + std::string(center) + "' at " + at.ToString());
  }
  std::int64_t quantity = 0;
  if (__builtin_mul_overflow(gb, kSecondsPerHour, &quantity)) {
    return Reject(RejectReason::kOverflow, "GB overflows");
  }
  const suanli::Rate share = account_share_[static_cast<std::size_t>(entry - accounts_.data())];
  const auto amount = LineAmountFen(price->price_fen, quantity, share);
  if (!amount.ok()) return Reject(RejectReason::kOverflow, amount.error().message);
  RatingOutcome out;
  out.ok = true;
  out.kind = RatingKind::kBilled;
  out.figures =
      RatedFigures{entry->org, entry->contract,  month_first_day,       PriceUnit::kGbMonth,
                   quantity,   price->price_fen, price->effective_from, share,
                   *amount};
  return out;
}

}  // namespace suanli::metering
