// tokenizer.model through the sentencepiece bridge. A small Llama-like model (BPE, byte fallback,
// identity normalization) and a unigram model without byte fallback are trained here with
// train_sentencepiece (spm_train's engine, through the bridge); our ids must equal sentencepiece's
// own command-line encoder (spm_encode --output_format=id) on many strings, after the BOS we add as
// transformers' LlamaTokenizer does. This test links libtorch on purpose: every case runs in a
// process that also holds libtorch, and one case interleaves torch and sentencepiece work
// (NOTES.md Trap 1: their protobufs must not meet).
#include <ATen/ATen.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>
#include <string>
#include <vector>

#include "error.h"
#include "sentencepiece_tokenizer.h"
#include "test_support.h"
#include "tokenizer.h"

namespace {

using Ids = std::vector<int32_t>;

QString ids_text(const Ids& ids) {
  QStringList parts;
  for (const int32_t id : ids) parts << QString::number(id);
  return "[" + parts.join(",") + "]";
}

struct Lcg {
  uint64_t state;
  uint32_t next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  }
  size_t below(size_t n) { return next() % n; }
};

const std::vector<std::string>& words() {
  static const std::vector<std::string> pool = {
      "the",   "model",  "learns", "from",  "data",   "and",    "a",      "tokenizer", "splits", "text",
      "into",  "pieces", "while",  "we",    "train",  "small",  "adapters", "on",     "top",    "of",
      "large", "frozen", "weights", "Hello", "world",  "It's",   "don't",  "running", "quickly", "über",
      "café",  "naïve",  "你好",   "世界",  "数据",   "模型",   "训练",   "中文",    "42",     "2024",
      "3.14",  "100%",   "x+y",    "f(x)",  "{a:1}",  "[1,2]",  "#tag",   "@user",   "e-mail", "C++",
  };
  return pool;
}

// Training text: sentences made of the word pool.
QByteArray training_text() {
  Lcg random{7};
  QByteArray text;
  for (int line = 0; line < 3000; ++line) {
    const size_t count = 3 + random.below(12);
    std::string sentence;
    for (size_t i = 0; i < count; ++i) {
      if (i > 0) sentence += random.below(8) == 0 ? "  " : " ";
      sentence += words()[random.below(words().size())];
    }
    sentence += random.below(3) == 0 ? "." : random.below(2) == 0 ? "!" : "";
    text += QByteArray::fromStdString(sentence) + "\n";
  }
  return text;
}

// One-line strings (spm_encode reads lines): seen and unseen words, emoji and rare characters
// (byte fallback / unk), spacing, digits.
std::vector<std::string> test_strings() {
  std::vector<std::string> strings = {
      "Hello world",
      "the model learns from data",
      "  leading and  double  spaces",
      "trailing space ",
      "你好，世界！",
      "数据模型训练中文",
      "1234567890 3.14159",
      "emoji \xF0\x9F\x98\x80\xF0\x9F\x8E\x89 and \xE2\x9D\xA4",
      "unseen words: zygote quixotic xylophone",
      "Ελληνικά and Русский",
      "tabs\tinside\ttext",
      "café naïve über façade",
      "cafe\xCC\x81 decomposed",
      "x",
      "!",
      "{\"json\": [1, 2, 3]}",
      "\xF0\x93\x80\x80 hieroglyph",
  };
  Lcg random{99};
  static const std::vector<std::string> extra = {"zebra", "\xF0\x9F\x9A\x80", "ünïcödé", "Q", "。", "…", "\xE2\x82\xAC"};
  for (int i = 0; i < 200; ++i) {
    std::string text;
    const size_t count = 1 + random.below(10);
    for (size_t k = 0; k < count; ++k) {
      if (k > 0) text += random.below(6) == 0 ? "   " : " ";
      text += random.below(5) == 0 ? extra[random.below(extra.size())] : words()[random.below(words().size())];
    }
    strings.push_back(text);
  }
  return strings;
}

