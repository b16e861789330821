// The platform: every step of a voucher's life, from an organisation's registration to the
// provider's payout, over the relational state (platform.db), the ledger (ledger.db) and the
// program rules (programs/*.toml). Each step checks who is acting, validates its input,
// changes state in one SQLite transaction together with its audit entry, and moves money only
// through the ledger. Steps that are not the settlement hot path are serialised by one mutex:
// they are rare, and serialising them makes every check-then-act exact.
//
// Thread-safe. Settlement (SubmitSettlement) does not take the mutex: it reads an in-memory
// voucher index and answers from the ledger's commit callback. docs/workflow.md has the state
// machines; docs/api.md maps the steps to routes.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"
#include "metering/bills.h"
#include "metering/ingest.h"
#include "metering/reconciliation.h"
#include "core/cst_time.h"
#include "core/result.h"
#include "policy/program.h"
#include "workflow/principal.h"
#include "workflow/records.h"
#include "workflow/records_draws.h"
#include "workflow/records_network.h"

namespace suanli::workflow {

struct PlatformOptions {
  std::string data_dir;        // platform.db, ledger.db, blobs/, secret.key, audit.anchor
  std::string programs_dir;    // every *.toml there is loaded (a broken one refuses start-up)
  Clock* clock = nullptr;      // required; not owned
  // Cheaper password hashing for tests that log in many times (never in production).
  bool fast_password_hashing = false;
  std::int64_t session_ttl_s = 8 * 3600;
  std::size_t document_bytes_max = 10 << 20;  // one uploaded file
};

struct Page {
  std::int64_t after_id = 0;  // cursor: rows with id > after_id
  int limit = 50;             // 1..200
};

class Platform {
 public:
  static Result<std::unique_ptr<Platform>> Open(const PlatformOptions& options);
  ~Platform();
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;

  // --- Accounts, sessions, API keys (users.cc) ---
  Result<Session> Login(std::string_view username, std::string_view password,
                        std::string_view remote_address);
  Result<Session> ResumeSession(std::string_view token);  // from the cookie
  Status Logout(std::string_view token);
  Result<Principal> AuthenticateApiKey(std::string_view key);
  // An admin creates any account; an organisation's admin invites a member of its own
  // organisation. The account must change the password at its first sign-in (someone else chose
  // it), unless the system creates it (the demo's accounts). Answers the account as listed.
  // kNotFound on org_id / provider_id for an organisation or provider that does not exist.
  Result<User> CreateUser(const Principal& actor, const NewUser& user);
  // Admins, officers and auditors list every account; an organisation's admin its own members.
  // In id order, a page at a time, filtered by role and by text in the username or display name.
  Result<std::vector<User>> ListUsers(const Principal& actor, const Page& page,
                                      const UserFilter& filter);
  // An admin disables (or enables again) an account: its sessions are ended and its API keys
  // refused at once; enabling restores the keys not revoked. An organisation's admin does the
  // same for the other members of its organisation (kForbidden outside it), but does not enable
  // a member the platform's admin disabled (kStateConflict). Nobody disables itself.
  Status SetUserDisabled(const Principal& actor, std::int64_t user_id, bool disabled);

  // --- Changing an account (user_changes.cc; rules in docs/api.md "Accounts") ---
  // An admin changes an account's display name, and its role, organisation or provider where
  // nothing is left dangling: role changes only among the platform's own roles (admin, officer,
  // expert, auditor); an applicant may move to another organisation unless it is its
  // organisation's admin, an operator to another provider. A change of powers ends the
  // account's sessions and revokes its API keys; refused on one's own account, and for an
  // expert on the panel of a claim under review. Audited (user.update). Answers the account.
  Result<User> UpdateUser(const Principal& actor, std::int64_t user_id, const UserPatch& patch);
  // Passes the organisation's admin (org_admin) to member `user_id` of the same organisation:
  // the organisation's admin, or the platform's admin. The member must be enabled. The previous
  // admin becomes a plain member; both take effect at their next request (sessions read it).
  // Audited (user.org_admin). Answers the new admin.
  Result<User> PassOrgAdmin(const Principal& actor, std::int64_t user_id);

