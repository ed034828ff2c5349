// Reading a GGUF's tokenizer back (engine/export/gguf_tokenizer_import): the tokenizer.* keys of a GGUF
// our exporter wrote from a real tokenizer (Qwen3, Qwen2.5, Llama 3 tokenizer.json; a Llama 2 style
// sentencepiece tokenizer.model trained here), read by an independent parser (@huggingface/gguf, through
// tests/reference/gguf_reference.mjs), are turned into tokenizer files, which our engine loads as it
// loads any model folder. On a corpus of ASCII, Chinese, emoji, code, whitespace runs and special
// tokens the rebuilt tokenizer gives exactly the ids llama.cpp itself (node-llama-cpp) gives on that
// GGUF, and those of the original tokenizer; decoding gives the text back; the chat template renders
// the prompt the original renders. A tokenizer model or pre-tokenizer it cannot rebuild is refused
// with a message naming the file and the key.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "chat_template.h"
#include "error.h"
#include "gguf_model_export.h"
#include "gguf_test_support.h"
#include "gguf_tokenizer_import.h"
#include "llama_cpp_reference.h"
#include "test_support.h"
#include "tiny_model.h"
#include "tokenizer.h"

namespace {

QString q(const std::string& text) { return QString::fromStdString(text); }

using test_support::ids_text;
using test_support::json_ids;

std::vector<int64_t> widened(const std::vector<int32_t>& ids) { return {ids.begin(), ids.end()}; }

// GgufTokenizerFields from the key/values @huggingface/gguf read.
lora::gguf::GgufTokenizerFields fields_from_metadata(const QJsonObject& kv) {
  lora::gguf::GgufTokenizerFields fields;
  fields.model = kv["tokenizer.ggml.model"].toString().toStdString();
  fields.pre = kv["tokenizer.ggml.pre"].toString().toStdString();
  for (const QJsonValue& token : kv["tokenizer.ggml.tokens"].toArray()) fields.tokens.push_back(token.toString().toStdString());
  for (const QJsonValue& score : kv["tokenizer.ggml.scores"].toArray()) fields.scores.push_back(static_cast<float>(score.toDouble()));
  for (const QJsonValue& type : kv["tokenizer.ggml.token_type"].toArray()) fields.token_types.push_back(type.toInt());
  for (const QJsonValue& merge : kv["tokenizer.ggml.merges"].toArray()) fields.merges.push_back(merge.toString().toStdString());
  auto id = [&](const char* key) -> std::optional<int64_t> {
    if (!kv.contains(key)) return std::nullopt;
    return kv[key].toInteger();
  };
  fields.bos_id = id("tokenizer.ggml.bos_token_id");
  fields.eos_id = id("tokenizer.ggml.eos_token_id");
  fields.unk_id = id("tokenizer.ggml.unknown_token_id");
  fields.pad_id = id("tokenizer.ggml.padding_token_id");
  fields.eot_id = id("tokenizer.ggml.eot_token_id");
  fields.eom_id = id("tokenizer.ggml.eom_token_id");
  auto flag = [&](const char* key) -> std::optional<bool> {
    if (!kv.contains(key)) return std::nullopt;
    return kv[key].toBool();
  };
  fields.add_bos = flag("tokenizer.ggml.add_bos_token");
  fields.add_eos = flag("tokenizer.ggml.add_eos_token");
  fields.add_space_prefix = flag("tokenizer.ggml.add_space_prefix");
  fields.chat_template = kv["tokenizer.chat_template"].toString().toStdString();
  return fields;
}

const QStringList kByteLevelCorpus = {
    "Hello world",
    "  leading and    inner   whitespace runs\t\ttabs\n\n\nnewlines   ",
    "我想在apple工作1314151天～ 你好，世界！",
    "emoji 🚀🦙 😶‍🌫️ ✅ and accents: café naïve Ωmega",
    "def f(x):\n    return [i ** 2 for i in range(x)]  # squares\n",
    "numbers 3 33 333 3333 33333 3.14159 1e-10",
    "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n",
    "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
    "I've been 'told he's there, 'RE you sure? We'Ve a'lL",
    "",
};

const QStringList kSentencePieceCorpus = {
    "The quick brown fox", "Hello world, hello there!", "  spaces   and\ttabs  ", "Numbers 12345 and 3.14159",
    "我想在apple工作", "emoji 🦙 not in the vocabulary", "café naïve", "<s> literal and </s>", "line\nbreaks\n\n", "",
};

}  // namespace

