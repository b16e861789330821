// Usage blocks of the usage log (usage_block.h has the format).
#include "metering/usage_block.h"

#include <algorithm>
#include <cstring>

#include "core/check.h"
#include "core/short_bytes.h"

namespace suanli::metering::codec {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::uint8_t kStartPresent = 0x80, kEndPresent = 0x40;  // in the state byte
constexpr std::uint8_t kSameCluster = 1, kSameJob = 2, kSameAccount = 4, kSameUser = 8,
                       kSamePartition = 16, kSameSubmit = 32, kSameTres = 64, kSeconds = 128;

// a − b and a + b modulo 2^64, as the format takes differences.
std::int64_t Sub(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}
std::int64_t Add(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}

std::uint64_t Zig(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t Unzig(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

char* PutV(char* p, std::uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}
char* PutZ(char* p, std::int64_t v) { return PutV(p, Zig(v)); }

// Bytes a record can take beyond its strings: three bytes, eleven varints of the fixed part,
// ten of the figures, a length per string and a count and a length per TRES (≤ 10 bytes each).
constexpr std::size_t kRecordFixedBytesMax = 3 + 11 * 10 + 10 * 10 + 6 * 10 + 10 +
                                             network::kSacctMaxTres * 20;

class Reader {
 public:
  explicit Reader(std::string_view* in) : in_(*in) {}
  bool V(std::uint64_t* v) {
    std::uint64_t r = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return false;
      const auto b = static_cast<std::uint8_t>(in_.front());
      in_.remove_prefix(1);
      if (shift == 63 && b > 1) return false;  // more than 64 bits
      r |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) {
        *v = r;
        return true;
      }
    }
    return false;
  }
  bool Z(std::int64_t* v) {
    std::uint64_t u = 0;
    if (!V(&u)) return false;
    *v = Unzig(u);
    return true;
  }
  bool Z32(std::int32_t* v) {
    std::int64_t w = 0;
    if (!Z(&w) || w < INT32_MIN || w > INT32_MAX) return false;
    *v = static_cast<std::int32_t>(w);
    return true;
  }
  bool U8(std::uint8_t* v) {
    if (in_.empty()) return false;
    *v = static_cast<std::uint8_t>(in_.front());
    in_.remove_prefix(1);
    return true;
  }
  bool S(std::string_view* s) {
    std::uint64_t n = 0;
    if (!V(&n) || n > in_.size()) return false;
    *s = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }

 private:
  std::string_view& in_;
};

}  // namespace

char* UsageBlockEncoder::Room(std::size_t n) {
  // Room for a record is taken ahead of it and the buffer cut to size at Finish; the caller
  // keeps the buffer's capacity from batch to batch, so this rarely allocates.
  if (used_ + n > out_->size()) out_->resize(used_ + n);
  return out_->data() + used_;
}

bool UsageBlockEncoder::Same(const Ref& ref, std::string_view s) const {
  return ShortEqual(std::string_view(out_->data() + ref.offset, ref.size), s);
}

char* UsageBlockEncoder::PutStr(char* p, std::string_view s, Ref* ref) {
  p = PutV(p, s.size());
  if (ref != nullptr) *ref = Ref{static_cast<std::size_t>(p - out_->data()), s.size()};
  // Names are short: up to 16 bytes are copied as two overlapping words (read only within s;
  // written within the record's room, which Add sized with slack to spare).
  const std::size_t n = s.size();
  const char* q = s.data();
  if (n >= 8 && n <= 16) {
    std::memcpy(p, q, 8);
    std::memcpy(p + n - 8, q + n - 8, 8);
  } else if (n >= 4 && n < 8) {
    std::memcpy(p, q, 4);
    std::memcpy(p + n - 4, q + n - 4, 4);
  } else if (n > 0) {
    std::memcpy(p, q, n);
  }
  return p + n;
}

void UsageBlockEncoder::Begin(LogBuffer* out, std::size_t header_bytes) {
  SUANLI_CHECK(!open());
  out_ = out;
  payload_ = out->size() + header_bytes;
  used_ = payload_ + 4;  // the count, written at Finish
  out->resize(used_);
  records_ = 0;
  // The previous record of the first is empty: refs of size 0 compare equal to "".
  cluster_ = job_id_ = account_ = user_ = partition_ = Ref{};
  submit_us_ = 0;
  tres_n_ = 0;
}

std::size_t UsageBlockEncoder::Finish() {
  SUANLI_CHECK(open());
  out_->resize(used_);
  std::memcpy(out_->data() + payload_, &records_, 4);  // little-endian, as the whole log
  out_ = nullptr;
  return payload_;
}

