// Changes to a registered center: its provider's operator (or an admin) edits how it is
// described, retires it, or reinstates it. Neither touches what metering and past jobs rest on — the Slurm
// cluster, the partitions, the price list — so usage keeps being rated and billed the same.
// A retired center is left out of job placement (job_routing.cc) and the catalogue
// (catalogue.cc); its jobs go on and its usage is still ingested.
#include <boost/json.hpp>

#include "workflow/center_row.h"
#include "workflow/platform.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

namespace {

namespace json = boost::json;

// Below audit::kDetailBytesMax (64 KiB) with room for the wrapping object.
constexpr std::size_t kChangesBytesMax = 60 * 1024;

// The center as the step's transaction sees it.
Result<Center> CenterIn(storage::Db& db, std::int64_t center_id) {
  SUANLI_ASSIGN(auto q, db.Prepare(std::string(kCenterColumns) + " WHERE id = ?1"));
  SUANLI_ASSIGN(const bool row, q.Bind(1, center_id).Step());
  if (!row) return NotFound("center", center_id);
  return CenterFrom(q);
}

Error Retired(const Center& c) {
  return MakeError(ErrorCode::kStateConflict, "center_id",
                   "center " + c.spec.name + " was retired on " +
                       c.retired_at->CstDate().ToString());
}

// The audit detail of an edit: each field it changed, before and after (the log keeps only
// digests of the whole spec). A software list too long for the detail is counted instead.
std::string ChangesJson(const network::CenterSpec& was, const network::CenterSpec& now) {
  json::object changed;
  const auto text = [&](const char* field, const std::string& a, const std::string& b) {
    if (a != b) changed[field] = json::object{{"before", a}, {"after", b}};
  };
  text("name", was.name, now.name);
  text("kind", was.kind, now.kind);
  text("region", was.region, now.region);
  text("latency_class", was.latency_class, now.latency_class);
  const auto list = [](const std::vector<network::Software>& software) {
    json::array out;
    for (const auto& sw : software) out.push_back(json::string(sw.name + " " + sw.version));
    return out;
  };
  json::array before = list(was.software), after = list(now.software);
  if (before != after) {
    changed["software"] = json::object{{"before", before}, {"after", after}};
    if (json::serialize(changed).size() > kChangesBytesMax) {
      changed["software"] = json::object{{"before_count", before.size()},
                                         {"after_count", after.size()}};
    }
  }
  return json::serialize(json::object{{"changed", std::move(changed)}});
}

// Who may change a center: its provider's operator, or an admin (as registration).
Result<Center> ChangeableCenter(Platform& p, const Principal& actor, std::int64_t center_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin, Role::kProvider}));
  SUANLI_ASSIGN(const Center c, p.GetCenter(center_id));
  SUANLI_TRY(RequireProviderAccess(actor, c.provider_id));
  return c;
}

}  // namespace

Result<Center> Platform::EditCenter(const Principal& actor, std::int64_t center_id,
                                    const network::CenterEdit& edit) {
  SUANLI_TRY(ChangeableCenter(*this, actor, center_id));
  return state_->RunStep<Center>(actor, [&](StepContext& ctx) -> Result<Center> {
    SUANLI_ASSIGN(Center c, CenterIn(ctx.db, center_id));
    if (c.retired_at) return Retired(c);
    const network::CenterSpec edited = network::ApplyCenterEdit(c.spec, edit);
    const std::string before = network::CenterSpecJson(c.spec);
    const std::string after = network::CenterSpecJson(edited);
    if (after == before) return c;  // nothing to record (a retry of an edit made)
    SUANLI_ASSIGN(auto taken, ctx.db.Prepare("SELECT 1 FROM compute_centers WHERE name = ?1 "
                                             "AND id <> ?2"));
    SUANLI_ASSIGN(const bool exists, taken.Bind(1, edited.name).Bind(2, center_id).Step());
    if (exists) return MakeError(ErrorCode::kDuplicate, "name", "another center has this name");
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE compute_centers SET name = ?1, spec_json = ?2 "
                                          "WHERE id = ?3"));
    SUANLI_TRY(up.Bind(1, edited.name).Bind(2, after).Bind(3, center_id).Run());
    SUANLI_TRY(ctx.Audit("center.edit", "center/" + std::to_string(center_id), before, after,
                         ChangesJson(c.spec, edited)));
    c.spec = edited;
    return c;
  });
}

Result<Center> Platform::RetireCenter(const Principal& actor, std::int64_t center_id,
                                      std::string_view reason) {
  SUANLI_TRY(ChangeableCenter(*this, actor, center_id));
  SUANLI_TRY(ValidateReason(reason));
  return state_->RunStep<Center>(actor, [&](StepContext& ctx) -> Result<Center> {
    SUANLI_ASSIGN(Center c, CenterIn(ctx.db, center_id));
    if (c.retired_at) return Retired(c);
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE compute_centers SET retired_at_us = ?1 "
                                          "WHERE id = ?2"));
    SUANLI_TRY(up.Bind(1, ctx.now.micros()).Bind(2, center_id).Run());
    c.retired_at = ctx.now;
    SUANLI_TRY(ctx.Audit("center.retire", "center/" + std::to_string(center_id),
                         "{\"retired_at\":null}",
                         "{\"retired_at\":\"" + ctx.now.ToString() + "\"}",
                         "{\"reason\":" + Quoted(reason) + "}"));
    return c;
  });
}

Result<Center> Platform::ReinstateCenter(const Principal& actor, std::int64_t center_id,
                                         std::string_view reason) {
  SUANLI_TRY(ChangeableCenter(*this, actor, center_id));
  SUANLI_TRY(ValidateReason(reason));
  return state_->RunStep<Center>(actor, [&](StepContext& ctx) -> Result<Center> {
    SUANLI_ASSIGN(Center c, CenterIn(ctx.db, center_id));
    if (!c.retired_at) {
      return MakeError(ErrorCode::kStateConflict, "center_id",
                       "center " + c.spec.name + " is in service: only a retired center is "
                       "reinstated");
    }
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE compute_centers SET retired_at_us = NULL "
                                          "WHERE id = ?1"));
    SUANLI_TRY(up.Bind(1, center_id).Run());
    SUANLI_TRY(ctx.Audit("center.reinstate", "center/" + std::to_string(center_id),
                         "{\"retired_at\":\"" + c.retired_at->ToString() + "\"}",
                         "{\"retired_at\":null}",
                         "{\"retired_at\":\"" + c.retired_at->ToString() + "\",\"reason\":" +
                             Quoted(reason) + "}"));
    c.retired_at.reset();
    return c;
  });
}

}  // namespace suanli::workflow
