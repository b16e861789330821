// Validators for the two identity codes every registration carries: the Unified Social
// Credit Code of an organisation (GB 32100-2015) and the resident ID number of its legal
// representative (GB 11643-1999). Each returns the reason a code is refused.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace suanli {

// 18 characters from "0123456789ABCDEFGHJKLMNPQRTUWXY" (no I, O, Z, S, V); character 18 is
// the check character over the first 17 (weights 3^i mod 31). Characters 3–8 are the
// administrative division code and must be digits. Lower case is refused, not folded, so a
// stored code is always canonical.
Status ValidateUscc(std::string_view code, std::string_view field = "uscc");

// 18 characters: 17 digits and a check digit 0–9 or X (ISO 7064 MOD 11-2); characters 7–14
// are the birth date and must be a real date.
Status ValidateResidentId(std::string_view id, std::string_view field = "legal_rep_id");

// "110105********002X": the first six and last four characters; for display and logs.
std::string MaskResidentId(std::string_view id);

}  // namespace suanli