  // --- API keys (api_keys.cc) ---
  // Issues a key for a provider operator's systems (an admin, or the operator itself, signed in
  // with a session), with an optional name (1..kApiKeyNameBytesMax bytes, no control
  // characters). The secret is in the answer only.
  Result<ApiKeyIssued> CreateApiKey(const Principal& actor, std::int64_t user_id,
                                    std::optional<std::string> name = std::nullopt);
  // Revokes one of the user's API keys (an admin, or the operator for its own): refused from the
  // next request on. kNotFound when the user has no such key.
  Status RevokeApiKey(const Principal& actor, std::int64_t user_id, std::string_view key_id);
  // A user's API keys, revoked ones too, never their secrets (an admin, or the operator its own),
  // each with its last use (the freshest known, also one not yet written).
  Result<std::vector<ApiKeyInfo>> ListApiKeys(const Principal& actor, std::int64_t user_id);
  // Writes the keys' last uses recorded in memory since their last write, each key at most once
  // a minute (every one with `all`: at shutdown); one transaction. The server runs it every
  // minute; never on a request's path.
  Status WriteApiKeyUse(bool all = false);

  // --- Passwords (passwords.cc) ---
  // The signed-in user changes its own password: the current one first (a wrong one counts as
  // a failed sign-in, throttled the same way), then the new one (8 to 1,024 bytes, not the
  // current one). Its other sessions end; the one it is signed in with (`keep_session_token`)
  // goes on. Not with an API key: kForbidden.
  Status ChangePassword(const Principal& actor, std::string_view current_password,
                        std::string_view new_password, std::string_view keep_session_token,
                        std::string_view remote_address);
  // An admin sets another account's password (a member who forgot theirs): every session of
  // that account ends, it gets a notice, and it must change the password at its next sign-in
  // (ChangePassword clears that). An admin's own goes through ChangePassword.
  Status ResetPassword(const Principal& actor, std::int64_t user_id, std::string_view new_password);

  // --- Organisations, documents, qualification (orgs.cc, documents.cc) ---
  // Self-registration (单位注册): the organisation and its administrator account.
  Result<Org> RegisterOrg(const NewOrg& org);
  Result<Org> GetOrg(const Principal& actor, std::int64_t org_id);
  Result<std::vector<Org>> ListOrgs(const Principal& actor, const Page& page,
                                    std::optional<std::string> qualification);
  Result<Document> UploadDocument(const Principal& actor, std::string owner, std::string kind,
                                  std::string filename, std::string_view bytes);
  Result<std::vector<Document>> ListDocuments(const Principal& actor, std::string_view owner);
  Result<std::string> ReadDocument(const Principal& actor, std::int64_t document_id,
                                   Document* meta);
  Result<Document> ReviewDocument(const Principal& actor, std::int64_t document_id, bool approve,
                                  std::string reason);
  Result<Org> SubmitQualification(const Principal& actor, std::int64_t org_id);
  Result<Org> DecideQualification(const Principal& actor, std::int64_t org_id, bool approve,
                                  std::string reason);
  Result<RelatedParty> DeclareRelatedParty(const Principal& actor, std::string owner,
                                           std::string relation, std::string party);
  // An officer withdraws a declaration found wrong (audited with the reason).
  Status WithdrawRelatedParty(const Principal& actor, std::int64_t id, std::string reason);
  Result<std::vector<RelatedParty>> ListRelatedParties(const Principal& actor,
                                                       std::string_view owner);
  // Every organisation's and provider's declarations (not experts' conflicts of interest,
  // which only the expert reads), in id order, for officers, admins and auditors; filtered by
  // one organisation or one provider (both: kContradiction). An unknown id lists nothing.
  Result<std::vector<DeclaredParty>> ListAllRelatedParties(const Principal& actor,
                                                           const Page& page,
                                                           const RelatedPartyFilter& filter);

