#pragma once
// The engine (no Qt) reports problems and progress as messages: an id from its catalogue
// (engine/core/messages/) and arguments. The window shows them in the interface language: the id's
// translation in the "EngineMessage" context of translations/lora_studio_engine_zh_CN.ts
// (scripts/update-engine-messages.py keeps it in step with the catalogue), its %N filled with the
// arguments; an argument that is itself a message is translated the same way. Paths, names and
// numbers pass through unchanged. Without a translation installed it is the engine's English.
#include <QString>
#include <exception>

#include "message.h"

namespace ui {

QString engineMessage(const lora::Message& message);
// A lora::Error by its message; any other exception (libtorch's, the standard library's) as it reads.
QString engineMessage(const std::exception& error);

}  // namespace ui
