// Base64 (RFC 4648) without padding, in the two alphabets the security code needs: the standard
// one (PHC password strings) and the URL-safe one (tokens, API keys, sealed boxes). Decoding is
// strict so that every distinct string decodes to distinct bytes: a tampered character can
// never decode to the same bytes as the original.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace suanli::security {

enum class Base64Alphabet {
  kStandard,  // A-Z a-z 0-9 + /   (RFC 4648 §4)
  kUrl,       // A-Z a-z 0-9 - _   (RFC 4648 §5)
};

// Encodes `bytes` without '=' padding.
std::string Base64Encode(std::string_view bytes, Base64Alphabet alphabet);

// Decodes unpadded base64 in `alphabet`. Returns nullopt for any character outside the
// alphabet (padding included), a length of 1 mod 4 (no byte count encodes to it), or non-zero
// unused bits in the last character (a non-canonical encoding).
std::optional<std::string> Base64Decode(std::string_view text, Base64Alphabet alphabet);

}  // namespace suanli::security
