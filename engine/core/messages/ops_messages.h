#pragma once
// The ids of the ops/ messages; their English words are in ops_messages.def.
#include "message.h"

namespace lora {
namespace msg {
enum class Ops : std::uint16_t {
#define LORA_MESSAGE(name, english) name,
#include "ops_messages.def"
#undef LORA_MESSAGE
};
}  // namespace msg
template <>
struct MessageAreaOf<msg::Ops> {
  static constexpr MessageArea value = MessageArea::ops;
};
}  // namespace lora
