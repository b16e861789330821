#include "core/codes.h"

#include "core/cst_time.h"

namespace suanli {
namespace {

constexpr std::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kUsccWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
constexpr int kIdWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kIdCheck = "10X98765432";

Error Refuse(std::string_view field, const std::string& why) {
  return MakeError(ErrorCode::kInvalidCode, std::string(field), why);
}

}  // namespace

Status ValidateUscc(std::string_view code, std::string_view field) {
  if (code.size() != 18) {
    return Refuse(field, "a Unified Social Credit Code has 18 characters, this has " +
                             std::to_string(code.size()));
  }
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) {
    const auto v = kUsccAlphabet.find(code[i]);
    if (v == std::string_view::npos) {
      return Refuse(field, "character " + std::to_string(i + 1) + " '" + std::string(1, code[i]) +
                               "' is not allowed (upper-case digits and letters, no I O Z S V)");
    }
    if (i >= 2 && i <= 7 && v > 9) {
      return Refuse(field, "characters 3-8 are the administrative division code and must be digits");
    }
    sum += static_cast<int>(v) * kUsccWeights[i];
  }
  const int check = (31 - sum % 31) % 31;
  if (code[17] != kUsccAlphabet[static_cast<std::size_t>(check)]) {
    return Refuse(field, std::string("check character is '") + code[17] + "', expected '" +
                             kUsccAlphabet[static_cast<std::size_t>(check)] + "'");
  }
  return OkStatus();
}

Status ValidateResidentId(std::string_view id, std::string_view field) {
  if (id.size() != 18) {
    return Refuse(field, "a resident ID number has 18 characters, this has " +
                             std::to_string(id.size()));
  }
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) {
    if (id[i] < '0' || id[i] > '9') {
      return Refuse(field, "character " + std::to_string(i + 1) + " must be a digit");
    }
    sum += (id[i] - '0') * kIdWeights[i];
  }
  const int y = (id[6] - '0') * 1000 + (id[7] - '0') * 100 + (id[8] - '0') * 10 + (id[9] - '0');
  const int m = (id[10] - '0') * 10 + (id[11] - '0');
  const int d = (id[12] - '0') * 10 + (id[13] - '0');
  if (!Date::FromYmd(y, m, d).ok()) {
    return Refuse(field, "characters 7-14 are not a real birth date");
  }
  const char expected = kIdCheck[static_cast<std::size_t>(sum % 11)];
  if (id[17] != expected) {
    return Refuse(field, std::string("check digit is '") + id[17] + "', expected '" + expected + "'");
  }
  return OkStatus();
}

std::string MaskResidentId(std::string_view id) {
  if (id.size() < 10) return std::string(id.size(), '*');
  return std::string(id.substr(0, 6)) + std::string(id.size() - 10, '*') +
         std::string(id.substr(id.size() - 4));
}

}  // namespace suanli
