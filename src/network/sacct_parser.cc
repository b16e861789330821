// sacct --parsable2 parsing (sacct_parser.h). The good-line path only slices the line into
// string_views and converts digits by hand; strings are built only to describe an error.
#include "network/sacct_parser.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "core/check.h"
#include "core/short_bytes.h"

namespace suanli::network {
namespace {

struct ColumnName {
  std::string_view name;
  std::uint8_t column;
};
// Header spellings; matched case-insensitively (sacct prints "JobID", users type "jobid").
constexpr std::array<ColumnName, 12> kColumnNames = {{
    {"jobid", 0}, {"cluster", 1}, {"account", 2}, {"user", 3}, {"partition", 4},
    {"submit", 5}, {"start", 6}, {"end", 7}, {"elapsedraw", 8}, {"alloctres", 9},
    {"state", 10}, {"exitcode", 11},
}};

bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

// Character classes, one table lookup a byte on the hot path.
enum : std::uint8_t { kDigitChar = 1, kTresNameChar = 2, kJobIdChar = 4, kStepChar = 8 };
constexpr std::array<std::uint8_t, 256> MakeCharClasses() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const bool digit = c >= '0' && c <= '9';
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    std::uint8_t k = 0;
    if (digit) k |= kDigitChar;
    // TRES names: "cpu", "gres/gpu", "gres/gpu:a800", "license/matlab", "fs/disk".
    if (letter || digit || c == '/' || c == '_' || c == '-' || c == ':' || c == '.') {
      k |= kTresNameChar;
    }
    // A job: "123", "123_4", "123_[1-5,7]", "123+1".
    if (digit || c == '_' || c == '+' || c == '[' || c == ']' || c == '-' || c == ',') {
      k |= kJobIdChar;
    }
    // A step: "batch", "extern", "0", "interactive".
    if (letter || digit || c == '_' || c == '-' || c == '.') k |= kStepChar;
    t[static_cast<std::size_t>(c)] = k;
  }
  return t;
}
constexpr std::array<std::uint8_t, 256> kCharClass = MakeCharClasses();
bool Is(char c, std::uint8_t cls) { return (kCharClass[static_cast<unsigned char>(c)] & cls) != 0; }
bool IsDigit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

// Two digits at p (caller checked them).
int Digits2(const char* p) { return (p[0] - '0') * 10 + (p[1] - '0'); }

// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
std::int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return std::int64_t{era} * 146097 + doe - 719468;
}

int DaysInMonth(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDays[static_cast<std::size_t>(m - 1)];
}

// "YYYY-MM-DD" at p (10 bytes) → days since 1970-01-01; false when malformed, before 1970 or a
// day that does not exist.
bool ParseDate(const char* p, std::int64_t* days) {
  if (p[4] != '-' || p[7] != '-' || !IsDigit(p[8]) || !IsDigit(p[9])) return false;
  // "YYYY-MM-" as one word, checked as ParseLocalTime checks the time of day: every byte but
  // the two dashes must have the high nibble 3 before and after adding 6.
  std::uint64_t ymd = 0;
  std::memcpy(&ymd, p, sizeof ymd);
  constexpr std::uint64_t kDigitBytes = 0x00ffff00ffffffffULL;  // little-endian: YYYY MM
  constexpr std::uint64_t kHigh = 0xf0f0f0f0f0f0f0f0ULL & kDigitBytes;
  constexpr std::uint64_t kThrees = 0x3030303030303030ULL & kDigitBytes;
  if ((ymd & kHigh) != kThrees || ((ymd + 0x0606060606060606ULL) & kHigh) != kThrees) {
    return false;
  }
  const int year = Digits2(p) * 100 + Digits2(p + 2);
  const int month = Digits2(p + 5);
  const int day = Digits2(p + 8);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) {
    return false;
  }
  *days = DaysFromCivil(year, month, day);
  return true;
}

// An optional time: sacct prints "Unknown" (or "None") for a start/end not reached yet.
bool IsAbsentTime(std::string_view s) { return s == "Unknown" || s == "None" || s.empty(); }

