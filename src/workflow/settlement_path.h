// The settlement hot path's steps, shared by one bill (SubmitSettlement, settlements.cc) and a
// provider's run of bills (SubmitSettlementRun, settlement_run.cc): check a bill against the
// voucher index, post its transfer, and turn the ledger's outcome into the answer. Internal to
// workflow/.
#pragma once

#include <string>
#include <variant>

#include "workflow/platform_state.h"

namespace suanli::workflow::settlement_path {

// A bill that passed every check: the transfer to post, and what its answer needs.
struct Prepared {
  VoucherEntry* voucher = nullptr;
  SettlementRequest request;
  policy::InvoiceMode invoice = policy::InvoiceMode::kFullAmount;
  ledger::TransferSpec transfer;
};

// A bill refused before the ledger. `closed` is set when the refusal is that the voucher can no
// longer pay (expired, closed, its organisation banned): a retry of a posting made before then
// still gets the first answer (Refuse looks its key up).
struct Refused {
  Error error;
  VoucherEntry* closed = nullptr;
  SettlementRequest request;
};

std::variant<Prepared, Refused> Prepare(Platform::State& s, const Principal& actor,
                                        SettlementRequest request);

// Answers a refused bill: its error, or the first answer when it is the retry of an earlier
// posting on a voucher that has closed since. Never blocks (the lookup is a ledger callback).
void Refuse(Platform::State& s, Refused refused, Platform::SettlementDone done);

// Answers a posted bill from its transfer's outcome: records a new settlement (voucher index,
// journal) or checks a replay's bill number against the journal. `actor` is Principal::Actor().
void Finish(Platform::State& s, const Prepared& p, const std::string& actor,
            const ledger::TransferOutcome& outcome, Platform::SettlementDone done);

}  // namespace suanli::workflow::settlement_path