  // --- Providers and contracts (providers.cc, contracts.cc) ---
  Result<Provider> CreateProvider(const Principal& actor, const NewProvider& provider);
  Result<std::vector<Provider>> ListProviders();
  // An officer records that an organisation is (listed) or is no longer of `cls`, a class a
  // program's tiers or caps name (policy::OrgClasses: newly_settled_ai_firm for Langfang's
  // one-off voucher, foundation_model_firm for Hangzhou's relaxed cap). major_project_lead is
  // not recorded here: it comes with a contract that names a major project and cites approved
  // evidence (kOutOfRange). Applications decided later are quoted with it; audited
  // (org.class.list / org.class.unlist); setting it as it is changes nothing.
  Result<Org> SetOrgClass(const Principal& actor, std::int64_t org_id, std::string_view cls,
                          bool listed);
  // An officer puts a provider on a program's provider list (listed = true) or takes it off:
  // `tag` is one of policy::ProviderTags() (kOutOfRange on "tag" otherwise). Idempotent: the
  // same request again changes nothing and is not audited again. Returns the provider.
  Result<Provider> SetProviderTag(const Principal& actor, std::int64_t provider_id,
                                  std::string_view tag, bool listed);
  Result<Contract> FileContract(const Principal& actor, const NewContract& contract);
  Result<std::vector<Contract>> ListContracts(const Principal& actor, const Page& page);
  // The organisation's applicant records what it actually paid the provider on a filed
  // contract (payments.cc): 0 < amount, the contract's payments in all at most its amount
  // (kExceedsLimit), paid_on neither after today (CST) nor before the signing (kOutOfRange on
  // "paid_on"), the evidence a payment_receipt document of the same organisation (another's:
  // kForbidden; another kind or rejected: kOutOfRange / kNotEligible; unknown: kNotFound, all
  // on "document_id"). A document proves one payment: the same payment again (same contract,
  // amount, day) answers the first one, anything else with it is kDuplicate. Refused once the
  // contract's application was decided (kStateConflict): the award was computed on what was
  // paid then. Audited (contract.payment).
  Result<ContractPayment> RecordPayment(const Principal& actor, const NewPayment& payment);
  // A contract's payments in id order, for whoever may read the contract.
  Result<std::vector<ContractPayment>> ListPayments(const Principal& actor,
                                                    std::int64_t contract_id);
  // --- Subsidy awards: pay first, subsidy after (awards.cc) ---
  // An award (its organisation's applicant, officers, admins, auditors).
  Result<Award> GetAward(const Principal& actor, std::int64_t award_id);
  // Awards in id order (?status=): officers, admins and auditors see all, an applicant its own.
  Result<std::vector<Award>> ListAwards(const Principal& actor, const Page& page,
                                        std::optional<std::string> status);
  // An officer records the bank transfer paying an award to its organisation: `amount_fen`
  // must be the award's (kContradiction), the reference 1..200 bytes. Once per award: the same
  // reference again answers the paid award, another is kStateConflict; a withdrawn award is
  // kStateConflict, a banned organisation kBanned. Moves the award's account to the program's
  // award payout account; audited (award.pay) and noticed to the organisation.
  Result<Award> PayAward(const Principal& actor, std::int64_t award_id, std::int64_t amount_fen,
                         std::string bank_reference);
  // --- Redemptions of apply_then_redeem vouchers (redemptions.cc) ---
  // The voucher's organisation (its applicant) redeems what it paid its provider: the amount is
  // floor(tier rate × invoiced), at most what the voucher has left, and is held from the voucher
  // at once (kStateConflict when nothing is left, or the voucher is closed or expired; kExpired
  // past its expiry). The invoices of one contract add up to at most its fee (kOutOfRange on
  // "invoiced"); an invoice number once per voucher (kDuplicate: the same invoice again with
  // the same figures answers the first, `duplicate` set, and changes nothing). Documents: the
  // organisation's own, of kind invoice and proof_of_service, not rejected. Audited
  // (redemption.submit), noticed to officers.
  Result<RedemptionSubmitted> SubmitRedemption(const Principal& actor, const NewRedemption& r);
  // Redemptions in id order (?status=, ?voucher_id=): an applicant its own; officers, admins and
  // auditors all.
  Result<std::vector<Redemption>> ListRedemptions(const Principal& actor, const Page& page,
                                                  std::optional<std::string> status,
                                                  std::optional<std::int64_t> voucher_id);
  Result<Redemption> GetRedemption(const Principal& actor, std::int64_t redemption_id);
  // An officer pays a submitted redemption by bank transfer: `amount_fen` must be its amount
  // (kContradiction), the reference 1..200 bytes; the same reference again answers the paid
  // redemption. Moves the held amount to the program's redemption payout account.
  Result<Redemption> PayRedemption(const Principal& actor, std::int64_t redemption_id,
                                   std::int64_t amount_fen, std::string bank_reference);
  // An officer refuses a submitted redemption with reasons: the held amount goes back to the
  // voucher while it is active and unexpired, else to the program's lapsed account.
  Result<Redemption> RefuseRedemption(const Principal& actor, std::int64_t redemption_id,
                                      std::string reasons);
  // --- Experience vouchers by weekly draw (draws.cc; Nanjing, seed 002; docs/workflow.md) ---
  // An officer opens the draw of `week` (a CST Monday; another day kOutOfRange on "week", as is
  // a week already over) for an experience_draw program (kNotFound on "program_id" for an
  // unknown one, kContradiction for another mode); one per program and week (kDuplicate on
  // "week"). The server draws a random 64-bit seed, keeps it sealed and publishes its SHA-256
  // only. Audited (draw.open, without the seed).
  Result<Draw> OpenDraw(const Principal& actor, std::string_view program_id, Date week);
  // A program's draws in id order (applicants, officers, admins, auditors); an applicant's
  // carry whether its organisation entered and what it won.
  Result<std::vector<Draw>> ListDraws(const Principal& actor, std::string_view program_id,
                                      const Page& page);
  // One draw, with its winners once drawn.
  Result<Draw> GetDraw(const Principal& actor, std::int64_t draw_id);
  // The applicant enters its own organisation in an open draw: once per organisation
  // (kDuplicate), its type among the program's applicant.org_types (kNotEligible on
  // "org_type"), not banned (kBanned); a draw already run is kStateConflict. Audited
  // (draw.enter). Answers the draw as the applicant sees it.
  Result<Draw> EnterDraw(const Principal& actor, std::int64_t draw_id);
  // An officer runs an open draw (kStateConflict once drawn): the entrants in org id order,
  // policy::DrawExperienceVouchers with the sealed seed, an experience voucher per winner, the
  // seed revealed. Audited (draw.run, experience_voucher.issue) and noticed to every entrant.
  Result<Draw> RunDraw(const Principal& actor, std::int64_t draw_id);
  // The entrant file a drawn draw read, one "org-<id>" a line in org id order, each ending
  // in "\n": `suanli draw --entrants` of it with the revealed seed gives the same winners, and
  // its SHA-256 is the draw's entrants_sha256. kStateConflict before the draw is run.
  Result<std::string> DrawEntrantsText(const Principal& actor, std::int64_t draw_id);
  // Experience vouchers in id order: an applicant its own organisation's; officers, admins
  // and auditors all.
  Result<std::vector<ExperienceVoucher>> ListExperienceVouchers(const Principal& actor,
                                                                const Page& page);
  // --- Using an experience voucher (experience_vouchers.cc; docs/workflow.md) ---
  // The winner's applicant activates its issued voucher: a one-time Slurm account
  // ("exp-<id>", one user of the same name) is opened on the first connected AI center of the
  // program's named provider and limited to the voucher's hours of cards (GrpTRESMins), then
  // mapped to the organisation as the voucher's trial account (its usage rated at 0 fen) and
  // recorded on the voucher, now active. Audited (experience_voucher.activate,
  // slurm_account.map) and noticed. Refused with nothing recorded: another organisation's
  // voucher (kForbidden), one not issued (kStateConflict on "status"), past its expiry
  // (kExpired), a banned organisation (kBanned), no connected center of the provider
  // (kStateConflict on "center"), the center failing to open or limit it (kIo on "center":
  // retry; the same account is opened again).
  Result<ExperienceVoucher> ActivateExperienceVoucher(const Principal& actor,
                                                      std::int64_t voucher_id);
  // One experience voucher (an applicant only its own organisation's).
  Result<ExperienceVoucher> GetExperienceVoucher(const Principal& actor, std::int64_t voucher_id);
  // Part of RunExpiry: gives vouchers from before validity was stored their program's expiry,
  // counts the card-hours metered on each trial account (one scan of the usage log), closes an
  // active voucher whose hours are used up (used_up), expires issued and active vouchers past
  // their last day (expired), then limits each expired voucher's account to 0 hours on its
  // center (retried every sweep until the center takes it). Each change audited and noticed.
  Status SweepExperienceVouchers();
  // --- The register of other subsidies, for the no-stacking rule (subsidies.cc) ---
  // An officer imports CSV (RFC 4180, core/csv.h): a header line of five cells, then
  // "uscc,scheme,reference,amount,year" per row. A row with the uscc, scheme and reference of
  // one already registered replaces its amount and year. The whole file is validated before
  // anything is written, and written in one step with its audit entry: a bad line (kParse,
  // kInvalidCode, kNegativeAmount, kOutOfRange, kDuplicate, kMissingField on "line N" or
  // "line N.<column>") refuses the import and changes nothing. Returns the rows imported.
  Result<std::int64_t> ImportSubsidies(const Principal& actor, std::string_view csv);
  // The register, in id order, for officers, admins and auditors, each row with the
  // organisation its USCC matches and the import it came from. kInvalidCode on "uscc" for a
  // malformed USCC filter, kOutOfRange on "year" outside 1900..2999.
  Result<std::vector<Subsidy>> ListSubsidies(const Principal& actor, const Page& page,
                                             const SubsidyFilter& filter);

