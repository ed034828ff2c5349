#pragma once
// The engine (no Qt) reports problems and progress in English. The window shows them in the
// interface language: each message shape the engine produces is an English template here ("%1: no
// config.json (not a Hugging Face model folder)"), matched as a pattern and translated in the
// "EngineMessage" context of translations/lora_studio_engine_zh_CN.ts. Paths, names and numbers
// pass through unchanged; a captured part that is itself an engine message (a record's reason, the
// cause of an out-of-memory stop) is translated the same way. A message no template matches, or one
// whose template has no translation installed (the English interface), is shown as the engine wrote it.
#include <QString>
#include <exception>
#include <string>

namespace ui {

// One message, line by line (a dataset error lists one bad record per line).
QString engineMessage(const std::string& english);
QString engineMessage(const QString& english);
QString engineMessage(const std::exception& error);

}  // namespace ui
