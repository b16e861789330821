// A voucher's terms: derived from its program at issue, stored on its row (voucher_terms.h).
#include "workflow/voucher_terms.h"

#include "workflow/audited_state.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

Result<VoucherTerms> TermsFor(const policy::Program& program, std::string_view tier,
                              std::int64_t program_version) {
  VoucherTerms t;
  t.program_version = program_version;
  t.redeemed_by_org = RedeemedByOrg(program);
  if (t.redeemed_by_org) {
    // Each invoice is redeemed at the rate of the tier the voucher was granted under, rounded
    // down to the fen (in the fund's favour, as every share here).
    for (const policy::Tier& candidate : program.tiers) {
      if (candidate.id == tier) {
        t.share = candidate.rate;
        t.rounding = kDownToFen;
        return t;
      }
    }
    return MakeError(ErrorCode::kContradiction, "tier",
                     "program " + program.id + " has no tier '" + std::string(tier) +
                         "' to redeem at");
  }
  if (!program.deduction) {
    return MakeError(ErrorCode::kContradiction, "deduction",
                     "program " + program.id + " states no share of a bill to deduct");
  }
  t.share = program.deduction->share;
  t.rounding = program.deduction->rounding;
  t.invoice = program.deduction->invoice;
  return t;
}

VoucherTermsColumns ColumnsOf(const VoucherTerms& terms) {
  VoucherTermsColumns c;
  c.redeemed_by = terms.redeemed_by_org ? "organisation" : "provider";
  c.share = terms.share.ToString();
  c.rounding = terms.rounding.Name();
  c.invoice = terms.redeemed_by_org ? "" : std::string(policy::InvoiceModeName(terms.invoice));
  c.program_version = terms.program_version;
  return c;
}

Result<VoucherTerms> TermsFromColumns(const VoucherTermsColumns& c) {
  VoucherTerms t;
  if (c.redeemed_by != "organisation" && c.redeemed_by != "provider") {
    return MakeError(ErrorCode::kParse, "redeemed_by", "'" + c.redeemed_by + "'");
  }
  t.redeemed_by_org = c.redeemed_by == "organisation";
  SUANLI_ASSIGN(t.share, Rate::Parse(c.share, "share"));
  SUANLI_ASSIGN(t.rounding, Rounding::Parse(c.rounding, "rounding"));
  if (!t.redeemed_by_org) {
    bool known = false;
    for (const policy::InvoiceMode m :
         {policy::InvoiceMode::kActualPayment, policy::InvoiceMode::kFullAmount}) {
      if (policy::InvoiceModeName(m) == c.invoice) {
        t.invoice = m;
        known = true;
      }
    }
    if (!known) return MakeError(ErrorCode::kParse, "invoice", "'" + c.invoice + "'");
  }
  t.program_version = c.program_version;
  return t;
}

Result<std::optional<audit::Anchor>> FillMissingVoucherTerms(
    storage::Db& db, audit::AuditWriter& writer, const std::vector<LoadedProgram>& programs,
    Instant now) {
  std::optional<audit::Anchor> last;
  SUANLI_ASSIGN(auto tx, storage::Transaction::Begin(db));
  SUANLI_ASSIGN(auto done, db.Prepare("SELECT 1 FROM meta WHERE key = 'voucher_terms_filled'"));
  SUANLI_ASSIGN(const bool filled_before, done.Step());
  if (filled_before) return last;
  SUANLI_ASSIGN(auto q, db.Prepare("SELECT v.id, v.program_id, a.quote_json FROM vouchers v "
                                   "LEFT JOIN applications a ON a.id = v.application_id WHERE "
                                   "v.share IS NULL ORDER BY v.id"));
  SUANLI_ASSIGN(auto up, db.Prepare("UPDATE vouchers SET redeemed_by = ?2, share = ?3, rounding "
                                    "= ?4, invoice = ?5, program_version = ?6 WHERE id = ?1"));
  // Read first, then update: no row is changed under the running SELECT.
  struct Missing {
    std::int64_t id;
    std::string program_id, tier;
  };
  std::vector<Missing> missing;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    missing.push_back({q.Int(0), q.Text(1), TierOfQuote(q.Text(2))});
  }
  for (const Missing& m : missing) {
    const LoadedProgram* loaded = nullptr;
    for (const LoadedProgram& p : programs) {
      if (p.program->id == m.program_id) loaded = &p;
    }
    if (loaded == nullptr) continue;
    auto terms = TermsFor(*loaded->program, m.tier, loaded->version);
    if (!terms.ok()) continue;
    const std::string object = "voucher/" + std::to_string(m.id);
    SUANLI_ASSIGN(std::string before, AuditedStateJson(db, object));
    const VoucherTermsColumns c = ColumnsOf(*terms);
    up.Reset();
    up.Bind(1, m.id).Bind(2, c.redeemed_by).Bind(3, c.share).Bind(4, c.rounding).Bind(5, c.invoice);
    SUANLI_TRY(up.Bind(6, c.program_version).Run());
    SUANLI_ASSIGN(std::string after, AuditedStateJson(db, object));
    SUANLI_ASSIGN(const audit::AuditEntry e,
                  writer.Append(now, {"system", "voucher.terms", object, std::move(before),
                                      std::move(after),
                                      "{\"from_program_version\":" +
                                          std::to_string(loaded->version) + "}"}));
    last = audit::Anchor{e.seq, e.hash};
  }
  SUANLI_TRY(db.Exec("INSERT INTO meta (key, value) VALUES ('voucher_terms_filled', '1')"));
  SUANLI_TRY(tx.Commit());
  return last;
}

}  // namespace suanli::workflow
