// The register of other subsidies an organisation received (for the no-stacking rule: the
// policy engine refuses a voucher on a contract or project another scheme already covers).
// Officers import it as CSV; officers, admins and auditors read it, page by page.
#include <algorithm>
#include <map>
#include <tuple>

#include "core/codes.h"
#include "core/csv.h"
#include "core/limits.h"
#include "core/money.h"
#include "workflow/audited_state.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {
namespace {

constexpr std::string_view kHeader = "uscc,scheme,reference,amount,year";
constexpr std::size_t kColumns = 5;
// A scheme's name or a contract number / project: a line of a spreadsheet, not a document.
constexpr std::size_t kSubsidyTextBytesMax = 200;

struct SubsidyRow {
  int line = 0;
  std::string uscc, scheme, reference;
  std::int64_t amount_fen = 0;
  int year = 0;
};

std::string LineField(int line) { return "line " + std::to_string(line); }

Status RequireColumns(const CsvRecord& r) {
  if (r.cells.size() == kColumns) return OkStatus();
  return MakeError(ErrorCode::kParse, LineField(r.line),
                   "expected 5 cells (" + std::string(kHeader) + "), found " +
                       std::to_string(r.cells.size()) +
                       "; a cell holding a comma is written in double quotes");
}

Result<int> ParseYear(std::string_view text, const std::string& field) {
  const bool digits = text.size() == 4 && std::all_of(text.begin(), text.end(), [](char c) {
                        return c >= '0' && c <= '9';
                      });
  if (!digits) return MakeError(ErrorCode::kParse, field, "a year of four digits, e.g. 2024");
  const int year = std::stoi(std::string(text));
  if (year < 1900) return MakeError(ErrorCode::kOutOfRange, field, "1900 to 2999");
  return year;
}

Result<SubsidyRow> ParseRow(const CsvRecord& r) {
  SUANLI_TRY(RequireColumns(r));
  const std::string at = LineField(r.line);
  SubsidyRow row;
  row.line = r.line;
  row.uscc = r.cells[0];
  row.scheme = r.cells[1];
  row.reference = r.cells[2];
  SUANLI_TRY(ValidateUscc(row.uscc, at + ".uscc"));
  SUANLI_TRY(RequireText(row.scheme, at + ".scheme", kSubsidyTextBytesMax));
  SUANLI_TRY(RequireText(row.reference, at + ".reference", kSubsidyTextBytesMax));
  SUANLI_ASSIGN(const Money amount, Money::Parse(r.cells[3], at + ".amount"));
  if (amount.is_negative()) {
    return MakeError(ErrorCode::kNegativeAmount, at + ".amount", "must not be negative");
  }
  if (amount.fen() > limits::kAmountFenMax) {
    return MakeError(ErrorCode::kOutOfRange, at + ".amount", "above the largest amount");
  }
  row.amount_fen = amount.fen();
  SUANLI_ASSIGN(row.year, ParseYear(r.cells[4], at + ".year"));
  return row;
}

// Every row of the file, or the first bad line's error: the header must be one (five cells,
// not a USCC first), at least one row must follow, and no two rows may name the same uscc,
// scheme and reference (which would leave the register holding whichever came last).
Result<std::vector<SubsidyRow>> ParseSubsidyCsv(std::string_view csv) {
  SUANLI_ASSIGN(const std::vector<CsvRecord> records, ParseCsv(csv));
  if (records.empty()) {
    return MakeError(ErrorCode::kMissingField, LineField(1),
                     "empty: expected the header " + std::string(kHeader) + " and rows");
  }
  const CsvRecord& header = records.front();
  SUANLI_TRY(RequireColumns(header));
  if (ValidateUscc(header.cells[0]).ok()) {
    return MakeError(ErrorCode::kParse, LineField(header.line),
                     "the first line is the header (" + std::string(kHeader) +
                         "); this one is a row");
  }
  if (records.size() == 1) {
    return MakeError(ErrorCode::kMissingField, LineField(header.line + 1),
                     "no rows after the header");
  }
  std::vector<SubsidyRow> rows;
  rows.reserve(records.size() - 1);
  std::map<std::tuple<std::string, std::string, std::string>, int> seen;  // key → line
  for (std::size_t i = 1; i < records.size(); ++i) {
    SUANLI_ASSIGN(SubsidyRow row, ParseRow(records[i]));
    const auto [it, fresh] = seen.emplace(std::tuple(row.uscc, row.scheme, row.reference), row.line);
    if (!fresh) {
      return MakeError(ErrorCode::kDuplicate, LineField(row.line),
                       "the same uscc, scheme and reference as line " + std::to_string(it->second));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

constexpr const char* kSelectSubsidies =
    "SELECT s.id, s.uscc, o.id, o.name, s.scheme, s.reference, s.amount_fen, s.year, i.id, "
    "i.imported_at_us, u.username FROM subsidies s "
    "LEFT JOIN orgs o ON o.uscc = s.uscc "
    "LEFT JOIN subsidy_sources src ON src.subsidy_id = s.id "
    "LEFT JOIN subsidy_imports i ON i.id = src.import_id "
    "LEFT JOIN users u ON u.id = i.imported_by "
    "WHERE s.id > ?1 AND (?2 IS NULL OR s.uscc = ?2) AND (?3 IS NULL OR s.year = ?3) "
    "AND (?4 IS NULL OR o.id = ?4) ORDER BY s.id LIMIT ?5";

Subsidy ReadSubsidy(const storage::Stmt& q) {
  Subsidy s;
  s.id = q.Int(0);
  s.uscc = q.Text(1);
  s.org_id = q.OptInt(2);
  s.org_name = q.Text(3);
  s.scheme = q.Text(4);
  s.reference = q.Text(5);
  s.amount_fen = q.Int(6);
  s.year = static_cast<int>(q.Int(7));
  s.import_id = q.OptInt(8);
  if (auto at = q.OptInt(9)) s.imported_at = Instant::FromMicros(*at);
  s.imported_by = q.Text(10);
  return s;
}

// The id of the register's row for `r` (uscc, scheme, reference) through `id_of`, or none.
Result<std::optional<std::int64_t>> IdOf(storage::Stmt& id_of, const SubsidyRow& r) {
  id_of.Reset();
  id_of.Bind(1, r.uscc).Bind(2, r.scheme).Bind(3, r.reference);
  SUANLI_ASSIGN(const bool found, id_of.Step());
  std::optional<std::int64_t> id;
  if (found) id = id_of.Int(0);
  id_of.Reset();
  return id;
}

}  // namespace

Result<std::int64_t> Platform::ImportSubsidies(const Principal& actor, std::string_view csv) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer}));
  SUANLI_ASSIGN(const std::vector<SubsidyRow> rows, ParseSubsidyCsv(csv));
  return state_->RunStep<std::int64_t>(actor, [&](StepContext& ctx) -> Result<std::int64_t> {
    SUANLI_ASSIGN(auto imp, ctx.db.Prepare("INSERT INTO subsidy_imports (imported_by, "
                                           "imported_at_us, row_count) VALUES (?1,?2,?3)"));
    if (!actor.is_system()) imp.Bind(1, actor.user_id);  // else NULL
    imp.Bind(2, ctx.now.micros());
    SUANLI_TRY(imp.Bind(3, static_cast<std::int64_t>(rows.size())).Run());
    const std::int64_t import_id = ctx.db.LastInsertRowid();
    // An upsert, not INSERT OR REPLACE: a row imported again keeps its id (the listing's cursor).
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare(
                                "INSERT INTO subsidies (uscc, scheme, reference, amount_fen, year) "
                                "VALUES (?1,?2,?3,?4,?5) ON CONFLICT (uscc, scheme, reference) DO "
                                "UPDATE SET amount_fen = excluded.amount_fen, year = excluded.year"));
    SUANLI_ASSIGN(auto id_of, ctx.db.Prepare("SELECT id FROM subsidies WHERE uscc = ?1 AND "
                                             "scheme = ?2 AND reference = ?3"));
    SUANLI_ASSIGN(auto src, ctx.db.Prepare("INSERT OR REPLACE INTO subsidy_sources (subsidy_id, "
                                           "import_id) VALUES (?1,?2)"));
    SUANLI_ASSIGN(auto forms, AuditedStateReader::Open(ctx.db, "subsidy"));
    const std::string detail = "{\"import_id\":" + std::to_string(import_id) + "}";
    std::int64_t changed = 0;
    for (const SubsidyRow& r : rows) {
      // The row's state before, when it was imported before (the same uscc, scheme, reference).
      SUANLI_ASSIGN(const auto before_id, IdOf(id_of, r));
      std::optional<std::string> before;
      if (before_id) {
        SUANLI_ASSIGN(before, forms.Read(std::to_string(*before_id)));
      }
      ins.Reset();
      ins.Bind(1, r.uscc).Bind(2, r.scheme).Bind(3, r.reference).Bind(4, r.amount_fen);
      SUANLI_TRY(ins.Bind(5, std::int64_t{r.year}).Run());
      SUANLI_ASSIGN(const auto id, IdOf(id_of, r));
      if (!id) return MakeError(ErrorCode::kIo, LineField(r.line), "row not stored");
      src.Reset();
      SUANLI_TRY(src.Bind(1, *id).Bind(2, import_id).Run());
      // Each row the import added or changed is a record of its own on the log
      // (audited_state.h), its form read back; a row imported again as it was changes nothing.
      SUANLI_ASSIGN(const auto after, forms.Read(std::to_string(*id)));
      if (!after) return MakeError(ErrorCode::kIo, LineField(r.line), "row not stored");
      if (before == after) continue;
      SUANLI_TRY(ctx.Audit("subsidy.import", "subsidy/" + std::to_string(*id),
                           before.value_or(""), *after, detail));
      ++changed;
    }
    SUANLI_TRY(ctx.Audit("subsidies.import", "subsidies", "", "",
                         "{\"rows\":" + std::to_string(rows.size()) +
                             ",\"changed\":" + std::to_string(changed) +
                             ",\"import_id\":" + std::to_string(import_id) + "}"));
    return static_cast<std::int64_t>(rows.size());
  });
}

Result<std::vector<Subsidy>> Platform::ListSubsidies(const Principal& actor, const Page& page,
                                                     const SubsidyFilter& filter) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer, Role::kAdmin, Role::kAuditor}));
  if (filter.uscc) SUANLI_TRY(ValidateUscc(*filter.uscc, "uscc"));
  if (filter.year && (*filter.year < 1900 || *filter.year > 2999)) {
    return MakeError(ErrorCode::kOutOfRange, "year", "1900 to 2999");
  }
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(auto q, state_->db->Prepare(kSelectSubsidies));
  q.Bind(1, page.after_id).Bind(2, filter.uscc);
  if (filter.year) q.Bind(3, std::int64_t{*filter.year});
  q.Bind(4, filter.org_id).Bind(5, std::int64_t{page.limit});
  std::vector<Subsidy> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    out.push_back(ReadSubsidy(q));
  }
  return out;
}

}  // namespace suanli::workflow