bool UsageBlockEncoder::SameTres(std::span<const network::TresCount> tres) const {
  if (tres.size() != tres_n_) return false;
  for (std::size_t i = 0; i < tres.size(); ++i) {
    if (tres[i].count != tres_count_[i] || !Same(tres_name_[i], tres[i].name)) return false;
  }
  return true;
}

void UsageBlockEncoder::Add(const UsageView& u, const RatingOutcome& outcome) {
  SUANLI_CHECK(outcome.ok && open());
  SUANLI_CHECK(u.tres.size() <= network::kSacctMaxTres);
  const bool billed = outcome.kind == RatingKind::kBilled;
  std::size_t bound = kRecordFixedBytesMax + u.cluster.size() + u.job_id.size() + u.step.size() +
                      u.account.size() + u.user.size() + u.partition.size();
  for (const auto& t : u.tres) bound += t.name.size();

  const auto whole = [](std::int64_t us) { return us % kMicrosPerSecond == 0; };
  const bool seconds = whole(u.submit.micros()) && whole(submit_us_) &&
                       (!u.start || whole(u.start->micros())) &&
                       (!u.end || whole(u.end->micros())) &&
                       (!billed || whole(outcome.figures.price_effective_from.micros()));
  const auto in_unit = [seconds](std::int64_t us) { return seconds ? us / kMicrosPerSecond : us; };
  const std::int64_t submit = in_unit(u.submit.micros());

  char* const head = Room(bound);
  char* p = head + 1;  // the "same" byte is written last
  std::uint8_t same = seconds ? kSeconds : 0;
  *p++ = static_cast<char>(outcome.kind);
  static_assert(static_cast<std::uint8_t>(network::JobState::kRequeued) < kEndPresent);
  *p++ = static_cast<char>(static_cast<std::uint8_t>(u.state) | (u.start ? kStartPresent : 0) |
                           (u.end ? kEndPresent : 0));
  const auto field = [&](std::string_view s, Ref* ref, std::uint8_t bit) {
    if (Same(*ref, s)) {
      same |= bit;
    } else {
      p = PutStr(p, s, ref);
    }
  };
  field(u.cluster, &cluster_, kSameCluster);
  field(u.job_id, &job_id_, kSameJob);
  p = PutStr(p, u.step, nullptr);
  field(u.account, &account_, kSameAccount);
  field(u.user, &user_, kSameUser);
  field(u.partition, &partition_, kSamePartition);
  if (u.submit.micros() == submit_us_) {
    same |= kSameSubmit;
  } else {
    p = PutZ(p, Sub(submit, in_unit(submit_us_)));
    submit_us_ = u.submit.micros();
  }
  const auto put_time = [&](const std::optional<Instant>& t) {
    if (t) p = PutZ(p, Sub(in_unit(t->micros()), submit));
  };
  put_time(u.start);
  put_time(u.end);
  p = PutZ(p, u.elapsed_s);
  p = PutZ(p, u.exit_code);
  p = PutZ(p, u.exit_signal);
  if (SameTres(u.tres)) {
    same |= kSameTres;
  } else {
    p = PutV(p, u.tres.size());
    for (std::size_t i = 0; i < u.tres.size(); ++i) {
      p = PutStr(p, u.tres[i].name, &tres_name_[i]);
      p = PutZ(p, u.tres[i].count);
      tres_count_[i] = u.tres[i].count;
    }
    tres_n_ = u.tres.size();
  }
  if (billed) {
    const RatedFigures& f = outcome.figures;
    p = PutV(p, f.org.value);
    p = PutV(p, f.contract ? f.contract->value : 0);
    p = PutZ(p, f.day.days());
    *p++ = static_cast<char>(f.unit);
    p = PutZ(p, f.quantity_unit_s);
    p = PutZ(p, f.unit_price_fen);
    p = PutZ(p, Sub(in_unit(f.price_effective_from.micros()), submit));
    p = PutZ(p, f.discount_share.num);
    p = PutZ(p, f.discount_share.den);
    p = PutZ(p, f.amount_fen);
  }
  *head = static_cast<char>(same);
  SUANLI_CHECK(static_cast<std::size_t>(p - head) <= bound);
  used_ += static_cast<std::size_t>(p - head);
  ++records_;
}

bool UsageBlockDecoder::Open(std::string_view payload) {
  cur_ = DecodedUsage{};
  tres_n_ = 0;
  read_ = 0;
  records_ = 0;
  in_ = {};
  if (payload.size() < 4) return false;
  std::memcpy(&records_, payload.data(), 4);
  in_ = payload.substr(4);
  return true;
}