  // --- The compute network: centers, prices, goods (centers.cc, center_changes.cc, goods.cc,
  // catalogue.cc) ---
  // A provider's operator (or an admin) registers one of the provider's centers.
  Result<Center> RegisterCenter(const Principal& actor, std::int64_t provider_id,
                                const network::CenterSpec& spec);
  // Every center, retired ones too (their usage is still metered), in id order.
  Result<std::vector<Center>> ListCenters();
  Result<Center> GetCenter(std::int64_t center_id);
  // The center's provider's operator (or an admin) changes how the center is described. A
  // name another center has is kDuplicate; a retired center kStateConflict. An edit that
  // changes nothing answers the center and records nothing.
  Result<Center> EditCenter(const Principal& actor, std::int64_t center_id,
                            const network::CenterEdit& edit);
  // The center's provider's operator (or an admin) retires it: no job is placed there from
  // then on and the catalogue leaves it out; its jobs go on, its price list stays, its usage is
  // still ingested. `reason` (at most 500 bytes) goes on the audit record. Retiring it again is
  // kStateConflict.
  Result<Center> RetireCenter(const Principal& actor, std::int64_t center_id,
                              std::string_view reason);
  // Undoes a retirement (a mistaken one, or a center back in service): jobs are placed there
  // and the catalogue lists it again; the audit record keeps when it had been retired and
  // `reason`. A center in service is kStateConflict. Same roles as RetireCenter.
  Result<Center> ReinstateCenter(const Principal& actor, std::int64_t center_id,
                                 std::string_view reason);
  // A new price entry; never an edit (a correction is a later entry, or the same day refused).
  // On a retired center only an entry in force by the day it was retired (a correction for
  // usage it ran) is accepted.
  Result<Price> SetPrice(const Principal& actor, const NewPrice& price);
  Result<std::vector<Price>> ListPrices(std::int64_t center_id);
  // Every center's entries in force on `day`: per (center, partition, unit) the latest whose
  // day has begun, ordered by center, partition and unit. One query.
  Result<std::vector<Price>> PricesInForce(Date day);
  Result<Goods> AddGoods(const Principal& actor, const NewGoods& goods);
  // Open to everyone, as the catalogue: goods in id order after `page.after_id`, withdrawn ones
  // only when asked. kOutOfRange on "kind" for an unknown kind.
  Result<std::vector<Goods>> ListGoods(const GoodsFilter& filter, const Page& page);
  // One of the goods, withdrawn or not; kNotFound when there is none.
  Result<Goods> GetGoods(std::int64_t goods_id);
  // The provider's operator (or an admin) reprices its goods or changes their unit or
  // description, each checked as when listed; withdrawn goods are kStateConflict. An edit
  // that changes nothing answers the goods and records nothing.
  Result<Goods> EditGoods(const Principal& actor, std::int64_t goods_id, const GoodsEdit& edit);
  // The provider's operator (or an admin) withdraws its goods: out of the catalogue from now
  // on, still readable by id. `reason` (at most 500 bytes) goes on the audit record.
  // Withdrawing them again is kStateConflict.
  Result<Goods> WithdrawGoods(const Principal& actor, std::int64_t goods_id,
                              std::string_view reason);
  // Everyone may search: `query` matches names, regions, models and software (ASCII case
  // folded); `kind` is "", "compute" (centers only) or one goods kind. Retired centers and
  // withdrawn goods are left out.
  Result<CatalogueResult> SearchCatalogue(std::string_view query, std::string_view kind);

