// What an organisation actually paid the provider on a filed contract. A reimbursement program
// (Yangzhou, Langfang) pays a share of the actual payment, not of the contract fee, and the
// organisation applies only once it has paid (voucher-programs.md §1 row 7: "apply after the
// contract is signed and actually paid"): each payment is recorded with the invoice or receipt
// that proves it, and their sum is the case's contract.paid (applications.cc, BuildCase).
#include "core/limits.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

Result<Org> LoadOrg(storage::Db& db, std::int64_t org_id);          // orgs.cc
Result<Contract> LoadContract(storage::Db& db, std::int64_t id);    // contracts.cc
std::string Yuan(std::int64_t fen);

namespace {

constexpr const char* kSelectPayment =
    "SELECT p.id, p.contract_id, p.amount_fen, p.paid_on, p.document_id, c.org_id, "
    "p.recorded_at_us FROM contract_payments p JOIN contracts c ON c.id = p.contract_id ";

ContractPayment ReadPayment(const storage::Stmt& q) {
  ContractPayment p;
  p.id = q.Int(0);
  p.contract_id = q.Int(1);
  p.amount_fen = q.Int(2);
  p.paid_on = Date::Parse(q.Text(3)).value();
  p.document_id = q.Int(4);
  p.org_id = q.Int(5);
  p.recorded_at = Instant::FromMicros(q.Int(6));
  return p;
}

std::string PaymentJson(const ContractPayment& p) {
  return "{\"id\":" + std::to_string(p.id) + ",\"contract_id\":" + std::to_string(p.contract_id) +
         ",\"amount_fen\":" + std::to_string(p.amount_fen) + ",\"paid_on\":\"" +
         p.paid_on.ToString() + "\",\"document_id\":" + std::to_string(p.document_id) + "}";
}

}  // namespace

Result<ContractPayment> Platform::RecordPayment(const Principal& actor, const NewPayment& p) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant}));
  if (p.amount_fen <= 0) {
    return MakeError(p.amount_fen < 0 ? ErrorCode::kNegativeAmount : ErrorCode::kOutOfRange,
                     "amount", "a payment is more than 0.00");
  }
  if (p.amount_fen > limits::kAmountFenMax) {
    return MakeError(ErrorCode::kOverflow, "amount", "above the largest amount the ledger holds");
  }
  return state_->RunStep<ContractPayment>(actor, [&](StepContext& ctx) -> Result<ContractPayment> {
    SUANLI_ASSIGN(const Contract c, LoadContract(ctx.db, p.contract_id));
    SUANLI_TRY(RequireOrgAccess(actor, c.org_id));
    // One document proves one payment: the same payment recorded again (a retry after a lost
    // answer) is that payment; the receipt cited for anything else is refused.
    SUANLI_ASSIGN(auto same, ctx.db.Prepare(std::string(kSelectPayment) + "WHERE p.document_id = ?1"));
    SUANLI_ASSIGN(const bool cited, same.Bind(1, p.document_id).Step());
    if (cited) {
      const ContractPayment first = ReadPayment(same);
      if (first.contract_id == p.contract_id && first.amount_fen == p.amount_fen &&
          first.paid_on == p.paid_on) {
        return first;
      }
      return MakeError(ErrorCode::kDuplicate, "document_id",
                       "this receipt already proves payment " + std::to_string(first.id) + " (" +
                           Yuan(first.amount_fen) + " on " + first.paid_on.ToString() +
                           ", contract " + std::to_string(first.contract_id) + ")");
    }
    if (p.paid_on > ctx.now.CstDate()) {
      return MakeError(ErrorCode::kOutOfRange, "paid_on",
                       p.paid_on.ToString() + " is in the future (today is " +
                           ctx.now.CstDate().ToString() + ")");
    }
    if (p.paid_on < c.signed_on) {
      return MakeError(ErrorCode::kOutOfRange, "paid_on",
                       "before the contract was signed (" + c.signed_on.ToString() + ")");
    }
    // An award is computed on what was paid at its decision and never recomputed: a payment
    // recorded after it would sit in contract.paid unrewarded, or look rewarded when it is not.
    SUANLI_ASSIGN(auto app, ctx.db.Prepare("SELECT id, status FROM applications WHERE "
                                           "contract_id = ?1 AND status IN ('approved', "
                                           "'refused')"));
    SUANLI_ASSIGN(const bool decided, app.Bind(1, c.id).Step());
    if (decided) {
      return MakeError(ErrorCode::kStateConflict, "contract_id",
                       "application " + std::to_string(app.Int(0)) + " on this contract was " +
                           app.Text(1) + ": its payments are fixed");
    }
    if (p.amount_fen > c.amount_fen - c.paid_fen) {
      return MakeError(ErrorCode::kExceedsLimit, "amount",
                       Yuan(p.amount_fen) + " with the " + Yuan(c.paid_fen) +
                           " recorded is more than the contract's " + Yuan(c.amount_fen));
    }
    // The evidence: a payment_receipt the organisation itself uploaded.
    SUANLI_TRY(RequireOrgEvidence(ctx.db, c.org_id, p.document_id, "payment_receipt", "document_id"));
    const std::string object = "contract/" + std::to_string(c.id);
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO contract_payments (contract_id, "
                                           "amount_fen, paid_on, document_id, recorded_by, "
                                           "recorded_at_us) VALUES (?1,?2,?3,?4,?5,?6)"));
    ins.Bind(1, c.id).Bind(2, p.amount_fen).Bind(3, p.paid_on.ToString()).Bind(4, p.document_id);
    SUANLI_TRY(ins.Bind(5, actor.user_id).Bind(6, ctx.now.micros()).Run());
    SUANLI_ASSIGN(auto read, ctx.db.Prepare(std::string(kSelectPayment) + "WHERE p.id = ?1"));
    SUANLI_ASSIGN(const bool row, read.Bind(1, ctx.db.LastInsertRowid()).Step());
    if (!row) return MakeError(ErrorCode::kIo, "payment", "the payment just recorded is missing");
    const ContractPayment out = ReadPayment(read);
    // The contract's state counts its payments (the base of a reimbursement's award).
    SUANLI_TRY(ctx.AuditChange("contract.payment", object, std::move(state_before),
                               PaymentJson(out)));
    return out;
  });
}

Result<std::vector<ContractPayment>> Platform::ListPayments(const Principal& actor,
                                                            std::int64_t contract_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kApplicant, Role::kOfficer, Role::kAdmin, Role::kAuditor}));
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(const Contract c, LoadContract(*state_->db, contract_id));
  SUANLI_TRY(RequireOrgAccess(actor, c.org_id));
  SUANLI_ASSIGN(auto q, state_->db->Prepare(std::string(kSelectPayment) +
                                            "WHERE p.contract_id = ?1 ORDER BY p.id"));
  q.Bind(1, contract_id);
  std::vector<ContractPayment> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    out.push_back(ReadPayment(q));
  }
  return out;
}

}  // namespace suanli::workflow