// spm_encode --output_format=id on `strings`, one result per string.
std::vector<Ids> spm_encode(const QString& model, const std::vector<std::string>& strings, const QString& work_dir) {
  std::vector<Ids> result;
  const QString program = QStandardPaths::findExecutable("spm_encode");
  if (program.isEmpty()) {
    QTest::qFail("spm_encode is not installed (Debian package sentencepiece)", __FILE__, __LINE__);
    return result;
  }
  const QString input = work_dir + "/spm_input.txt";
  QFile file(input);
  if (!file.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(input));
  for (const auto& text : strings) file.write(QByteArray::fromStdString(text) + "\n");
  file.close();
  QProcess process;
  process.start(program, {"--model=" + model, "--output_format=id", "--input=" + input});
  process.waitForFinished(60000);
  if (process.exitCode() != 0) {
    QTest::qFail(qPrintable("spm_encode failed: " + QString::fromUtf8(process.readAllStandardError())), __FILE__,
                 __LINE__);
    return result;
  }
  const QList<QByteArray> lines = process.readAllStandardOutput().split('\n');
  for (size_t i = 0; i < strings.size() && i < static_cast<size_t>(lines.size()); ++i) {
    Ids ids;
    for (const auto& part : lines[static_cast<int>(i)].split(' '))
      if (!part.isEmpty()) ids.push_back(part.toInt());
    result.push_back(ids);
  }
  return result;
}

void write_file(const QString& path, const QByteArray& content) {
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
  file.write(content);
}

}  // namespace

