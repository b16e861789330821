// TOML → Program, one function per section. Each function reads its table with a strict
// TomlTable (unknown keys refused) and records assumed rules in program.assumptions.
#include "policy/program_loader.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/limits.h"
#include "policy/toml_table.h"

namespace suanli::policy {
namespace {

// Reads the rule's provenance and, when the rule is assumed, lists it among the assumptions.
Result<RuleSource> ReadSource(TomlTable& t, Program& p) {
  SUANLI_ASSIGN(RuleSource s, t.Source());
  if (s.assumed) p.assumptions.push_back({t.path(), s.note, s.clause});
  return s;
}

Result<Mode> ParseMode(const std::string& s, const std::string& field) {
  for (Mode m : {Mode::kVoucherDeduction, Mode::kReimbursement, Mode::kPostUseSubsidy,
                 Mode::kApplyThenRedeem, Mode::kExperienceDraw}) {
    if (ModeName(m) == s) return m;
  }
  return MakeError(ErrorCode::kOutOfRange, field,
                   "unknown mode '" + s +
                       "' (one of voucher_deduction, reimbursement, post_use_subsidy, "
                       "apply_then_redeem, experience_draw)");
}

Status ReadHeader(TomlTable& root, Program& p) {
  SUANLI_ASSIGN(auto t, root.Table("program"));
  if (!t) return MakeError(ErrorCode::kMissingField, "program", "the [program] table is required");
  SUANLI_ASSIGN(p.id, t->RequiredString("id"));
  for (char c : p.id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return MakeError(ErrorCode::kOutOfRange, "program.id",
                       "use lower-case letters, digits and '-' only (it names the file)");
    }
  }
  SUANLI_ASSIGN(p.name, t->RequiredString("name"));
  SUANLI_ASSIGN(p.city, t->RequiredString("city"));
  SUANLI_ASSIGN(p.issuer, t->RequiredString("issuer"));
  SUANLI_ASSIGN(auto year, t->Int("year", 2000, 2100));
  if (!year) return MakeError(ErrorCode::kMissingField, "program.year", "required");
  p.year = static_cast<int>(*year);
  SUANLI_ASSIGN(std::string mode, t->RequiredString("mode"));
  SUANLI_ASSIGN(p.mode, ParseMode(mode, "program.mode"));
  SUANLI_ASSIGN(p.mode_source, ReadSource(*t, p));
  return t->Finish();
}

// A whitelist table: { values = [...], clause = "..." }.
Result<std::optional<ListRule>> ReadList(TomlTable& parent, std::string_view key, Program& p,
                                         const std::vector<std::string_view>* vocabulary) {
  SUANLI_ASSIGN(auto t, parent.Table(key));
  if (!t) return std::optional<ListRule>();
  ListRule rule;
  if (vocabulary != nullptr) {
    SUANLI_ASSIGN(rule.values, t->EnumList("values", *vocabulary));
  } else {
    SUANLI_ASSIGN(rule.values, t->StringList("values"));
  }
  if (rule.values.empty()) {
    return MakeError(ErrorCode::kMissingField, t->PathOf("values"),
                     "a whitelist needs at least one value (omit the table for no rule)");
  }
  SUANLI_ASSIGN(rule.source, ReadSource(*t, p));
  SUANLI_TRY(t->Finish());
  return std::optional<ListRule>(std::move(rule));
}

Status ReadApplicant(TomlTable& root, Program& p) {
  SUANLI_ASSIGN(auto t, root.Table("applicant"));
  if (!t) return OkStatus();
  Applicant& a = p.applicant;
  SUANLI_ASSIGN(a.org_types, ReadList(*t, "org_types", p, &OrgTypes()));
  SUANLI_ASSIGN(a.regions, ReadList(*t, "regions", p, nullptr));
  SUANLI_ASSIGN(a.industries, ReadList(*t, "industries", p, nullptr));
  SUANLI_ASSIGN(auto rev, t->Table("min_revenue"));
  if (rev) {
    MinRevenue m;
    SUANLI_ASSIGN(auto amount, rev->MoneyValue("amount"));
    if (!amount) return MakeError(ErrorCode::kMissingField, rev->PathOf("amount"), "required");
    m.amount = *amount;
    SUANLI_ASSIGN(auto inclusive, rev->Bool("inclusive"));
    m.inclusive = inclusive.value_or(true);
    SUANLI_ASSIGN(m.bypass_classes, rev->EnumList("bypass_classes", OrgClasses()));
    SUANLI_ASSIGN(m.source, ReadSource(*rev, p));
    SUANLI_TRY(rev->Finish());
    a.min_revenue = std::move(m);
  }
  SUANLI_ASSIGN(auto credit, t->Table("credit"));
  if (credit) {
    Credit c;
    SUANLI_ASSIGN(auto bl, credit->Bool("refuse_blacklisted"));
    SUANLI_ASSIGN(auto active, credit->Bool("refuse_active_sanction"));
    SUANLI_ASSIGN(auto years, credit->Int("dishonesty_lookback_years", 1, 20));
    c.refuse_blacklisted = bl.value_or(false);
    c.refuse_active_sanction = active.value_or(false);
    if (years) c.dishonesty_lookback_years = static_cast<int>(*years);
    SUANLI_ASSIGN(c.source, ReadSource(*credit, p));
    SUANLI_TRY(credit->Finish());
    a.credit = std::move(c);
  }
  return t->Finish();
}

Status ReadProviderAndResources(TomlTable& root, Program& p) {
  SUANLI_ASSIGN(auto t, root.Table("provider"));
  if (t) {
    SUANLI_ASSIGN(p.provider.names, ReadList(*t, "names", p, nullptr));
    SUANLI_ASSIGN(p.provider.any_tags, ReadList(*t, "any_tags", p, &ProviderTags()));
    SUANLI_TRY(t->Finish());
  }
  SUANLI_ASSIGN(p.resource_classes, ReadList(root, "resources", p, &ResourceClasses()));
  return OkStatus();
}

Status ReadContract(TomlTable& root, Program& p) {
  SUANLI_ASSIGN(auto t, root.Table("contract"));
  if (!t) return OkStatus();
  ContractRules& c = p.contract;
  SUANLI_ASSIGN(auto after, t->Table("signed_on_or_after"));
  if (after) {
    SUANLI_ASSIGN(c.signed_on_or_after, after->DateValue("date"));
    if (!c.signed_on_or_after) {
      return MakeError(ErrorCode::kMissingField, after->PathOf("date"), "required");
    }
    SUANLI_ASSIGN(c.signed_on_or_after_source, ReadSource(*after, p));
    SUANLI_TRY(after->Finish());
  }
  SUANLI_ASSIGN(auto in_year, t->Table("signed_in_program_year"));
  if (in_year) {
    c.signed_in_program_year = true;
    SUANLI_ASSIGN(c.signed_in_program_year_source, ReadSource(*in_year, p));
    SUANLI_TRY(in_year->Finish());
  }
  SUANLI_ASSIGN(auto term, t->Table("term_max"));
  if (term) {
    SUANLI_ASSIGN(auto months, term->Int("months", 1, 120));
    if (!months) return MakeError(ErrorCode::kMissingField, term->PathOf("months"), "required");
    c.term_months_max = static_cast<int>(*months);
    SUANLI_ASSIGN(c.term_source, ReadSource(*term, p));
    SUANLI_TRY(term->Finish());
  }
  SUANLI_ASSIGN(auto once, t->Table("one_application"));
  if (once) {
    c.one_application = true;
    SUANLI_ASSIGN(c.one_application_source, ReadSource(*once, p));
    SUANLI_TRY(once->Finish());
  }
  return t->Finish();
}

Result<std::optional<Window>> ReadWindow(TomlTable& parent, std::string_view key, Program& p) {
  SUANLI_ASSIGN(auto t, parent.Table(key));
  if (!t) return std::optional<Window>();
  SUANLI_ASSIGN(auto start, t->DateValue("start"));
  SUANLI_ASSIGN(auto end, t->DateValue("end"));
  if (!start) return MakeError(ErrorCode::kMissingField, t->PathOf("start"), "required");
  if (!end) return MakeError(ErrorCode::kMissingField, t->PathOf("end"), "required");
  if (*start > *end) {
    return MakeError(ErrorCode::kContradiction, t->PathOf("start"),
                     "window starts (" + start->ToString() + ") after it ends (" +
                         end->ToString() + ")");
  }
  Window w{*start, *end, {}};
  SUANLI_ASSIGN(w.source, ReadSource(*t, p));
  SUANLI_TRY(t->Finish());
  return std::optional<Window>(w);
}

Status ReadWindowsAndValidity(TomlTable& root, Program& p) {
  SUANLI_ASSIGN(auto t, root.Table("windows"));
  if (t) {
    SUANLI_ASSIGN(p.application_window, ReadWindow(*t, "application", p));
    SUANLI_ASSIGN(p.base_period, ReadWindow(*t, "base_period", p));
    SUANLI_TRY(t->Finish());
  }
  SUANLI_ASSIGN(auto v, root.Table("validity"));
  if (!v) return OkStatus();
  Validity validity;
  SUANLI_ASSIGN(auto through, v->String("through"));
  SUANLI_ASSIGN(auto months, v->Int("months_from_issue", 1, 120));
  if (through.has_value() == months.has_value()) {
    return MakeError(ErrorCode::kContradiction, v->path(),
                     "give exactly one of 'through' (\"MM-DD\" of the issue year) and "
                     "'months_from_issue'");
  }
  if (through) {
    int month = 0, day = 0;
    if (through->size() != 5 || (*through)[2] != '-' ||
        std::sscanf(through->c_str(), "%2d-%2d", &month, &day) != 2) {
      return MakeError(ErrorCode::kParse, v->PathOf("through"), "expected \"MM-DD\"");
    }
    // 2024 is a leap year, so any month-day that exists in some year is accepted.
    SUANLI_TRY(Date::FromYmd(2024, month, day, v->PathOf("through")));
    validity.through_month = month;
    validity.through_day = day;
  } else {
    validity.months_from_issue = static_cast<int>(*months);
  }
  SUANLI_ASSIGN(validity.source, ReadSource(*v, p));
  SUANLI_TRY(v->Finish());
  p.validity = validity;
  return OkStatus();
}

}  // namespace

