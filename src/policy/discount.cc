// Nanjing's discount classes: the customer pays a class's share of the base price, never less
// than the program's floor share; the quoted amount is the discount (base − price).
#include "policy/engine_steps.h"

namespace suanli::policy::engine {

Money ComputeDiscount(const Program& p, const Case& c, QuoteResult& r) {
  if (p.experience) {
    const Experience& e = *p.experience;
    AddStep(r, "experience",
            "free trial vouchers of " + std::to_string(e.hours_min) + "–" +
                std::to_string(e.hours_max) + " hours are handed out by a weekly draw (at least " +
                std::to_string(e.weekly_hours_min) + " hours a week); they are drawn, not quoted",
            "", e.source.clause);
  }
  if (!p.discounts) return Money::Zero();
  const Discounts& d = *p.discounts;
  const std::string& cls = c.contract.discount_class;
  const DiscountClass* found = nullptr;
  for (const auto& dc : d.classes) {
    if (dc.id == cls) found = &dc;
  }
  if (found == nullptr) {
    Fail(r, "discount_class", "discount class '" + (cls.empty() ? "(none)" : cls) +
                                  "' is not one of the program's classes", d.source.clause);
    return Money::Zero();
  }
  // The loader refuses a class below the floor; the engine still takes the larger of the two so
  // a hand-built Program cannot price below it.
  const Rate share = found->price_share.LessThan(d.floor_share) ? d.floor_share : found->price_share;
  Pass(r, "discount_class", "class " + found->id + " (" + found->who + ")", found->source.clause);
  const Rate discount_share{share.den - share.num, share.den};
  auto discount = MulRate(c.contract.fee, discount_share, kDownToFen);
  if (!discount.ok()) {
    Fail(r, "arithmetic", discount.error().message, found->source.clause);
    return Money::Zero();
  }
  const Money price = Money::FromFen(c.contract.fee.fen() - discount->fen());
  AddStep(r, "base", "base price of " + c.contract.id, c.contract.fee.ToString(), found->source.clause);
  AddStep(r, "price", "class " + found->id + " pays " + share.ToString() + " of the base price (floor " +
                          d.floor_share.ToString() + ")", price.ToString(), d.source.clause);
  AddStep(r, "discount", "base − price, discount rounded down_fen", discount->ToString(), found->source.clause);
  return *discount;
}

}  // namespace suanli::policy::engine
