// The terms a voucher pays by, fixed when it is issued. A program file may be edited between
// two starts (program_versions.h); a voucher already issued keeps the share, the rounding and
// the way it is drawn on that its program stated then, so an edit never changes what an issued
// voucher pays — only the vouchers issued after it. Stored on the voucher's row (and in its
// audited state), read into the voucher index, and used by both money paths: settlement
// (settlements.cc) and redemption (redemptions.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"
#include "core/cst_time.h"
#include "core/rate.h"
#include "core/result.h"
#include "policy/program.h"
#include "storage/sqlite/db.h"

namespace suanli::workflow {

struct VoucherTerms {
  // Drawn on by the organisation with invoices (apply_then_redeem: Beijing), or by its
  // provider at each settlement (Chengdu).
  bool redeemed_by_org = false;
  // The share of each bill (the program's [deduction] share) or of each invoice (the tier's
  // rate), and how the product is rounded.
  Rate share;
  Rounding rounding = kDownToFen;
  // What the provider invoices after a settlement; only for vouchers drawn on at settlement.
  policy::InvoiceMode invoice = policy::InvoiceMode::kActualPayment;
  // The program's version the voucher was issued under (0: issued before versions were kept).
  std::int64_t program_version = 0;
};

// The terms `program` (at `program_version`) gives a voucher granted under tier `tier`.
// kContradiction (field "deduction", or "tier") when the program states no share for it: such a
// voucher could never pay, so it is not issued.
Result<VoucherTerms> TermsFor(const policy::Program& program, std::string_view tier,
                              std::int64_t program_version);

// The row's columns: redeemed_by ("provider" | "organisation"), share (Rate::ToString), rounding
// (Rounding::Name), invoice (InvoiceModeName; "" when redeemed by the organisation).
struct VoucherTermsColumns {
  std::string redeemed_by, share, rounding, invoice;
  std::int64_t program_version = 0;
};
VoucherTermsColumns ColumnsOf(const VoucherTerms& terms);
// Back from the columns; kParse naming the column when one does not parse.
Result<VoucherTerms> TermsFromColumns(const VoucherTermsColumns& columns);

// Once per database (meta `voucher_terms_filled`): each voucher row without terms — issued
// before they were stored — gets them from its program as now loaded, with a `voucher.terms`
// audit entry (actor "system") recording the change of its state; one transaction. A row whose
// program no longer states them stays without (its voucher then pays nothing, with that
// reason). Only once: a row emptied later is a tampered row (the reconciliation shows it), not
// one to fill from whatever the program file says by then. Returns the last entry appended.
struct LoadedProgram {
  const policy::Program* program = nullptr;
  std::int64_t version = 0;
};
Result<std::optional<audit::Anchor>> FillMissingVoucherTerms(
    storage::Db& db, audit::AuditWriter& writer, const std::vector<LoadedProgram>& programs,
    Instant now);

}  // namespace suanli::workflow
