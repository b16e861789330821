// The records the workflow takes and returns: plain structs, money in fen, instants in CST.
// The API layer turns them into JSON (money as decimal strings) and back. People, programs'
// money and its paperwork here; the compute network's records in records_network.h, the
// experience draws' in records_draws.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cst_time.h"
#include "core/rate.h"
#include "core/result.h"
#include "workflow/principal.h"

namespace suanli::workflow {

struct User {
  std::int64_t id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::kApplicant;
  std::optional<std::int64_t> org_id;
  std::optional<std::int64_t> provider_id;
  bool org_admin = false;
  bool disabled = false;  // a session's user never is
  // Disabled by the platform's admin (not by its organisation's admin, who may not enable it).
  bool disabled_by_platform = false;
  // Its password was set by someone else (an admin's reset or new account, an invitation):
  // until it changes it, its sessions may only do that (docs/security.md).
  bool must_change_password = false;
  std::optional<Instant> created_at;
};

// GET /users: `role` only; `query` (at most kUserQueryBytesMax) in the username or the display
// name, ASCII letters in either case.
struct UserFilter {
  std::optional<Role> role = {};
  std::string query = {};
};
inline constexpr std::size_t kUserQueryBytesMax = 128;

// An admin's change of an account (PATCH /users/{id}): only what is set changes. (Default
// initializers let callers name only what they change: {.role = Role::kAuditor}.)
struct UserPatch {
  std::optional<std::string> display_name = {};
  std::optional<Role> role = {};
  std::optional<std::int64_t> org_id = {};
  std::optional<std::int64_t> provider_id = {};
};

// An API key as listed: never its secret (shown once, when issued).
struct ApiKeyInfo {
  std::string key_id;
  std::string name;  // the owner's label; "" none
  Instant created_at;
  bool revoked = false;
  // When it last authenticated (to the minute as stored, to the second while the server
  // runs: ApiKeyCache); none if never.
  std::optional<Instant> last_used_at;
};
// An API key's name: a label its owner reads in lists ("billing system, rack 3").
inline constexpr std::size_t kApiKeyNameBytesMax = 64;

struct NewUser {
  std::string username;
  std::string display_name;
  std::string password;
  Role role = Role::kApplicant;
  std::optional<std::int64_t> org_id;
  std::optional<std::int64_t> provider_id;
};

struct Session {
  std::string token;       // the cookie value; only its digest is stored
  std::string csrf_token;  // sent back by the client in X-CSRF-Token
  Instant expires_at;
  User user;
};

struct ApiKeyIssued {
  std::string key;  // shown once: sk_<id>_<secret>
  std::string key_id;
  std::string name;
};

// Organisation types (seed 000 §四: 企业、科研院所、高校 …).
inline constexpr const char* kOrgTypes[] = {"enterprise", "research_institute", "university",
                                            "hospital", "public_institution", "other"};

struct NewOrg {
  std::string uscc;
  std::string name;
  std::string type;
  std::string region;
  std::string industry;
  std::string legal_rep_name;
  std::string legal_rep_id;  // resident ID; stored sealed, shown masked
  std::optional<std::int64_t> prior_year_revenue_fen;
  std::string credit_status = "good";  // good | watch | dishonest
  bool blacklisted = false;
  // The organisation's administrator account, created with it.
  std::string admin_username;
  std::string admin_password;
  std::string admin_display_name;
};

struct Org {
  std::int64_t id = 0;
  std::string uscc, name, type, region, industry, legal_rep_name, legal_rep_id_masked;
  std::optional<std::int64_t> prior_year_revenue_fen;
  std::string credit_status;
  bool blacklisted = false;
  std::string qualification;  // none | submitted | approved | rejected
  std::optional<std::string> qualified_until;
  std::optional<Instant> banned_until;
  Instant created_at;
  // The classes an officer recorded for it (org_classes.cc), in name order: what programs'
  // tiers and caps ask of an organisation beyond its registration (policy::OrgClasses).
  std::vector<std::string> classes;
};

// Qualification documents (seed 000 §四(一)). One of audit_report / financial_statements.
inline constexpr const char* kQualificationKinds[] = {
    "business_licence", "legal_rep_id_scan", "authenticity_pledge", "no_violation_pledge",
    "credit_report",    "audit_report",      "financial_statements"};
// Claim materials (seed 000 §四(四)).
inline constexpr const char* kClaimMaterialKinds[] = {
    "application_form", "summary_table", "qualification", "contract", "invoice",
    "proof_of_service"};

struct Document {
  std::int64_t id = 0;
  std::string owner, kind, sha256, media_type, filename, status, reason;
  std::int64_t size_bytes = 0;
  Instant uploaded_at;
};

struct NewProvider {
  std::string name, uscc, region;
};
struct Provider {
  std::int64_t id = 0;
  std::string name, uscc, region;
  // Programs' provider lists the provider is on (policy::ProviderTags(), e.g. qingyang_cluster),
  // set by officers; the policy engine checks a program's provider.any_tags against them.
  std::vector<std::string> tags;
};

struct RelatedParty {
  std::int64_t id = 0;
  std::string owner, relation, party;
};
// A declaration in the listing across owners (ListAllRelatedParties): with the owner's name
// (the organisation's or provider's, "" when it no longer exists) and when it was declared.
struct DeclaredParty : RelatedParty {
  std::string owner_name;
  Instant declared_at;
};
// Which declarations ListAllRelatedParties returns: one organisation's or one provider's (at
// most one of the two), or every organisation's and provider's.
struct RelatedPartyFilter {
  std::optional<std::int64_t> org_id = std::nullopt;
  std::optional<std::int64_t> provider_id = std::nullopt;
};

// A row of the register of other subsidies (the no-stacking rule), as imported by an officer.
struct Subsidy {
  std::int64_t id = 0;
  std::string uscc;
  std::optional<std::int64_t> org_id;  // the registered organisation with this USCC, if any
  std::string org_name;                // its name, or ""
  std::string scheme;
  std::string reference;  // the contract number or project the subsidy covers
  std::int64_t amount_fen = 0;
  int year = 0;
  // The import the row last came from; none for rows imported before imports were recorded.
  std::optional<std::int64_t> import_id;
  std::optional<Instant> imported_at;
  std::string imported_by;  // the officer's username, or ""
};
struct SubsidyFilter {
  std::optional<std::string> uscc = std::nullopt;  // exact, a valid USCC
  std::optional<int> year = std::nullopt;
  std::optional<std::int64_t> org_id = std::nullopt;  // rows whose USCC is this organisation's
};

struct NewContract {
  std::int64_t org_id = 0;
  std::int64_t provider_id = 0;
  std::string contract_no;
  std::int64_t amount_fen = 0;
  Date signed_on, start_on, end_on;
  std::string resource_class = "compute";
  std::string project_name;
  std::string project_level;  // "" | provincial | national
  std::optional<std::int64_t> evidence_document_id;
  // What the compute runs on and what for, when a program's rate depends on it (Hangzhou):
  // "" (not stated) | domestic | imported; MaaS / agents on a filed (备案) foundation model.
  std::string chip_origin;
  bool uses_filed_model = false;
};
struct Contract : NewContract {
  std::int64_t id = 0;
  Instant created_at;
  // What the organisation recorded it actually paid on the contract (the sum of its
  // ContractPayments): the base of a reimbursement program's award (policy contract.paid).
  std::int64_t paid_fen = 0;
};

// One payment the organisation made to the provider on a filed contract, with the payment
// invoice or receipt it uploaded (a payment_receipt document of the organisation).
struct NewPayment {
  std::int64_t contract_id = 0;
  std::int64_t amount_fen = 0;
  Date paid_on;
  std::int64_t document_id = 0;
};
struct ContractPayment : NewPayment {
  std::int64_t id = 0;
  std::int64_t org_id = 0;
  Instant recorded_at;
};

struct Application {
  std::int64_t id = 0;
  std::int64_t org_id = 0;
  std::string program_id;
  std::int64_t contract_id = 0;
  std::string status;  // submitted | approved | refused | waitlisted
  std::int64_t quoted_fen = 0;
  std::optional<std::int64_t> granted_fen;
  std::string quote_json;
  std::string reasons;
  Instant created_at;
  std::optional<std::int64_t> voucher_id;
  std::optional<std::int64_t> award_id;  // reimbursement and post-use programs (awards.cc)
};

// What a "pay first, subsidy after" program (mode reimbursement or post_use_subsidy) owes an
// organisation once its application is approved: no voucher and no expiry, paid out once by
// bank transfer. status: awarded | paid | withdrawn (a fraud finding in its program).
struct Award {
  std::int64_t id = 0, application_id = 0, org_id = 0, contract_id = 0;
  std::string org_name, program_id, contract_no;
  std::int64_t amount_fen = 0;
  std::string status;
  std::string bank_reference;  // "" until paid
  Instant awarded_at;
  std::optional<Instant> paid_at;
};

// A redemption (兑付) of an apply_then_redeem voucher (Beijing, Hangzhou): after paying its
// provider, the organisation claims floor(rate × invoiced) from its voucher, with the invoice
// and a delivery proof; an officer pays it by bank transfer or refuses it (redemptions.cc).
// status: submitted (the amount held from the voucher) | paid | refused (returned).
struct Redemption {
  std::int64_t id = 0, voucher_id = 0, org_id = 0;
  std::string org_name, program_id, contract_no;
  std::string invoice_no;
  std::int64_t invoiced_fen = 0;  // what the organisation paid the provider on this invoice
  std::string rate;               // the tier's rate, as the program states it ("20%")
  std::int64_t amount_fen = 0;    // floor(rate × invoiced), at most what the voucher had left
  std::int64_t invoice_document_id = 0, proof_document_id = 0;
  std::string status;
  std::string reasons;         // a refusal's
  std::string bank_reference;  // "" until paid
  Instant submitted_at;
  std::optional<Instant> decided_at;
};

// What SubmitRedemption answers: the redemption, and whether an earlier request recorded it
// (the same invoice with the same figures: a retry after a lost answer), as a settlement's
// `duplicate` says.
struct RedemptionSubmitted {
  Redemption redemption;
  bool duplicate = false;
};

struct NewRedemption {
  std::int64_t voucher_id = 0;
  std::string invoice_no;  // 1..64 bytes, once per voucher
  std::int64_t invoiced_fen = 0;
  std::int64_t invoice_document_id = 0;  // kind "invoice", the organisation's own
  std::int64_t proof_document_id = 0;    // kind "proof_of_service", the organisation's own
};

// One version of a program's file the platform has run with (program_versions.h).
struct ProgramVersion {
  std::string program_id;
  std::int64_t version = 0;          // 1, 2, … per program
  std::string sha256;                // of the file's bytes
  Instant loaded_at;                 // the start that first loaded this text
  std::int64_t vouchers_issued = 0;  // vouchers issued under this version
};

struct Voucher {
  std::int64_t id = 0;
  std::int64_t org_id = 0;
  std::string org_name;
  std::int64_t provider_id = 0;
  std::string program_id;
  std::int64_t application_id = 0;
  std::int64_t grant_fen = 0;
  // The share it pays: of each bill at settlement (the program's deduction share), or of each
  // invoice redeemed (apply_then_redeem: the tier's rate), with the rounding of that product
  // (Rounding::Name) and the program version it was issued under — its terms, fixed at issue
  // (voucher_terms.h). None only for an old voucher whose program no longer states them.
  std::optional<Rate> rate;
  std::string rounding;
  std::int64_t program_version = 0;
  std::int64_t used_fen = 0;       // deductions net of reversals
  std::int64_t remaining_fen = 0;  // what the voucher can still pay
  std::int64_t lapsed_fen = 0;
  // Who draws on it: "provider" (a share of each bill at settlement) or "organisation"
  // (apply_then_redeem: redemptions with invoice and delivery proof); what submitted
  // redemptions hold (already out of remaining_fen; used_fen once paid).
  std::string redeemed_by = "provider";
  std::int64_t held_fen = 0;
  Instant issued_at, expires_at;
  std::string status;  // active | expired | lapsed | clawed_back
};

struct SettlementRequest {
  std::string idempotency_key;  // 1..40 bytes
  std::int64_t voucher_id = 0;
  std::string bill_no;  // "M-…" only for metered bills (kMeteredBillPrefix)
  std::int64_t bill_fen = 0;
  bool metered = false;  // set by SettleMeteredBill only: a bill Suanli computed from usage
};
// Bills in one settlement run (SubmitSettlementRun) at most: a provider's billing run of a few
// hours; far below what one ledger request holds (limits::kTransfersPerRequestMax).
inline constexpr std::size_t kSettlementRunMax = 1000;
// The Idempotency-Key of a money-moving request: 1 to 40 printable ASCII characters, no spaces
// (a settlement's key becomes part of its ledger key, "stl/<provider>/<key>", at most 64 bytes).
// kMissingField when empty, kOutOfRange when longer, kParse for another character; field
// "Idempotency-Key". One check for the API's admission and the settlement steps.
inline constexpr std::size_t kIdempotencyKeyBytesMax = 40;
Status ValidateIdempotencyKey(std::string_view key);

// Bill numbers of metered settlements ("M-<org>-<days>"); reports count them as metered usage
// paid by vouchers, so a bill posted by hand may not take the prefix.
inline constexpr std::string_view kMeteredBillPrefix = "M-";
struct SettlementResult {
  std::int64_t settlement_id = 0;  // the ledger transfer id
  std::int64_t voucher_id = 0;
  std::string bill_no;
  std::int64_t bill_fen = 0;
  std::int64_t deduction_fen = 0;
  std::int64_t customer_pays_fen = 0;
  std::int64_t invoiced_fen = 0;   // what the provider invoices under the program's rule
  std::int64_t voucher_remaining_fen = 0;
  Instant at;
  bool duplicate = false;
};
struct SettlementRow {
  std::int64_t id = 0;
  std::int64_t voucher_id = 0, provider_id = 0;
  std::string program_id, bill_no;
  std::int64_t bill_fen = 0, deduction_fen = 0;
  Instant at;
  std::optional<std::int64_t> reversed_by;
};

struct Claim {
  std::int64_t id = 0;
  std::int64_t provider_id = 0;
  std::string program_id, period, status;
  std::int64_t claimed_fen = 0;
  std::optional<std::int64_t> approved_fen;
  std::string decision_reason;
  std::int64_t items = 0;
  std::vector<std::int64_t> panel;
  struct Opinion {
    std::int64_t expert_id = 0;
    std::string decision, comment;
    std::int64_t approved_fen = 0;
  };
  std::vector<Opinion> opinions;
  std::optional<std::int64_t> payout_batch_id;
};

// One line of a claim's redemption summary table (兑现汇总表): one settlement it claims.
struct ClaimSummaryRow {
  std::int64_t settlement_id = 0;
  std::string org_name, org_uscc, contract_no, bill_no;
  Instant at;
  std::int64_t bill_fen = 0, deduction_fen = 0;
};

struct PayoutBatch {
  std::int64_t id = 0;
  std::string program_id, quarter;
  std::int64_t total_fen = 0;
  struct Line {
    std::int64_t claim_id = 0, provider_id = 0, amount_fen = 0;
    std::string provider_name, provider_uscc, period;
  };
  std::vector<Line> lines;
};

struct Enforcement {
  std::int64_t id = 0, org_id = 0;
  std::string org_name, program_id, finding;
  // used_recovered_fen is owed from the finding on; it returns to the pool only as repaid_fen
  // grows (RecordRepayment), so the pool never issues money it has not got back.
  std::int64_t voucher_clawed_fen = 0, used_recovered_fen = 0, repaid_fen = 0;
  Instant banned_until, at;
  // The finding's second step (what its clawbacks took, the late recovery) has not run yet:
  // voucher_clawed_fen is 0 and used_recovered_fen may still grow (enforcement.cc).
  bool tally_pending = false;
  std::int64_t outstanding_fen() const { return used_recovered_fen - repaid_fen; }
};

// The ledger's transfers against the platform's records (reconcile.cc): counts of what was
// checked, and each difference found (the first 100 listed, all counted).
struct Reconciliation {
  std::int64_t transfers = 0, settlements = 0, moves = 0, audit_entries = 0;
  // Records compared with their last state on the audit log (audited_state.h).
  std::int64_t records = 0;
  // Transfers the ledger applied whose outbox row is still pending (a stop in between; the
  // next outbox run records them): not a difference.
  std::int64_t waiting = 0;
  // Settlements whose row start-up rebuilt from the ledger (a crash lost the journal's row):
  // their only record besides the ledger is what that rebuild wrote, so a transfer forged into
  // ledger.db with a settlement's code looks like one. Not a difference; listed (transfer ids,
  // the first 100; all counted) to be checked against the provider's bills.
  std::vector<std::int64_t> rebuilt_settlements;
  std::int64_t rebuilt_total = 0;
  std::vector<std::string> differences;
  std::int64_t differences_total = 0;
  bool ok() const { return differences_total == 0; }
};

// One repayment of a fraud finding's recovery, recorded by an officer from the bank's record.
struct Repayment {
  std::int64_t id = 0, enforcement_id = 0, amount_fen = 0;
  std::string reference;  // the bank transfer's reference
  Instant at;
};

struct Notice {
  std::int64_t id = 0;
  std::string recipient, kind, object, text_zh, text_en;
  Instant created_at;
  bool read = false;
};

struct PoolReport {
  std::string program_id;
  // Whether the program states a yearly pool. One that does not (Beijing, Yangzhou) draws its
  // grants from its funder and returns there what fraud findings claw back and recover: it has
  // no total to be funded with and nothing remains of one, so funded_fen, remaining_fen and the
  // series are empty, and the other figures count what it issued and what came back.
  bool has_pool = true;
  std::optional<std::int64_t> funded_fen, remaining_fen;
  std::int64_t issued_fen = 0, used_fen = 0, redeemed_fen = 0, lapsed_fen = 0,
               clawed_back_fen = 0;
  // Fraud recoveries: repaid (to the pool, in remaining_fen; or to the funder), and still owed
  // (not in it).
  std::int64_t repaid_fen = 0, recovery_outstanding_fen = 0;
  // Subsidy awards (reimbursement, post-use): awarded (in issued_fen) and paid out to the
  // organisations (in redeemed_fen); withdrawn after a fraud finding (in clawed_back_fen).
  std::int64_t awarded_fen = 0, award_paid_fen = 0;
  // The burn-down: the pool's funding less what was issued, at the end of each day a voucher
  // was issued (returns by clawback are in remaining_fen, not in the series).
  std::vector<std::pair<Date, std::int64_t>> series;
};

// One row of a report grouped by provider, quarter or industry. The four voucher figures count
// vouchers and their settlements only; a program's subsidy awards are apart, in `awards`.
struct ReportRow {
  std::string group;
  std::int64_t issued_fen = 0, used_fen = 0, redeemed_fen = 0, lapsed_fen = 0;
  // Subsidy awards (reimbursement and post-use programs, awards.cc): awarded (grouped by the
  // award's day), paid out to the organisation (by the payout's day) and withdrawn after a fraud
  // finding (by the withdrawal's day). Present in every row of the quarter and industry reports
  // (zeros where there are none); absent from the provider report, since an award is paid to the
  // organisation and no provider deducts, claims or is paid any of it.
  struct Awards {
    std::int64_t awarded_fen = 0, paid_fen = 0, withdrawn_fen = 0;
  };
  std::optional<Awards> awards;
};

}  // namespace suanli::workflow
