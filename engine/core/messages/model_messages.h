#pragma once
// The ids of the model/ messages; their English words are in model_messages.def.
#include "message.h"

namespace lora {
namespace msg {
enum class Model : std::uint16_t {
#define LORA_MESSAGE(name, english) name,
#include "model_messages.def"
#undef LORA_MESSAGE
};
}  // namespace msg
template <>
struct MessageAreaOf<msg::Model> {
  static constexpr MessageArea value = MessageArea::model;
};
}  // namespace lora