// A non-negative decimal integer that fits in int64; false on anything else.
bool ParseUint(std::string_view s, std::int64_t* out) {
  if (s.empty() || s.size() > 18) return false;  // 18 digits never overflow int64
  std::int64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool ParseInt(std::string_view s, std::int64_t* out) {
  if (!s.empty() && s[0] == '-') {
    if (!ParseUint(s.substr(1), out)) return false;
    *out = -*out;
    return true;
  }
  return ParseUint(s, out);
}

// A whole number of 1–8 digits that ends at s's end, read as one word: the 8 bytes ending there,
// those before s replaced by '0' (so `line`, where s's line starts, must be at least 8 - size
// bytes before it). False, with *out untouched, when s is longer, too near the line's start or
// not all digits: the caller then takes ParseInt, which decides. Why: ElapsedRaw's digit loop
// ended on a mispredicted branch most lines (its length varies from 1 to 5 digits).
bool ParseShortUint(std::string_view s, const char* line, std::int64_t* out) {
  const std::size_t n = s.size();
  if (n - 1 >= 8 || static_cast<std::size_t>(s.data() - line) < 8 - n) return false;
  std::uint64_t w = 0;
  std::memcpy(&w, s.data() + n - 8, sizeof w);
  const std::uint64_t keep = ~std::uint64_t{0} << (8 * (8 - n));  // s's bytes (little-endian)
  w = (w & keep) | (0x3030303030303030ULL & ~keep);
  constexpr std::uint64_t kHigh = 0xf0f0f0f0f0f0f0f0ULL;
  constexpr std::uint64_t kThrees = 0x3030303030303030ULL;
  if ((w & kHigh) != kThrees || ((w + 0x0606060606060606ULL) & kHigh) != kThrees) return false;
  // Eight digits to a number in three multiplies (the first byte is the most significant digit).
  w = ((w & 0x0f0f0f0f0f0f0f0fULL) * 2561) >> 8;
  w = ((w & 0x00ff00ff00ff00ffULL) * 6553601) >> 16;
  w = ((w & 0x0000ffff0000ffffULL) * 42949672960001ULL) >> 32;
  *out = static_cast<std::int64_t>(w);
  return true;
}

// A TRES count at p, before `end`: 1–18 digits, an optional fraction of 1–2 digits and then a
// size suffix (K, M, G, T, P: sacct prints "mem=2G", "mem=187.50G"); a fraction needs the suffix.
// Sized values are returned in MB (Slurm's unit for mem), a K value rounded up to whole MB.
// Returns where the count stops (the caller checks what follows), or nullptr when malformed.
const char* ParseTresCountAt(const char* p, const char* end, std::int64_t* out) {
  const char* const digits = p;
  std::int64_t w = 0;
  for (; p < end && IsDigit(*p); ++p) {
    if (p - digits == 18) return nullptr;  // 18 digits never overflow int64
    w = w * 10 + (*p - '0');
  }
  if (p == digits) return nullptr;
  int frac_digits = 0;
  int frac = 0;
  if (p < end && *p == '.') {
    for (++p; p < end && IsDigit(*p); ++p) {
      frac = frac * 10 + (*p - '0');
      ++frac_digits;
    }
    if (frac_digits == 0 || frac_digits > 2) return nullptr;
  }
  std::int64_t kb_per_unit = 0;  // 0: no suffix
  if (p < end) {
    switch (*p) {
      case 'K': kb_per_unit = 1; break;
      case 'M': kb_per_unit = 1024; break;
      case 'G': kb_per_unit = 1024LL * 1024; break;
      case 'T': kb_per_unit = 1024LL * 1024 * 1024; break;
      case 'P': kb_per_unit = 1024LL * 1024 * 1024 * 1024; break;
      default: break;
    }
    if (kb_per_unit != 0) ++p;
  }
  if (kb_per_unit == 0) {
    if (frac_digits != 0) return nullptr;
    *out = w;
    return p;
  }
  if (w >= 1000000) return nullptr;  // sacct picks the suffix that keeps the number small
  const std::int64_t hundredths = w * 100 + (frac_digits == 1 ? frac * 10 : frac);
  if (kb_per_unit == 1) {
    *out = ((hundredths + 99) / 100 + 1023) / 1024;
  } else {
    *out = (hundredths * (kb_per_unit / 1024) + 99) / 100;  // < 1e8 * 2^30: no overflow
  }
  return p;
}

// The whole of s is one TRES count.
bool ParseTresCount(std::string_view s, std::int64_t* out) {
  const char* const end = s.data() + s.size();
  return ParseTresCountAt(s.data(), end, out) == end;
}

// JobID "<job>[.<step>]" where <job> is digits with an optional "_task", "_[range]" or
// "+component". One pass: the job's characters run up to the first '.', which must be there if
// anything else follows.
bool SplitJobId(std::string_view s, std::string_view* job, std::string_view* step) {
  const std::size_t n = s.size();
  if (n == 0 || !IsDigit(s[0])) return false;
  std::size_t i = 1;
  while (i < n && Is(s[i], kJobIdChar)) ++i;
  *job = s.substr(0, i);
  if (i == n) {
    *step = {};
    return true;
  }
  if (s[i] != '.' || i + 1 == n) return false;
  *step = s.substr(i + 1);
  for (char c : *step) {
    if (!Is(c, kStepChar)) return false;
  }
  return true;
}

}  // namespace

