#include "cli_progress_line.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ui {

namespace {

bool messageIdNamed(const QString& name, lora::MessageId* id) {
  static const QHash<QString, lora::MessageId> ids = [] {
    QHash<QString, lora::MessageId> by_name;
    for (const lora::MessageEntry& entry : lora::message_catalogue()) by_name.insert(QString::fromUtf8(entry.name), entry.id);
    return by_name;
  }();
  const auto it = ids.constFind(name);
  if (it == ids.constEnd()) return false;
  *id = *it;
  return true;
}

// A message object, or (an id this build does not know: a newer CLI) its id as text.
lora::MessageArg messageArgument(const QJsonValue& value);

lora::Message messageFrom(const QJsonObject& object) {
  lora::MessageId id;
  if (!messageIdNamed(object.value("id").toString(), &id)) return {};
  std::vector<lora::MessageArg> args;
  for (const QJsonValue& arg : object.value("args").toArray()) args.push_back(messageArgument(arg));
  return lora::Message(id, std::move(args));
}

lora::MessageArg messageArgument(const QJsonValue& value) {
  if (value.isObject()) {
    const lora::Message message = messageFrom(value.toObject());
    if (message.empty()) return lora::MessageArg(value.toObject().value("id").toString().toStdString());
    return lora::MessageArg(message);
  }
  if (value.isArray()) {
    std::vector<lora::Message> lines;
    for (const QJsonValue& line : value.toArray()) lines.push_back(messageFrom(line.toObject()));
    return lora::MessageArg(std::move(lines));
  }
  return lora::MessageArg(value.toString().toStdString());
}

lora::TrainingResult::Outcome outcomeNamed(const QString& name) {
  if (name == QLatin1String("stopped_at_loss")) return lora::TrainingResult::Outcome::StoppedAtLoss;
  if (name == QLatin1String("cancelled")) return lora::TrainingResult::Outcome::Cancelled;
  if (name == QLatin1String("diverged")) return lora::TrainingResult::Outcome::Diverged;
  return lora::TrainingResult::Outcome::Finished;
}

}  // namespace

CliProgressLine parseCliProgressLine(const QByteArray& line) {
  CliProgressLine parsed;
  QJsonParseError error;
  const QJsonDocument document = QJsonDocument::fromJson(line, &error);
  if (error.error != QJsonParseError::NoError || !document.isObject()) return parsed;
  const QJsonObject object = document.object();
  parsed.rank = object.value("rank").toInt(-1);
  if (object.contains("error") || object.contains("error_text")) {
    parsed.kind = CliProgressLine::Kind::error;
    parsed.error = messageFrom(object.value("error").toObject());
    parsed.error_text = object.value("error_text").toString();
    if (parsed.error.empty() && parsed.error_text.isEmpty())
      parsed.error_text = object.value("error").toObject().value("id").toString();
    return parsed;
  }
  if (object.contains("result")) {
    const QJsonObject r = object.value("result").toObject();
    parsed.kind = CliProgressLine::Kind::result;
    parsed.result.outcome = outcomeNamed(r.value("outcome").toString());
    parsed.result.steps_done = r.value("steps_done").toInteger();
    parsed.result.final_loss = r.value("final_loss").toDouble();
    parsed.result.adapter_dir = r.value("adapter_dir").toString().toStdString();
    parsed.result.message = messageFrom(r.value("message").toObject());
    return parsed;
  }
  if (!object.contains("phase")) return parsed;
  parsed.kind = CliProgressLine::Kind::progress;
  lora::TrainingProgress& p = parsed.progress;
  p.rank = parsed.rank < 0 ? 0 : parsed.rank;
  p.world_size = object.value("world_size").toInt(1);
  p.phase = object.value("phase").toString().toStdString();
  p.step = object.value("step").toInteger();
  p.total_steps = object.value("total_steps").toInteger();
  p.epoch = object.value("epoch").toDouble();
  p.loss = object.value("loss").toDouble();
  p.learning_rate = object.value("learning_rate").toDouble();
  p.tokens_per_second = object.value("tokens_per_second").toDouble();
  p.rank_tokens_per_second = object.value("rank_tokens_per_second").toDouble();
  p.elapsed_seconds = object.value("elapsed_seconds").toDouble();
  p.eta_seconds = object.value("eta_seconds").toDouble();
  p.memory_bytes = object.value("memory_bytes").toInteger();
  p.eval_loss = object.value("eval_loss").toDouble(-1);
  p.message = messageFrom(object.value("message").toObject());
  return parsed;
}

}  // namespace ui
