#pragma once
// The ids of the training/ messages; their English words are in training_messages.def.
#include "message.h"

namespace lora {
namespace msg {
enum class Training : std::uint16_t {
#define LORA_MESSAGE(name, english) name,
#include "training_messages.def"
#undef LORA_MESSAGE
};
}  // namespace msg
template <>
struct MessageAreaOf<msg::Training> {
  static constexpr MessageArea value = MessageArea::training;
};
}  // namespace lora