std::string_view SacctErrorKindName(SacctErrorKind kind) {
  switch (kind) {
    case SacctErrorKind::kMalformed: return "malformed line";
    case SacctErrorKind::kMissingColumn: return "missing column";
    case SacctErrorKind::kUnknownColumn: return "unknown column";
    case SacctErrorKind::kEmptyField: return "empty field";
    case SacctErrorKind::kBadJobId: return "bad job id";
    case SacctErrorKind::kBadTime: return "bad time";
    case SacctErrorKind::kBadNumber: return "bad number";
    case SacctErrorKind::kNegativeDuration: return "negative duration";
    case SacctErrorKind::kEndBeforeStart: return "end before start";
    case SacctErrorKind::kBadTres: return "bad TRES";
    case SacctErrorKind::kBadState: return "bad state";
    case SacctErrorKind::kBadExitCode: return "bad exit code";
  }
  return "unknown";
}

std::string SacctLineError::ToString() const {
  std::string out = "line " + std::to_string(line) + ": ";
  if (!column.empty()) out += column + ": ";
  out += std::string(SacctErrorKindName(kind)) + " (" + reason + ")";
  return out;
}

bool ParseTresString(std::string_view text, TresMap* out) {
  out->clear();
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto eq = item.find('=');
    std::int64_t count = 0;
    if (eq == std::string_view::npos || eq == 0 || !ParseTresCount(item.substr(eq + 1), &count)) {
      return false;
    }
    (*out)[std::string(item.substr(0, eq))] = count;
  }
  return true;
}

UsageRecord ToUsageRecord(const SacctRow& row) {
  UsageRecord r;
  r.cluster = row.cluster;
  r.job_id = row.job_id;
  r.step = row.step;
  r.account = row.account;
  r.user = row.user;
  r.partition = row.partition;
  r.submit = row.submit;
  r.start = row.start;
  r.end = row.end;
  r.elapsed_s = row.elapsed_s;
  for (std::size_t i = 0; i < row.tres_count; ++i) {
    r.alloc_tres.emplace(std::string(row.tres[i].name), row.tres[i].count);
  }
  r.state = row.state;
  r.exit_code = row.exit_code;
  r.exit_signal = row.exit_signal;
  return r;
}

