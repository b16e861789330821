// The ledger's invariants, listed once. StateMachine checks them cheaply before every commit
// (touched accounts and cap groups, plus per-ledger totals maintained incrementally) and fully
// after every load (every account, every open pending transfer). A violation before commit is
// a bug in the ledger and aborts (SUANLI_CHECK); a violation after load is reported.
#pragma once

// 1. Double entry. For every ledger (currency number), the sum of debits_posted over its
//    accounts equals the sum of credits_posted, and the sum of debits_pending equals the sum of
//    credits_pending. Every balance is >= 0.
// 2. Vouchers. No voucher is below zero or above its grant: debits_posted + debits_pending <=
//    credits_posted, and credits_posted + credits_pending <= credits_ceiling_fen (the grant).
//    Account creation refuses a voucher without kDebitsMustNotExceedCredits or a ceiling.
// 3. No overspending. For every account with kDebitsMustNotExceedCredits (every pool,
//    voucher and receivable), debits_posted + debits_pending <= credits_posted; with
//    kCreditsMustNotExceedDebits, credits_posted + credits_pending <= debits_posted; with a
//    ceiling, credits_posted + credits_pending <= credits_ceiling_fen.
// 4. Cap groups. For every cap group, the sum over its member accounts of credits_posted +
//    credits_pending equals the group's maintained total and does not exceed the group's cap.
//    (Counting pending credits keeps a hold from being posted past the cap.)
// 5. Pending. For every account, debits_pending (credits_pending) equals the sum of the amounts
//    of the open pending transfers that debit (credit) it; per ledger, the open pending amounts
//    sum to the ledger's pending totals. A pending transfer is open until posted, voided or
//    expired, and is resolved at most once.
//
// Also kept (not numbered, checked with them): transfer timestamps strictly increase, account
// and transfer ids are dense (1, 2, 3, ...), batch seqs have no gaps.