  // --- Metering (metering.cc): accounts, usage, bills, metered settlement, reconciliation ---
  // Maps a Slurm account on a center to the organisation (and contract, discount class) that
  // pays for its jobs. The center's provider's operator, or an admin.
  Result<SlurmAccount> MapSlurmAccount(const Principal& actor, const SlurmAccount& account);
  Result<std::vector<SlurmAccount>> ListSlurmAccounts(const Principal& actor,
                                                      std::int64_t center_id);
  // Limits a (trial) account to a voucher's hours on the center, as Slurm's GrpTRESMins on the
  // account: jobs stop starting once its usage reaches either. Needs the center's connector.
  Status LimitSlurmAccount(const Principal& actor, std::int64_t center_id,
                           std::int64_t account_id, std::int64_t card_hours,
                           std::int64_t core_hours);
  // Ingests a `sacct --parsable2` file for one of the actor's centers: every line rated and
  // stored durably, or reported with its reason and never billed; idempotent by
  // (center, job, step). Records naming another cluster are refused as unregistered.
  Result<metering::IngestReport> IngestUsage(const Principal& actor, std::int64_t center_id,
                                             std::string_view sacct_text);
  // The same for a connector's page, with the center's cursor stored in the same batch.
  Result<metering::IngestReport> IngestUsageRecords(const Principal& actor,
                                                    std::int64_t center_id,
                                                    std::span<const network::UsageRecord> records,
                                                    std::optional<std::string> cursor);
  Result<std::optional<std::string>> UsageCursor(std::int64_t center_id);
  // Pulls the center's new usage through its connector from the stored cursor and ingests it,
  // page by page (each page and the cursor after it in one durable batch), until a page comes
  // back empty or `pages_max` pages were read. kNotFound when no connector is attached.
  Result<UsagePull> PullUsage(const Principal& actor, std::int64_t center_id,
                              std::size_t pages_max = 100);
  // PullUsage for every center with a connector, as the system: what `suanli serve` runs
  // every --usage-interval. A center that fails is logged and the others still pulled.
  std::vector<UsagePull> PullAllUsage();
  // An organisation's metered bills for a period ("2024Q2" or "2024-04-01..2024-06-30"), one
  // per contract. Providers see their own centers' lines; applicants their own organisation.
  Result<std::vector<metering::Bill>> Bills(const Principal& actor, std::int64_t org_id,
                                            std::string_view period);
  // Settles the organisation's metered bills for the period on the actor's centers through
  // the voucher, as one bill of their total (SubmitSettlement's rules and answer).
  void SettleMeteredBill(const Principal& actor, std::int64_t org_id, std::string_view period,
                         std::int64_t voucher_id, std::string idempotency_key,
                         std::function<void(Result<SettlementResult>)> done);
  // The claim's bill amounts per organisation against what the claim's provider's centers
  // metered for them in the claim's period; flagged where the claim exceeds the metering.
  Result<metering::Reconciliation> ReconcileClaim(const Principal& actor, std::int64_t claim_id);