std::optional<SacctParser> SacctParser::FromHeader(std::string_view header, SacctOptions options,
                                                   SacctLineError* error) {
  SacctParser p;
  p.options_ = std::move(options);
  if (!header.empty() && header.back() == '\r') header.remove_suffix(1);
  std::array<bool, kColumnCount> seen{};
  std::size_t pos = 0;
  while (true) {
    const auto bar = header.find('|', pos);
    const std::string_view name = header.substr(pos, bar == std::string_view::npos ? bar : bar - pos);
    if (p.field_count_ == kMaxColumns) {
      p.Fail(1, SacctErrorKind::kMalformed, kIgnored,
             "more than " + std::to_string(kMaxColumns) + " columns", error);
      return std::nullopt;
    }
    Column column = kIgnored;
    for (const auto& known : kColumnNames) {
      if (EqualsIgnoreCase(name, known.name)) column = static_cast<Column>(known.column);
    }
    if (column == kIgnored && !p.options_.allow_unknown_columns) {
      *error = SacctLineError{1, SacctErrorKind::kUnknownColumn, std::string(name),
                              "not one of JobID|Cluster|Account|User|Partition|Submit|Start|End|"
                              "ElapsedRaw|AllocTRES|State|ExitCode"};
      return std::nullopt;
    }
    if (column != kIgnored) {
      if (seen[column]) {
        *error = SacctLineError{1, SacctErrorKind::kMalformed, std::string(name),
                                "column named twice"};
        return std::nullopt;
      }
      seen[column] = true;
      p.names_[column] = std::string(name);
    }
    p.columns_[p.field_count_++] = column;
    if (bar == std::string_view::npos) break;
    pos = bar + 1;
  }
  p.sacct_order_ = p.field_count_ == kColumnCount;
  for (std::size_t i = 0; i < p.field_count_; ++i) {
    p.sacct_order_ = p.sacct_order_ && p.columns_[i] == static_cast<Column>(i);
  }
  for (const auto& known : kColumnNames) {
    const auto column = static_cast<Column>(known.column);
    if (seen[column]) continue;
    if (column == kCluster && !p.options_.default_cluster.empty()) continue;
    *error = SacctLineError{1, SacctErrorKind::kMissingColumn, std::string(known.name),
                            column == kCluster ? "required (or set a default cluster)"
                                               : "required"};
    return std::nullopt;
  }
  return p;
}

bool SacctParser::Fail(std::uint64_t line_no, SacctErrorKind kind, Column column,
                       std::string reason, SacctLineError* error) const {
  error->line = line_no;
  error->kind = kind;
  error->column = column == kIgnored ? std::string() : names_[column];
  error->reason = std::move(reason);
  return false;
}

// Inline where ParseFields calls it (three times a line): the memo's hit is a few compares, and
// the call itself cost as much (docs/benchmarks-metering.md).
[[gnu::always_inline]] inline bool SacctParser::ParseLocalTime(std::string_view s,
                                                               std::size_t slot,
                                                               Instant* out) const {
  if (s.size() != 19) return false;
  const char* p = s.data();
  // Memoised per column: the rows of one job repeat its Submit, and mostly its Start and End,
  // to the second; and a line's three times nearly always share the date, whose conversion is
  // the costly half.
  DayMemo& memo = day_memo_[slot];
  std::array<std::uint64_t, 3> words;  // bytes 0–7, 8–15 and 11–18 (overlapping)
  std::memcpy(&words[0], p, 8);
  std::memcpy(&words[1], p + 8, 8);
  std::memcpy(&words[2], p + 11, 8);
  if (memo.time_valid && ((words[0] ^ memo.time_words[0]) | (words[1] ^ memo.time_words[1]) |
                          (words[2] ^ memo.time_words[2])) == 0) {
    *out = memo.time;
    return true;
  }
  return ConvertLocalTime(p, words, &memo, out);
}