Status ReadGrant(TomlTable& root, Program& p);      // program_loader_grant.cc
Status ReadUsageRules(TomlTable& root, Program& p);  // program_loader_grant.cc

Result<Program> ParseProgram(std::string_view toml_text, std::string_view origin) {
  if (toml_text.size() > limits::kDocumentBytesMax) {
    return MakeError(ErrorCode::kOutOfRange, "", "program file larger than 1 MiB");
  }
  toml::table doc;
  try {
    doc = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    return MakeError(ErrorCode::kParse, "",
                     std::string(origin) + ":" + std::to_string(e.source().begin.line) + ": " +
                         std::string(e.description()));
  }
  Program p;
  TomlTable root(doc, "");
  SUANLI_TRY(ReadHeader(root, p));
  SUANLI_TRY(ReadApplicant(root, p));
  SUANLI_TRY(ReadProviderAndResources(root, p));
  SUANLI_TRY(ReadContract(root, p));
  SUANLI_TRY(ReadWindowsAndValidity(root, p));
  SUANLI_TRY(ReadGrant(root, p));
  SUANLI_TRY(ReadUsageRules(root, p));
  SUANLI_TRY(root.Finish());
  SUANLI_TRY(CheckProgram(p));
  return p;
}

Result<Program> LoadProgramFile(const std::string& path, std::string* text_out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, path, "cannot open program file");
  std::string text(limits::kDocumentBytesMax + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return MakeError(ErrorCode::kIo, path, "read failed");
  if (static_cast<std::size_t>(in.gcount()) > limits::kDocumentBytesMax) {
    return MakeError(ErrorCode::kOutOfRange, path,
                     "a program file is at most " + std::to_string(limits::kDocumentBytesMax) +
                         " bytes");
  }
  text.resize(static_cast<std::size_t>(in.gcount()));
  SUANLI_ASSIGN(Program p, ParseProgram(text, path));
  // program.id names the file: a copy under another name would load a second program with the
  // same id (a directory then lists it twice, and which one a lookup by id finds is chance).
  const std::string stem = std::filesystem::path(path).stem().string();
  if (p.id != stem) {
    return MakeError(ErrorCode::kContradiction, "program.id",
                     "id '" + p.id + "' does not match the file name '" + stem +
                         ".toml' (program.id names the file, so ids are unique in a directory)");
  }
  if (text_out != nullptr) *text_out = std::move(text);
  return p;
}

}  // namespace suanli::policy