  // --- Jobs on the network (jobs.cc) ---
  // Makes a center reachable for jobs, by its connector's cluster name. Not owned; it must
  // outlive the platform. Centers without one are not offered to the router.
  void AttachConnector(network::CenterConnector* connector);
  // Places the job by the router's score on the centers where the organisation has a Slurm
  // account, submits it there and falls back to the next center on refusal or failure. A job
  // no center can take is recorded "unplaced" with every center's reason.
  Result<Job> SubmitJob(const Principal& actor, const NewJob& job);
  // Many jobs at once (at most kJobBatchMax): every request validated before any is
  // submitted; the batch planner (routing/planner.h) assigns them to minimise the sum of the
  // router's scores within each center's free units (most jobs placed first); each is then
  // submitted to its planned center, falling back down its own ranking if that one refuses.
  static constexpr std::size_t kJobBatchMax = 200;
  Result<JobBatch> SubmitJobBatch(const Principal& actor, const std::vector<NewJob>& jobs);
  // The organisation's jobs (officers, admins, auditors: every job), newest first, with
  // states refreshed from the centers.
  Result<std::vector<Job>> ListJobs(const Principal& actor);
  // One job, its state refreshed; another organisation's job is kNotFound to an applicant.
  // The script is the organisation's own code: its applicants read the text, officers, admins
  // and auditors only its SHA-256 (enough to check a copy the organisation shows them).
  Result<Job> GetJob(const Principal& actor, std::int64_t job_id);
  // Asks the job's center to cancel it (the organisation, or an admin); a job that has ended
  // or was never placed is kStateConflict. Answers the job as the center reports it then.
  Result<Job> CancelJob(const Principal& actor, std::int64_t job_id);
  // Per CST day from `first` to `last` (at most 366 days): card- and core-seconds used against
  // capacity, jobs ended, amount billed; and the voucher-funded share of the provider's bills.
  Result<Utilisation> CenterUtilisation(std::int64_t center_id, Date first, Date last);