bool SacctParser::ConvertLocalTime(const char* p, const std::array<std::uint64_t, 3>& words,
                                   DayMemo* memo_ptr, Instant* out) const {
  DayMemo& memo = *memo_ptr;
  std::uint64_t date8 = 0;
  std::uint16_t date2 = 0;
  std::memcpy(&date8, p, sizeof date8);
  std::memcpy(&date2, p + 8, sizeof date2);
  std::int64_t days = 0;
  if (memo.valid && date8 == memo.date8 && date2 == memo.date2) {
    days = memo.days;
  } else {
    // Another column's last date: a job row's Start is nearly always on its Submit's day (and
    // its End often), which the Start and End memos, holding the last job's, miss.
    const DayMemo* other = nullptr;
    for (const DayMemo& m : day_memo_) {
      if (m.valid && date8 == m.date8 && date2 == m.date2) other = &m;
    }
    if (other != nullptr) {
      days = other->days;
    } else if (!ParseDate(p, &days)) {
      return false;
    }
    memo.date8 = date8;
    memo.date2 = date2;
    memo.valid = true;
    memo.days = days;
  }
  if (p[10] != 'T' || p[13] != ':' || p[16] != ':') return false;
  // "HH:MM:SS" as one word: every byte but the two colons (checked above, so adding 6 to them
  // carries nowhere) must be 0x30..0x39, i.e. its high nibble 3 before and after adding 6. The
  // mask reads the same in either byte order.
  std::uint64_t hms = 0;
  std::memcpy(&hms, p + 11, sizeof hms);
  constexpr std::uint64_t kDigitBytes = 0xffff00ffff00ffffULL;  // little-endian: HH MM SS
  constexpr std::uint64_t kHigh = 0xf0f0f0f0f0f0f0f0ULL & kDigitBytes;
  constexpr std::uint64_t kThrees = 0x3030303030303030ULL & kDigitBytes;
  if ((hms & kHigh) != kThrees || ((hms + 0x0606060606060606ULL) & kHigh) != kThrees) {
    return false;
  }
  const int hour = Digits2(p + 11);
  const int minute = Digits2(p + 14);
  const int second = Digits2(p + 17);
  if (hour > 23 || minute > 59 || second > 59) return false;
  const std::int64_t local_s = days * kSecondsPerDay + hour * 3600 + minute * 60 + second;
  *out = Instant::FromUnixSeconds(local_s - options_.utc_offset_s);
  memo.time_words = words;
  memo.time = *out;
  memo.time_valid = true;
  return true;
}

bool SacctParser::ParseScanned(const char* begin, const char* end, const char* const* bars,
                               std::size_t bar_count, std::uint64_t line_no, SacctRow* row,
                               SacctLineError* error) const {
  if (end > begin && end[-1] == '\r') --end;  // a '\r' can only be the last field's last byte
  const std::size_t fields = bar_count + 1;
  if (fields > field_count_) {
    return Fail(line_no, SacctErrorKind::kMalformed, kIgnored,
                "more than the header's " + std::to_string(field_count_) + " fields", error);
  }
  if (fields < field_count_) {
    return Fail(line_no, SacctErrorKind::kMalformed, kIgnored,
                "truncated: " + std::to_string(fields) + " of " + std::to_string(field_count_) +
                    " fields",
                error);
  }
  Fields f;  // see Fields: every required column is assigned below
  f.line = begin;
  if (sacct_order_) {
    // The order sacct's --format in the header comment prints: field i is column i, so the
    // loop below without its lookups (fields == kColumnCount here).
    f.at[0] = {begin, static_cast<std::size_t>(bars[0] - begin)};
    for (std::size_t i = 1; i + 1 < kColumnCount; ++i) {
      f.at[i] = {bars[i - 1] + 1, static_cast<std::size_t>(bars[i] - bars[i - 1] - 1)};
    }
    f.at[kColumnCount - 1] = {bars[kColumnCount - 2] + 1,
                              static_cast<std::size_t>(end - bars[kColumnCount - 2] - 1)};
    return ParseFields(f, line_no, row, error);
  }
  f.at[kCluster] = {nullptr, 0};
  const char* start = begin;
  for (std::size_t i = 0; i < fields; ++i) {
    const char* stop = i < bar_count ? bars[i] : end;
    const Column column = columns_[i];
    if (column != kIgnored) f.at[column] = {start, static_cast<std::size_t>(stop - start)};
    start = stop + 1;
  }
  return ParseFields(f, line_no, row, error);
}