const DecodedUsage* UsageBlockDecoder::Next() {
  if (read_ == records_ || !Decode()) return nullptr;
  ++read_;
  return &cur_;
}

bool UsageBlockDecoder::Decode() {
  Reader r(&in_);
  std::uint8_t same = 0, kind = 0, state = 0;
  if (!r.U8(&same) || !r.U8(&kind) || !r.U8(&state)) return false;
  const bool has_start = (state & kStartPresent) != 0;
  const bool has_end = (state & kEndPresent) != 0;
  state &= static_cast<std::uint8_t>(~(kStartPresent | kEndPresent));
  if (kind < 1 || kind > 3 || state > static_cast<std::uint8_t>(network::JobState::kRequeued)) {
    return false;
  }
  UsageView& u = cur_.usage;
  cur_.kind = static_cast<RatingKind>(kind);
  u.state = static_cast<network::JobState>(state);
  const auto field = [&](std::string_view* s, std::uint8_t bit) {
    return (same & bit) != 0 || r.S(s);
  };
  if (!field(&u.cluster, kSameCluster) || !field(&u.job_id, kSameJob) || !r.S(&u.step) ||
      !field(&u.account, kSameAccount) || !field(&u.user, kSameUser) ||
      !field(&u.partition, kSamePartition)) {
    return false;
  }
  const bool seconds = (same & kSeconds) != 0;
  // Back to microseconds; false when a corrupt value would not fit.
  const auto to_micros = [seconds](std::int64_t v, std::int64_t* us) {
    if (!seconds) {
      *us = v;
      return true;
    }
    return !__builtin_mul_overflow(v, kMicrosPerSecond, us);
  };
  const auto in_unit = [seconds](std::int64_t us) { return seconds ? us / kMicrosPerSecond : us; };
  // An encoder in seconds mode had a whole-second previous submit.
  if (seconds && u.submit.micros() % kMicrosPerSecond != 0) return false;
  std::int64_t submit = in_unit(u.submit.micros());
  if ((same & kSameSubmit) == 0) {
    std::int64_t d = 0, us = 0;
    if (!r.Z(&d) || !to_micros(Add(submit, d), &us)) return false;
    submit = Add(submit, d);
    u.submit = Instant::FromMicros(us);
  }
  const auto get_time = [&](bool present, std::optional<Instant>* t) {
    t->reset();
    if (!present) return true;
    std::int64_t d = 0, us = 0;
    if (!r.Z(&d) || !to_micros(Add(submit, d), &us)) return false;
    *t = Instant::FromMicros(us);
    return true;
  };
  if (!get_time(has_start, &u.start) || !get_time(has_end, &u.end) || !r.Z(&u.elapsed_s) || !r.Z32(&u.exit_code) ||
      !r.Z32(&u.exit_signal)) {
    return false;
  }
  if ((same & kSameTres) == 0) {
    std::uint64_t n = 0;
    if (!r.V(&n) || n > network::kSacctMaxTres) return false;
    for (std::size_t i = 0; i < n; ++i) {
      if (!r.S(&cur_.tres[i].name) || !r.Z(&cur_.tres[i].count)) return false;
    }
    tres_n_ = n;
  }
  u.tres = std::span<const network::TresCount>(cur_.tres.data(), tres_n_);
  cur_.figures.reset();
  if (cur_.kind != RatingKind::kBilled) return true;
  RatedFigures f;
  std::uint64_t org = 0, contract = 0;
  std::int64_t day = 0, eff = 0, eff_us = 0;
  std::uint8_t unit = 0;
  if (!r.V(&org) || !r.V(&contract) || !r.Z(&day) || !r.U8(&unit) || !r.Z(&f.quantity_unit_s) ||
      !r.Z(&f.unit_price_fen) || !r.Z(&eff) || !r.Z(&f.discount_share.num) ||
      !r.Z(&f.discount_share.den) || !r.Z(&f.amount_fen)) {
    return false;
  }
  if (unit < 1 || unit > 5 || f.discount_share.den <= 0 || day < INT32_MIN || day > INT32_MAX ||
      !to_micros(Add(submit, eff), &eff_us)) {
    return false;
  }
  f.org = OrgId(org);
  f.contract = contract == 0 ? std::nullopt : std::optional<ContractId>(ContractId(contract));
  f.day = Date::FromDays(static_cast<std::int32_t>(day));
  f.unit = static_cast<PriceUnit>(unit);
  f.price_effective_from = Instant::FromMicros(eff_us);
  cur_.figures = f;
  return true;
}

}  // namespace suanli::metering::codec
