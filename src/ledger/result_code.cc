// Names of the ledger's outcome codes, as they appear in logs, the API and the CLI.
#include "ledger/ledger.h"

namespace suanli::ledger {

std::string_view ResultCodeName(ResultCode code) {
  switch (code) {
    case ResultCode::kOk: return "ok";
    case ResultCode::kLinkedEventFailed: return "linked_event_failed";
    case ResultCode::kLinkedEventChainOpen: return "linked_event_chain_open";
    case ResultCode::kExistsWithDifferentFields: return "exists_with_different_fields";
    case ResultCode::kKeyInvalid: return "key_invalid";
    case ResultCode::kInvalidFlags: return "invalid_flags";
    case ResultCode::kAccountsMustBeDifferent: return "accounts_must_be_different";
    case ResultCode::kDebitAccountNotFound: return "debit_account_not_found";
    case ResultCode::kCreditAccountNotFound: return "credit_account_not_found";
    case ResultCode::kLedgerMismatch: return "ledger_mismatch";
    case ResultCode::kAmountMustBePositive: return "amount_must_be_positive";
    case ResultCode::kAmountTooLarge: return "amount_too_large";
    case ResultCode::kExceedsCredits: return "exceeds_credits";
    case ResultCode::kExceedsDebits: return "exceeds_debits";
    case ResultCode::kExceedsCeiling: return "exceeds_ceiling";
    case ResultCode::kExceedsCapGroup: return "exceeds_cap_group";
    case ResultCode::kAccountExpired: return "account_expired";
    case ResultCode::kPendingNotFound: return "pending_not_found";
    case ResultCode::kPendingAlreadyPosted: return "pending_already_posted";
    case ResultCode::kPendingAlreadyVoided: return "pending_already_voided";
    case ResultCode::kPendingExpired: return "pending_expired";
    case ResultCode::kPendingAmountExceeded: return "pending_amount_exceeded";
    case ResultCode::kPendingMismatch: return "pending_mismatch";
    case ResultCode::kOverflow: return "overflow";
    case ResultCode::kAccountIsCapGroup: return "account_is_cap_group";
    case ResultCode::kLedgerInvalid: return "ledger_invalid";
    case ResultCode::kKindInvalid: return "kind_invalid";
    case ResultCode::kCeilingInvalid: return "ceiling_invalid";
    case ResultCode::kCapGroupNotFound: return "cap_group_not_found";
    case ResultCode::kTimeoutInvalid: return "timeout_invalid";
    case ResultCode::kAmountMustBeZero: return "amount_must_be_zero";
  }
  return "unknown";
}

}  // namespace suanli::ledger