bool SacctParser::ParseTres(std::string_view tres, std::uint64_t line_no, SacctRow* row,
                            SacctLineError* error) const {
  // The same text as one of the last two good ones, or their tail from an item on: the items
  // are the memo's, as views into this line. (A job's extern step repeats the job's AllocTRES,
  // its batch step the job's without the leading billing=, its numbered steps the batch's.)
  // The memo written last first: a job's steps nearly always repeat its text (the last one
  // stored), and a fixed first slot missed for every other job (a mispredicted branch and a
  // wasted compare). Either memo that matches gives the same items, those of tres itself.
  if (!tres.empty()) {
    for (std::size_t k = 1; k <= tres_memo_.size(); ++k) {
      const TresMemo& memo = tres_memo_[(tres_memo_next_ + k) % tres_memo_.size()];
      if (tres.size() > memo.size) continue;
      const std::size_t skip = memo.size - tres.size();  // bytes of the memo's text before tres
      if ((skip != 0 && memo.text[skip - 1] != ',') ||
          !ShortEqual(tres, std::string_view(memo.text.data() + skip, tres.size()))) {
        continue;
      }
      std::size_t first = 0;  // the memo's item that starts at skip
      while (memo.name_offset[first] < skip) ++first;
      row->tres_count = static_cast<std::uint8_t>(memo.count - first);
      for (std::size_t i = first; i < memo.count; ++i) {
        row->tres[i - first] =
            TresCount{tres.substr(memo.name_offset[i] - skip, memo.name_size[i]), memo.value[i]};
      }
      return true;
    }
  }
  if (tres_cache_.Find(tres, row)) return Remember(tres, *row);
  // name=count[,name=count...]; empty for a job that was never allocated. One pass: the name's
  // characters up to '=', the count up to ',' or the end.
  row->tres_count = 0;
  const char* p = tres.data();
  const char* const end = p + tres.size();
  while (p < end) {
    const char* const item = p;
    while (p < end && Is(*p, kTresNameChar)) ++p;
    const char* const eq = p;
    std::int64_t count = 0;
    const char* const stop =
        eq != item && eq < end && *eq == '=' ? ParseTresCountAt(eq + 1, end, &count) : nullptr;
    if (stop == nullptr || (stop < end && *stop != ',')) {
      const char* const comma = std::find(item, end, ',');
      return Fail(line_no, SacctErrorKind::kBadTres, kAllocTres,
                  "'" + std::string(item, comma) + "' is not name=count", error);
    }
    if (row->tres_count == kSacctMaxTres) {
      return Fail(line_no, SacctErrorKind::kBadTres, kAllocTres,
                  "more than " + std::to_string(kSacctMaxTres) + " TRES", error);
    }
    row->tres[row->tres_count++] =
        TresCount{std::string_view(item, static_cast<std::size_t>(eq - item)), count};
    p = stop;
    if (p < end && ++p == end) {  // past the comma: nothing after it
      return Fail(line_no, SacctErrorKind::kBadTres, kAllocTres, "trailing comma", error);
    }
  }
  tres_cache_.Store(tres, *row);
  return Remember(tres, *row);
}

bool SacctParser::Remember(std::string_view tres, const SacctRow& row) const {
  TresMemo& memo = tres_memo_[tres_memo_next_];
  if (tres.empty() || tres.size() > memo.text.size()) return true;
  tres_memo_next_ = static_cast<std::uint8_t>((tres_memo_next_ + 1) % tres_memo_.size());
  memo.size = static_cast<std::uint8_t>(tres.size());
  memo.count = row.tres_count;
  std::memcpy(memo.text.data(), tres.data(), tres.size());
  for (std::size_t i = 0; i < row.tres_count; ++i) {
    memo.name_offset[i] = static_cast<std::uint8_t>(row.tres[i].name.data() - tres.data());
    memo.name_size[i] = static_cast<std::uint8_t>(row.tres[i].name.size());
    memo.value[i] = row.tres[i].count;
  }
  return true;
}