class TestGgufTokenizerImport : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;

  std::string path(const std::string& name) const { return (tmp_.path() + "/").toStdString() + name; }

  // A tiny model with the tokenizer at `tokenizer_path`, exported to GGUF by our exporter.
  // `rows` > the tokenizer's size pads the GGUF's token list with "[PAD<id>]" tokens, as for Qwen.
  std::string exported_gguf(const std::string& name, const std::string& arch, const std::string& tokenizer_path,
                            int64_t rows) {
    lora::TinyModelOptions options;
    options.vocab_size = rows;
    options.arch = arch;
    options.tokenizer_path = tokenizer_path;
    options.hidden_size = 32;
    options.intermediate_size = 32;
    options.num_layers = 1;
    options.num_heads = 2;
    options.num_kv_heads = 1;
    options.tied = true;  // one embedding-sized tensor: the file stays small
    options.seed = 1;
    const std::string model = path(name + "-model");
    lora::write_tiny_model(model, options);
    return test_support::export_model_gguf_to(model, path(name + ".gguf"), lora::gguf::ExportType::f16);
  }

  // The small Llama 2 style tokenizer.model of gguf_test_support.h, with a chat template in its
  // tokenizer_config.json. "" when this build has no sentencepiece.
  std::string spm_tokenizer() {
    const std::string folder = path("spm-tokenizer");
    const bool trained_before = QFile::exists(q(folder + "/tokenizer.model"));
    const std::string model = test_support::small_spm_tokenizer(folder);
    if (model.empty() || trained_before) return model;
    // A chat template, so that its way through the GGUF is checked too.
    QFile config(q(folder + "/tokenizer_config.json"));
    config.open(QIODevice::WriteOnly);
    config.write(R"({"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "add_bos_token": true,
      "chat_template": "{{ bos_token }}{% for m in messages %}[{{ m['role'] }}] {{ m['content'] }}{{ eos_token }}{% endfor %}"})");
    return model;
  }

  // The whole round trip: export, read the keys back with @huggingface/gguf, rebuild, load; llama.cpp's
  // ids for the corpus on the GGUF against the rebuilt and the original tokenizer.
  void check_round_trip(const std::string& name, const std::string& arch, const std::string& tokenizer_path,
                        int64_t rows, const QStringList& corpus) {
    const std::string gguf = exported_gguf(name, arch, tokenizer_path, rows);
    QJsonArray texts;
    for (const QString& text : corpus) texts.append(text);
    const QJsonObject answer = test_support::llama_cpp_reference(
        QJsonObject{{"gguf", q(gguf)}, {"tokenize", texts}, {"metadata", true}, {"metadata_arrays", "full"}});
    QVERIFY(!answer.isEmpty());
    const lora::gguf::GgufTokenizerFields fields = fields_from_metadata(answer["metadata"].toObject()["kv"].toObject());
    if (rows > 0) QCOMPARE(qint64(fields.tokens.size()), qint64(rows));  // padded: the rebuilt files leave those out

    const std::string rebuilt_dir = path(name + "-rebuilt");
    lora::gguf::write_tokenizer_files_from_gguf(fields, rebuilt_dir, gguf);
    const auto rebuilt = lora::Tokenizer::load(rebuilt_dir);
    const auto original = lora::Tokenizer::load(path(name + "-model"));
    QCOMPARE(q(rebuilt->kind()), q(original->kind()));
    QCOMPARE(rebuilt->vocab_size(), original->vocab_size());

    const QJsonArray results = answer["tokenize"].toArray();
    QCOMPARE(results.size(), corpus.size());
    for (int i = 0; i < corpus.size(); ++i) {
      const std::string text = corpus[i].toStdString();
      const QJsonObject theirs = results[i].toObject();
      const std::vector<int64_t> with_special = widened(rebuilt->encode(text, true));
      const std::vector<int64_t> llama_cpp = json_ids(theirs["with_special"]);
      QVERIFY2(with_special == llama_cpp,
               qPrintable(corpus[i] + ": rebuilt " + ids_text(with_special) + " llama.cpp " + ids_text(llama_cpp)));
      const std::vector<int64_t> without_special = widened(rebuilt->encode(text, false));
      QVERIFY2(without_special == json_ids(theirs["without_special"]),
               qPrintable(corpus[i] + ": rebuilt without BOS " + ids_text(without_special)));
      const std::vector<int64_t> source = widened(original->encode(text, true));
      QVERIFY2(with_special == source,
               qPrintable(corpus[i] + ": rebuilt " + ids_text(with_special) + " original " + ids_text(source)));
      // Decoding gives the text back, as the original decodes the same ids.
      const std::vector<int32_t> ids = rebuilt->encode(text, false);
      QCOMPARE(q(rebuilt->decode(ids)), corpus[i]);
      QCOMPARE(q(rebuilt->decode(ids, true)), q(original->decode(ids, true)));
    }

    // Special tokens and the chat template.
    const lora::TokenizerConfig& ours = rebuilt->config();
    const lora::TokenizerConfig& source = original->config();
    // bos as llama.cpp has it (the GGUF's bos_token_id: Qwen's config.json names one its tokenizer_config.json lacks).
    if (fields.bos_id) QCOMPARE(q(ours.bos_token), q(fields.tokens[static_cast<size_t>(*fields.bos_id)]));
    QCOMPARE(q(ours.eos_token), q(source.eos_token));
    QCOMPARE(ours.eos_id, source.eos_id);
    lora::ChatTemplate rebuilt_template = lora::ChatTemplate::builtin("raw"), source_template = rebuilt_template;
    QVERIFY(lora::ChatTemplate::from_model(source, &source_template));  // every tokenizer here has one
    QVERIFY(lora::ChatTemplate::from_model(ours, &rebuilt_template));
    const std::vector<lora::ChatMessage> messages = {
        {"system", "You are terse."}, {"user", "Hi 你好 🦙"}, {"assistant", "Hello."}, {"user", "2+2?"}};
    const std::string prompt = source_template.render(messages, true, source);
    QCOMPARE(q(rebuilt_template.render(messages, true, ours)), q(prompt));
    QVERIFY(rebuilt_template.stop_strings(ours) == source_template.stop_strings(source));
  }

 private Q_SLOTS:
  void initTestCase() { QVERIFY(tmp_.isValid()); }

  void byte_level_bpe_matches_llama_cpp_data() {
    QTest::addColumn<QString>("package");
    QTest::addColumn<QString>("arch");
    QTest::addColumn<qint64>("rows");
    QTest::newRow("qwen3") << "tokenizer-qwen3" << "qwen3" << qint64(151936);
    QTest::newRow("qwen2_5") << "tokenizer-qwen2_5" << "qwen2" << qint64(0);
    QTest::newRow("llama3") << "tokenizer-llama3" << "llama" << qint64(0);
  }
  void byte_level_bpe_matches_llama_cpp() {
    QFETCH(QString, package);
    QFETCH(QString, arch);
    QFETCH(qint64, rows);
    check_round_trip(package.toStdString(), arch.toStdString(),
                     test_support::npm_tokenizer_dir(package).toStdString(), rows, kByteLevelCorpus);
  }

  void sentencepiece_matches_llama_cpp() {
    const std::string spm = spm_tokenizer();
    if (spm.empty()) QSKIP("this build has no sentencepiece bridge");
    check_round_trip("spm", "llama", path("spm-tokenizer"), 512, kSentencePieceCorpus);
  }

  // The rebuilt folder's files replace what would otherwise be read instead of them.
  void rebuilt_files_replace_stale_ones() {
    lora::gguf::GgufTokenizerFields fields;
    fields.model = "gpt2";
    fields.pre = "qwen2";
    fields.tokens = {"a", "b", "ab", "<|end|>"};
    fields.token_types = {1, 1, 1, 3};
    fields.merges = {"a b"};
    fields.eos_id = 3;
    const std::string folder = path("stale");
    QDir().mkpath(q(folder));
    QFile(q(folder + "/chat_template.jinja")).open(QIODevice::WriteOnly);
    lora::gguf::write_tokenizer_files_from_gguf(fields, folder, "tiny.gguf");
    QVERIFY(!QFile::exists(q(folder + "/chat_template.jinja")));
    const auto tokenizer = lora::Tokenizer::load(folder);
    QVERIFY(tokenizer->encode("abab<|end|>a", true) == (std::vector<int32_t>{2, 2, 3, 0}));
    QCOMPARE(q(tokenizer->config().eos_token), QString("<|end|>"));
    QVERIFY(tokenizer->is_special(3));
  }

  void unsupported_tokenizers_are_refused_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("pre");
    QTest::addColumn<QString>("expected");
    QTest::newRow("t5") << "t5" << "" << "tokenizer.ggml.model \"t5\"";
    QTest::newRow("unknown pre") << "gpt2" << "no-such-pre" << "tokenizer.ggml.pre \"no-such-pre\"";
    QTest::newRow("hand-written pre") << "gpt2" << "kimi-k2" << "tokenizer.ggml.pre \"kimi-k2\"";
  }
  void unsupported_tokenizers_are_refused() {
    QFETCH(QString, model);
    QFETCH(QString, pre);
    QFETCH(QString, expected);
    lora::gguf::GgufTokenizerFields fields;
    fields.model = model.toStdString();
    fields.pre = pre.toStdString();
    fields.tokens = {"a", "b", "ab"};
    fields.merges = {"a b"};
    try {
      lora::gguf::write_tokenizer_files_from_gguf(fields, path("refused"), "/models/odd.gguf");
      QFAIL("no error");
    } catch (const lora::Error& e) {
      const QString message = QString::fromUtf8(e.what());
      QVERIFY2(message.startsWith("/models/odd.gguf: "), qPrintable(message));
      QVERIFY2(message.contains(expected), qPrintable(message));
    }
    QVERIFY(!QFile::exists(q(path("refused") + "/tokenizer.json")));
  }

  void inconsistent_sentencepiece_vocabularies_are_refused() {
    lora::gguf::GgufTokenizerFields fields;
    fields.model = "llama";
    fields.tokens = {"<unk>", "<s>", "</s>", "a", "a"};
    fields.token_types = {2, 3, 3, 1, 1};
    try {
      lora::gguf::write_tokenizer_files_from_gguf(fields, path("duplicate"), "dup.gguf");
      QFAIL("no error");
    } catch (const lora::Error& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains("\"a\" twice (ids 3 and 4)"), e.what());
    }
    fields.tokens = {"<unk>", "<s>", "</s>", "a", "<0x41>"};
    fields.token_types = {2, 3, 3, 1, 6};
    try {
      lora::gguf::write_tokenizer_files_from_gguf(fields, path("bytes"), "bytes.gguf");
      QFAIL("no error");
    } catch (const lora::Error& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains("1 of the 256 byte tokens"), e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestGgufTokenizerImport)
#include "test_gguf_tokenizer_import.moc"