  // --- Programs, applications, vouchers (applications.cc, vouchers.cc) ---
  std::vector<const policy::Program*> Programs() const;
  const policy::Program* FindProgram(std::string_view program_id) const;
  // Every version of a program's file the platform has run with, oldest first, and one
  // version's text (program_versions.cc). Public: the rules in force are no secret. kNotFound
  // for a program never loaded.
  Result<std::vector<ProgramVersion>> ProgramVersions(std::string_view program_id);
  Result<std::string> ProgramVersionText(std::string_view program_id, std::int64_t version);
  Result<Application> Apply(const Principal& actor, std::string_view program_id,
                            std::int64_t contract_id);
  Result<std::vector<Application>> ListApplications(const Principal& actor, const Page& page,
                                                    std::optional<std::string> status);
  Result<Application> DecideApplication(const Principal& actor, std::int64_t application_id,
                                        bool approve, std::string reasons);
  // One application (its organisation's applicant, officers, admins, auditors), with the
  // voucher or award its approval issued.
  Result<Application> GetApplication(const Principal& actor, std::int64_t application_id);
  Result<Voucher> GetVoucher(const Principal& actor, std::int64_t voucher_id);
  Result<std::vector<Voucher>> ListVouchers(const Principal& actor, const Page& page);
  Result<std::vector<SettlementRow>> ListDeductions(const Principal& actor,
                                                    std::int64_t voucher_id);

  // --- Settlement: the hot path (settlements.cc) ---
  using SettlementDone = std::function<void(Result<SettlementResult>)>;
  // Answers through `done` once the deduction is durable (or refused); `done` may run on the
  // calling thread (refused before the ledger) or on a ledger thread. Never blocks on I/O.
  void SubmitSettlement(const Principal& actor, SettlementRequest request, SettlementDone done);
  // A provider's run of bills in one request (its billing system's batch, settlement_run.cc):
  // each bill is settled or refused on its own, exactly as SubmitSettlement would (its own
  // Idempotency-Key and answer; a run is not atomic), and the bills that pass the checks go to
  // the ledger as one request, sharing its batch and fsync. `done` gets one answer per bill, in
  // order, or the error of the whole run (empty, over kSettlementRunMax bills, not a provider).
  using SettlementRunDone = std::function<void(Result<std::vector<Result<SettlementResult>>>)>;
  void SubmitSettlementRun(const Principal& actor, std::vector<SettlementRequest> bills,
                           SettlementRunDone done);
  // A correction: the reversing entry puts the deduction back on the voucher. Never an edit.
  Result<SettlementRow> ReverseSettlement(const Principal& actor, std::int64_t settlement_id,
                                          std::string reason);

