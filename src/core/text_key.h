// The key two names a person typed are compared by: a project's name for its per-project cap, a
// declared related party for conflicts. "大模型 训练平台", "大模型训练平台 " and "大模型训练平台"
// are one project; "ＡＢＣ（成都）" and "abc(成都)" one party.
#pragma once

#include <string>
#include <string_view>

namespace suanli {

// `text` (UTF-8) without any white space (ASCII, U+00A0, U+2000–U+200B, U+3000 ideographic,
// U+FEFF), full-width ASCII
// forms (U+FF01–U+FF5E) folded to ASCII, and ASCII letters upper-cased. Anything else, invalid
// UTF-8 included, is kept byte for byte.
std::string ComparisonKey(std::string_view text);

}  // namespace suanli
