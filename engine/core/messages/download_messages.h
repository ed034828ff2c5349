#pragma once
// The ids of the download/ messages; their English words are in download_messages.def.
#include "message.h"

namespace lora {
namespace msg {
enum class Download : std::uint16_t {
#define LORA_MESSAGE(name, english) name,
#include "download_messages.def"
#undef LORA_MESSAGE
};
}  // namespace msg
template <>
struct MessageAreaOf<msg::Download> {
  static constexpr MessageArea value = MessageArea::download;
};
}  // namespace lora