  // --- Redemption and payout (claims.cc, payouts.cc) ---
  Result<Claim> CompileClaim(const Principal& actor, std::string_view program_id,
                             std::string_view period);
  Result<Claim> GetClaim(const Principal& actor, std::int64_t claim_id);
  Result<std::vector<Claim>> ListClaims(const Principal& actor, const Page& page);
  // The redemption summary table of a claim, one row per settlement, in settlement order.
  Result<std::vector<ClaimSummaryRow>> ClaimSummary(const Principal& actor, std::int64_t claim_id);
  Result<Claim> SubmitClaim(const Principal& actor, std::int64_t claim_id);
  Result<Claim> AssignPanel(const Principal& actor, std::int64_t claim_id,
                            std::vector<std::int64_t> expert_ids);
  Result<Claim> RecordOpinion(const Principal& actor, std::int64_t claim_id,
                              std::string decision, std::int64_t approved_fen,
                              std::string comment);
  Result<Claim> DecideClaim(const Principal& actor, std::int64_t claim_id, std::string reason);
  Result<PayoutBatch> CreatePayoutBatch(const Principal& actor, std::string_view program_id,
                                        std::string_view quarter);
  Result<PayoutBatch> GetPayoutBatch(const Principal& actor, std::int64_t batch_id);

  // --- Enforcement, expiry, notices, reports (enforcement.cc, expiry.cc, reports.cc) ---
  Result<Enforcement> RecordFraud(const Principal& actor, std::int64_t org_id,
                                  std::string_view program_id, std::string finding);
  // Findings, newest first; officers, auditors and admins see all of them.
  Result<std::vector<Enforcement>> ListEnforcements(const Principal& actor);
  // The organisation repaid part or all of what a finding recovers (officer, from the bank's
  // record): 0 < amount ≤ what is still owed, a reference of at most 200 bytes. The amount
  // moves from the finding's recovery account to the program's pool, which can issue it again.
  Result<Enforcement> RecordRepayment(const Principal& actor, std::int64_t enforcement_id,
                                      std::int64_t amount_fen, std::string reference);
  // Runs the money moves still waiting in the outbox (a step committed while the ledger could
  // not take them) and finishes the fraud findings they held up, then lapses expired vouchers
  // and sends expiry reminders; run by the server every minute and safe to run at any time
  // (each effect happens once).
  Status RunExpiry();
  // How many committed money moves wait in the outbox for the ledger: 0 when all is well (the
  // server's suanli_money_moves_waiting gauge, counted at each scrape). Never waits for a step:
  // while one runs it answers the last count.
  Result<std::int64_t> MoneyMovesWaiting();
  // Asks the centers for the state of every routed job not yet final and releases the units of
  // those that ended (jobs.cc). Run on listing jobs, and by the server every --expiry-interval:
  // a job that ends while nobody lists jobs would otherwise keep its units held, and once Slurm
  // forgets it (MinJobAge, 300 s by default) it could never be seen final.
  Status RefreshJobs();
  Result<std::vector<Notice>> ListNotices(const Principal& actor);
  Status MarkNoticeRead(const Principal& actor, std::int64_t notice_id);
  Result<PoolReport> Pool(const Principal& actor, std::string_view program_id);
  Result<std::vector<ReportRow>> Report(const Principal& actor, std::string_view program_id,
                                        std::string_view by);

  // --- Audit ---
  Result<audit::AuditPage> ListAudit(const Principal& actor, const audit::AuditFilter& filter);
  Result<audit::VerifyReport> VerifyAudit(const Principal& actor);
  // Checks every ledger transfer against the platform's records of it, and those records
  // against the ledger and the audit log (reconcile.cc): what ledger.db's own checks cannot see,
  // an edit of it that keeps its invariants. Auditors and admins.
  Result<Reconciliation> Reconcile(const Principal& actor);

  Clock& clock();
  // True once start-up recovery finished (the readiness probe).
  bool ready() const;

  struct State;  // defined in platform_state.h

 private:
  explicit Platform(std::unique_ptr<State> state);
  // SweepExperienceVouchers' last part: the expired vouchers' accounts limited to 0 hours.
  Status CloseExpiredAccounts();
  Result<SlurmAccount> MapSlurmAccountRow(const Principal& actor, const Center& center,
                                          const SlurmAccount& account);
  Result<Job> RecordJob(const Principal& actor, Job job);  // jobs.cc: the row and its audit
  // `not_after`: records ending after it are refused (uploads; not pulled usage).
  Result<metering::IngestReport> IngestUsageFrom(
      const Principal& actor, std::int64_t center_id, std::optional<Instant> not_after,
      const std::function<Result<metering::IngestReport>(const metering::Rater&, State&)>& run);
  std::unique_ptr<State> state_;
};

}  // namespace suanli::workflow