class TestSentencePiece : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir temp_{QDir::tempPath() + "/lora-sentencepiece-XXXXXX"};
  QString bpe_dir_, unigram_dir_;
  std::vector<std::string> strings_;

  // Trains a model into dir/tokenizer.model.
  void train(const QString& dir, const std::string& model_type, bool byte_fallback, int vocab_size) {
    QDir().mkpath(dir);
    lora::SentencePieceTrainingOptions options;
    options.input_files = {(temp_.path() + "/corpus.txt").toStdString()};
    options.model_prefix = (dir + "/tokenizer").toStdString();
    options.vocab_size = vocab_size;
    options.model_type = model_type;
    options.byte_fallback = byte_fallback;
    // As Llama's tokenizer.model: text kept as is, digits split, whitespace runs kept.
    options.extra_flags = {{"normalization_rule_name", "identity"},
                           {"remove_extra_whitespaces", "false"},
                           {"split_digits", "true"},
                           {"allow_whitespace_only_pieces", "true"}};
    try {
      lora::train_sentencepiece(options);
    } catch (const lora::Error& e) {
      QFAIL(e.what());
    }
  }

  void compare_with_spm_encode(const QString& dir) {
    const auto tokenizer = lora::Tokenizer::load(dir.toStdString());
    QCOMPARE(QString::fromStdString(tokenizer->kind()), QString("sentencepiece"));
    const auto reference = spm_encode(dir + "/tokenizer.model", strings_, temp_.path());
    if (QTest::currentTestFailed()) return;
    QCOMPARE(reference.size(), strings_.size());
    QStringList failures;
    for (size_t i = 0; i < strings_.size(); ++i) {
      const Ids with_bos = tokenizer->encode(strings_[i]);
      Ids expected{1};
      expected.insert(expected.end(), reference[i].begin(), reference[i].end());
      if (with_bos != expected)
        failures << QString::fromStdString(strings_[i]) + ": ours " + ids_text(with_bos) + ", spm_encode (after BOS) " +
                        ids_text(expected);
      if (tokenizer->encode(strings_[i], false) != reference[i])
        failures << QString::fromStdString(strings_[i]) + " without BOS differs";
    }
    if (!failures.isEmpty())
      QFAIL(qPrintable(QString::number(failures.size()) + " differences, first ones:\n" +
                       QStringList(failures.mid(0, 6)).join("\n")));
  }

 private slots:
  void initTestCase() {
    QVERIFY(temp_.isValid());
    write_file(temp_.path() + "/corpus.txt", training_text());
    strings_ = test_strings();
    bpe_dir_ = temp_.path() + "/bpe";
    unigram_dir_ = temp_.path() + "/unigram";
    train(bpe_dir_, "bpe", true, 600);
    if (QTest::currentTestFailed()) return;
    train(unigram_dir_, "unigram", false, 140);
    if (QTest::currentTestFailed()) return;
    QVERIFY(QFile::exists(bpe_dir_ + "/tokenizer.model"));
    QVERIFY(QFile::exists(unigram_dir_ + "/tokenizer.model"));
  }

  void bpe_with_byte_fallback_matches_spm_encode() { compare_with_spm_encode(bpe_dir_); }
  void unigram_matches_spm_encode() { compare_with_spm_encode(unigram_dir_); }

  void decode_round_trips() {
    const auto tokenizer = lora::Tokenizer::load(bpe_dir_.toStdString());
    for (const auto& text : strings_) {
      QCOMPARE(tokenizer->decode(tokenizer->encode(text), true), text);
      QCOMPARE(tokenizer->decode(tokenizer->encode(text), false), "<s>" + text);
    }
    // Without byte fallback, unknown characters come back as sentencepiece's unk surface (" ⁇ ")
    // when decoded by sentencepiece, and as the unk token when kept as a special token.
    const auto unigram = lora::Tokenizer::load(unigram_dir_.toStdString());
    const Ids ids = unigram->encode("\xF0\x9F\x9A\x80", false);
    QVERIFY(std::find(ids.begin(), ids.end(), 0) != ids.end());
    QCOMPARE(unigram->decode(ids, true).find("\xF0\x9F\x9A\x80"), std::string::npos);
  }

  void pieces_and_special_tokens() {
    const auto tokenizer = lora::Tokenizer::load(bpe_dir_.toStdString());
    QCOMPARE(tokenizer->vocab_size(), 600);
    QCOMPARE(tokenizer->token_to_id("<s>").value_or(-1), 1);
    QCOMPARE(tokenizer->token_to_id("</s>").value_or(-1), 2);
    QCOMPARE(tokenizer->token_to_id("<unk>").value_or(-1), 0);
    QVERIFY(!tokenizer->token_to_id("no such piece").has_value());
    QCOMPARE(tokenizer->id_to_token(1), std::string("<s>"));
    QCOMPARE(tokenizer->id_to_token(3 + 0x41), std::string("<0x41>"));  // byte pieces follow the 3 specials
    QCOMPARE(tokenizer->id_to_token(100000), std::string());
    QVERIFY(tokenizer->is_special(0) && tokenizer->is_special(1) && tokenizer->is_special(2));
    QVERIFY(!tokenizer->is_special(300));
    QCOMPARE(tokenizer->config().bos_id, 1);
    QCOMPARE(tokenizer->config().eos_id, 2);
    QCOMPARE(tokenizer->config().bos_token, std::string("<s>"));
    // Special tokens written in the text are single ids; each stretch between them is encoded on
    // its own, as transformers' (legacy) Llama tokenizer does.
    const Ids a = tokenizer->encode("Hello", false), b = tokenizer->encode("world", false);
    Ids expected = {1};
    expected.insert(expected.end(), a.begin(), a.end());
    expected.push_back(2);
    expected.insert(expected.end(), b.begin(), b.end());
    QCOMPARE(tokenizer->encode("Hello</s>world"), expected);
    QCOMPARE(tokenizer->encode("<s>", false), Ids{1});
    QCOMPARE(tokenizer->decode(tokenizer->encode("Hello</s>world", false)), std::string("Hello</s>world"));
    QCOMPARE(tokenizer->decode(tokenizer->encode("Hello</s>world", false), true), std::string("Helloworld"));
    QVERIFY(tokenizer->encode("").size() == 1);
  }

  void tokenizer_config_controls_bos_and_eos() {
    const QString dir = temp_.path() + "/configured";
    QDir().mkpath(dir);
    QFile::copy(bpe_dir_ + "/tokenizer.model", dir + "/tokenizer.model");
    write_file(dir + "/tokenizer_config.json",
               R"({"add_bos_token": false, "add_eos_token": true, "bos_token": "<s>", "eos_token": "</s>",
                   "unk_token": "<unk>", "chat_template": "{{ x }}", "model_max_length": 2048})");
    const auto tokenizer = lora::Tokenizer::load(dir.toStdString());
    Ids expected = tokenizer->encode("Hello", false);
    expected.push_back(2);
    QCOMPARE(tokenizer->encode("Hello"), expected);
    QCOMPARE(tokenizer->config().chat_template, std::string("{{ x }}"));
    QCOMPARE(tokenizer->config().model_max_length, int64_t(2048));
  }

  void tokenizer_json_is_preferred_and_bad_files_are_errors() {
    // Beside a tokenizer.json, the tokenizer.model is not used (transformers' fast tokenizers).
    const QString both = temp_.path() + "/both";
    QDir().mkpath(both);
    QFile::copy(bpe_dir_ + "/tokenizer.model", both + "/tokenizer.model");
    QFile::copy(test_support::npm_tokenizer_dir("tokenizer-llama2") + "/tokenizer.json", both + "/tokenizer.json");
    QCOMPARE(QString::fromStdString(lora::Tokenizer::load(both.toStdString())->kind()), QString("tokenizer.json"));
    // A file that is not a sentencepiece model.
    const QString bad = temp_.path() + "/bad";
    QDir().mkpath(bad);
    write_file(bad + "/tokenizer.model", "this is not a protobuf");
    try {
      lora::Tokenizer::load(bad.toStdString());
      QFAIL("a broken tokenizer.model loaded");
    } catch (const lora::Error& e) {
      QVERIFY2(QString(e.what()).contains(bad + "/tokenizer.model"), e.what());
    }
    // Training errors come back as lora::Error too.
    lora::SentencePieceTrainingOptions options;
    options.input_files = {(temp_.path() + "/corpus.txt").toStdString()};
    options.model_prefix = (temp_.path() + "/too-small").toStdString();
    options.vocab_size = 5;  // smaller than the characters of the corpus
    QVERIFY_EXCEPTION_THROWN(lora::train_sentencepiece(options), lora::Error);
  }

  void torch_and_sentencepiece_in_one_process() {
    // libtorch first, then sentencepiece (load, encode, train), then libtorch again.
    at::manual_seed(0);
    const at::Tensor a = at::randn({64, 64});
    const at::Tensor before = at::mm(a, a.t());
    QVERIFY(at::allclose(before, before.t(), 1e-4, 1e-4));

    const auto tokenizer = lora::Tokenizer::load(bpe_dir_.toStdString());
    const Ids ids = tokenizer->encode("the model learns from data");
    QVERIFY(ids.size() > 2);
    QCOMPARE(tokenizer->decode(ids, true), std::string("the model learns from data"));
    train(temp_.path() + "/after-torch", "bpe", true, 500);
    if (QTest::currentTestFailed()) return;
    const auto retrained = lora::Tokenizer::load((temp_.path() + "/after-torch").toStdString());
    QCOMPARE(retrained->vocab_size(), 500);

    const at::Tensor ids_tensor = at::tensor(std::vector<int64_t>(ids.begin(), ids.end()), at::kLong);
    const at::Tensor embedding = at::randn({tokenizer->vocab_size(), 64});
    const at::Tensor rows = at::index_select(embedding, 0, ids_tensor);
    const at::Tensor after = at::mm(rows, a);
    QCOMPARE(after.size(0), static_cast<int64_t>(ids.size()));
    QVERIFY(at::isfinite(after).all().item<bool>());
    QVERIFY(!lora::sentencepiece_bridge_path().empty());
  }
};

QTEST_GUILESS_MAIN(TestSentencePiece)
#include "test_sentencepiece.moc"
