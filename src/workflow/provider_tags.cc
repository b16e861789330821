// Programs' provider lists (Beijing's compute partners, Qingyang's data-centre cluster, …): an
// officer puts a provider on a list or takes it off, and the policy engine reads the lists as the
// provider's tags when it quotes an application (provider.any_tags). Without them every program
// that names its providers refused every application made on the platform.
#include <algorithm>

#include "policy/program.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

Result<Provider> LoadProvider(storage::Db& db, std::int64_t id);  // contracts.cc

Result<std::vector<std::string>> ProviderTagsOf(storage::Db& db, std::int64_t provider_id) {
  SUANLI_ASSIGN(auto q, db.Prepare("SELECT tag FROM provider_tags WHERE provider_id = ?1 "
                                   "ORDER BY tag"));
  q.Bind(1, provider_id);
  return q.TextColumn();
}

Result<Provider> Platform::SetProviderTag(const Principal& actor, std::int64_t provider_id,
                                          std::string_view tag, bool listed) {
  SUANLI_TRY(RequireRole(actor, {Role::kOfficer}));
  const auto& known = policy::ProviderTags();
  if (std::find(known.begin(), known.end(), tag) == known.end()) {
    std::string names;
    for (std::string_view k : known) names += (names.empty() ? "" : ", ") + std::string(k);
    return MakeError(ErrorCode::kOutOfRange, "tag",
                     "'" + std::string(tag) + "' is not a program's provider list (" + names + ")");
  }
  return state_->RunStep<Provider>(actor, [&](StepContext& ctx) -> Result<Provider> {
    SUANLI_ASSIGN(const Provider before, LoadProvider(ctx.db, provider_id));
    const bool was = std::find(before.tags.begin(), before.tags.end(), tag) != before.tags.end();
    if (was == listed) return before;  // already so: nothing to change or audit
    SUANLI_ASSIGN(auto change,
                  ctx.db.Prepare(listed ? "INSERT INTO provider_tags (provider_id, tag, "
                                          "listed_at_us) VALUES (?1, ?2, ?3)"
                                        : "DELETE FROM provider_tags WHERE provider_id = ?1 AND "
                                          "tag = ?2 AND ?3 = ?3"));
    SUANLI_TRY(change.Bind(1, provider_id).Bind(2, tag).Bind(3, ctx.now.micros()).Run());
    SUANLI_ASSIGN(const Provider after, LoadProvider(ctx.db, provider_id));
    SUANLI_TRY(ctx.Audit(listed ? "provider.list" : "provider.unlist",
                         "provider/" + std::to_string(provider_id), "", "",
                         "{\"tag\":" + Quoted(tag) + "}"));
    return after;
  });
}

}  // namespace suanli::workflow