bool SacctParser::ParseFields(const Fields& f, std::uint64_t line_no, SacctRow* row,
                              SacctLineError* error) const {
  if (!SplitJobId(f[kJobId], &row->job_id, &row->step)) {
    return Fail(line_no, SacctErrorKind::kBadJobId, kJobId,
                "'" + std::string(f[kJobId]) + "' is not <job>[.<step>]", error);
  }
  const bool whole_job = row->step.empty();
  row->cluster = f[kCluster].empty() ? std::string_view(options_.default_cluster) : f[kCluster];
  if (row->cluster.empty()) {
    return Fail(line_no, SacctErrorKind::kEmptyField, kCluster, "no cluster", error);
  }
  row->account = f[kAccount];
  row->user = f[kUser];
  row->partition = f[kPartition];
  // Step rows carry no user/partition in sacct; a job row must name who ran it.
  if (row->account.empty()) {
    return Fail(line_no, SacctErrorKind::kEmptyField, kAccount, "no account", error);
  }
  if (whole_job && row->user.empty()) {
    return Fail(line_no, SacctErrorKind::kEmptyField, kUser, "no user on a job row", error);
  }
  if (!ParseLocalTime(f[kSubmit], 0, &row->submit)) {
    return Fail(line_no, SacctErrorKind::kBadTime, kSubmit,
                "'" + std::string(f[kSubmit]) + "' is not YYYY-MM-DDTHH:MM:SS", error);
  }
  for (Column c : {kStart, kEnd}) {
    std::optional<Instant>& t = c == kStart ? row->start : row->end;
    if (IsAbsentTime(f[c])) {
      t.reset();
      continue;
    }
    Instant v;
    if (!ParseLocalTime(f[c], c == kStart ? 1 : 2, &v)) {
      return Fail(line_no, SacctErrorKind::kBadTime, c,
                  "'" + std::string(f[c]) + "' is not YYYY-MM-DDTHH:MM:SS, Unknown or None",
                  error);
    }
    t = v;
  }
  if (row->start && row->end && *row->end < *row->start) {
    return Fail(line_no, SacctErrorKind::kEndBeforeStart, kEnd,
                std::string(f[kEnd]) + " < Start " + std::string(f[kStart]), error);
  }
  if (!ParseShortUint(f[kElapsedRaw], f.line, &row->elapsed_s) &&
      !ParseInt(f[kElapsedRaw], &row->elapsed_s)) {
    return Fail(line_no, SacctErrorKind::kBadNumber, kElapsedRaw,
                "'" + std::string(f[kElapsedRaw]) + "' is not a whole number of seconds", error);
  }
  if (row->elapsed_s < 0) {
    return Fail(line_no, SacctErrorKind::kNegativeDuration, kElapsedRaw,
                std::to_string(row->elapsed_s) + " s", error);
  }
  if (!ParseTres(f[kAllocTres], line_no, row, error)) return false;
  // The common values first: most rows are COMPLETED with exit 0:0.
  row->state =
      ShortEqual(f[kState], "COMPLETED") ? JobState::kCompleted : ParseJobState(f[kState]);
  if (row->state == JobState::kUnknown) {
    return Fail(line_no, SacctErrorKind::kBadState, kState,
                "'" + std::string(f[kState]) + "' is not a Slurm job state", error);
  }
  const std::string_view exit = f[kExitCode];
  std::int64_t code = 0;
  std::int64_t signal = 0;
  if (ShortEqual(exit, "0:0")) {
    row->exit_code = 0;
    row->exit_signal = 0;
    return true;
  }
  const auto colon = exit.find(':');
  if ((colon == std::string_view::npos || !ParseUint(exit.substr(0, colon), &code) ||
       !ParseUint(exit.substr(colon + 1), &signal) || code > 255 || signal > 255)) {
    return Fail(line_no, SacctErrorKind::kBadExitCode, kExitCode,
                "'" + std::string(exit) + "' is not <code>:<signal>", error);
  }
  row->exit_code = static_cast<std::int32_t>(code);
  row->exit_signal = static_cast<std::int32_t>(signal);
  return true;
}

SacctFile ParseSacctFile(std::string_view text, const SacctOptions& options) {
  SacctFile file;
  file.stats = ParseSacctText(
      text, options,
      [&](const SacctRow& row, std::uint64_t) { file.records.push_back(ToUsageRecord(row)); },
      [&](const SacctLineError& e) { file.errors.push_back(e); });
  return file;
}

}  // namespace suanli::network
