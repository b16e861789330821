// Organisation classes a program asks about beyond registration (Langfang's 新落户 AI firm for
// its one-off voucher, Hangzhou's foundation-model firm for its relaxed cap): an officer records
// them, as for a provider's lists (provider_tags.cc), and the policy engine reads them as the
// organisation's classes when it quotes an application. Without them those tiers and caps could
// never apply on the platform.
#include <algorithm>

#include "policy/program.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

Result<Org> LoadOrg(storage::Db& db, std::int64_t org_id);  // orgs.cc

// Derived, never recorded: a contract naming a major project with approved evidence makes its
// application a major project lead's (applications.cc BuildCase).
constexpr std::string_view kDerivedClass = "major_project_lead";

Result<Org> Platform::SetOrgClass(const Principal& actor, std::int64_t org_id,
                                  std::string_view cls, bool listed) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer}));
  const auto& known = policy::OrgClasses();
  if (cls == kDerivedClass) {
    return MakeError(ErrorCode::kOutOfRange, "class",
                     "major_project_lead comes with a contract that names a major project and "
                     "cites approved evidence; it is not recorded for an organisation");
  }
  if (std::find(known.begin(), known.end(), cls) == known.end()) {
    std::string names;
    for (std::string_view k : known) {
      if (k != kDerivedClass) names += (names.empty() ? "" : ", ") + std::string(k);
    }
    return MakeError(ErrorCode::kOutOfRange, "class",
                     "'" + std::string(cls) + "' is not an organisation class (" + names + ")");
  }
  return state_->RunStep<Org>(actor, [&](StepContext& ctx) -> Result<Org> {
    SUANLI_ASSIGN(const Org before, LoadOrg(ctx.db, org_id));
    const bool was =
        std::find(before.classes.begin(), before.classes.end(), cls) != before.classes.end();
    if (was == listed) return before;  // already so: nothing to change or audit
    const std::string object = "org/" + std::to_string(org_id);
    SUANLI_ASSIGN(std::string state_before, ctx.StateOf(object));  // its classes are in it
    SUANLI_ASSIGN(auto change,
                  ctx.db.Prepare(listed ? "INSERT INTO org_classes (org_id, class, listed_at_us) "
                                          "VALUES (?1, ?2, ?3)"
                                        : "DELETE FROM org_classes WHERE org_id = ?1 AND class = "
                                          "?2 AND ?3 = ?3"));
    SUANLI_TRY(change.Bind(1, org_id).Bind(2, cls).Bind(3, ctx.now.micros()).Run());
    SUANLI_ASSIGN(const Org after, LoadOrg(ctx.db, org_id));
    SUANLI_TRY(ctx.AuditChange(listed ? "org.class.list" : "org.class.unlist", object,
                               std::move(state_before), "{\"class\":" + Quoted(cls) + "}"));
    return after;
  });
}

}  // namespace suanli::workflow
