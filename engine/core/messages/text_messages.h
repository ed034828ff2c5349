#pragma once
// The ids of the text/ messages; their English words are in text_messages.def.
#include "message.h"

namespace lora {
namespace msg {
enum class Text : std::uint16_t {
#define LORA_MESSAGE(name, english) name,
#include "text_messages.def"
#undef LORA_MESSAGE
};
}  // namespace msg
template <>
struct MessageAreaOf<msg::Text> {
  static constexpr MessageArea value = MessageArea::text;
};
}  // namespace lora
