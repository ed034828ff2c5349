#include "engine_messages.h"

#include <QCoreApplication>
#include <QStringList>

#include "error.h"

namespace ui {
namespace {

// %N replaced in one pass, so an argument holding "%2" stays as it is.
QString fill(const QString& translated, const QStringList& args) {
  QString out;
  out.reserve(translated.size() + 64);
  for (qsizetype i = 0; i < translated.size(); ++i) {
    const QChar c = translated.at(i);
    if (c == QLatin1Char('%') && i + 1 < translated.size() && translated.at(i + 1).isDigit()) {
      const int n = translated.at(i + 1).digitValue();
      if (n >= 1 && n <= args.size()) {
        out += args.at(n - 1);
        ++i;
        continue;
      }
    }
    out += c;
  }
  return out;
}

}  // namespace

QString engineMessage(const lora::Message& message) {
  if (message.empty()) return QString::fromStdString(message.english());
  QStringList args;
  for (const lora::MessageArg& arg : message.args()) {
    switch (arg.kind()) {
      case lora::MessageArg::Kind::text: args << QString::fromStdString(arg.text()); break;
      case lora::MessageArg::Kind::message: args << engineMessage(arg.message()); break;
      case lora::MessageArg::Kind::lines: {
        QStringList lines;
        for (const lora::Message& line : arg.lines()) lines << engineMessage(line);
        args << lines.join(QLatin1Char('\n'));
        break;
      }
    }
  }
  const lora::MessageEntry& entry = lora::message_entry(message.id());
  return fill(QCoreApplication::translate("EngineMessage", entry.english, entry.name), args);
}

QString engineMessage(const std::exception& error) {
  if (const auto* engine_error = dynamic_cast<const lora::Error*>(&error)) return engineMessage(engine_error->message());
  return QString::fromUtf8(error.what());
}

}  // namespace ui
