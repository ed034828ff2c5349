// `lora-studio-cli export-gguf`: complete model GGUF files checked against llama.cpp itself (the prebuilt
// library of the npm package node-llama-cpp, driven by tests/reference/gguf_reference.mjs, which also reads
// each file with the third-party parser @huggingface/gguf):
// - every family the engine loads, exported f32, gives llama.cpp the logits and greedy answer our engine
//   gives (the llama architecture's Q/K permutation, Gemma's 1 + w norms, Phi-3's fused layers, Llama 3's
//   rope_freqs, tied heads), also with a LoRA adapter merged in first;
// - llama.cpp tokenizes a corpus (ASCII, Chinese, emoji, code, whitespace runs, special tokens) on the
//   exported Llama 3, Qwen2.5 and Qwen3 tokenizers as our tokenizer does;
// - f16, bf16, q8_0, q4_0, q4_k_m files load and answer close to the f32 file; their tensor types are
//   llama-quantize's mixture; every quantized tensor's bytes equal an independent numpy re-implementation
//   of ggml's reference quantizers (tests/reference/gguf_quant_reference.py) applied to the f32 file's
//   tensor, and the engine's block encoders equal it on awkward data (zeros, constants, outliers);
// - bad input (unknown type, unsupported tokenizer, a folder that is no model) leaves no file.
// libtorch before Qt: Qt's `slots` macro breaks ATen's headers.
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <random>

#include "causal_lm.h"
#include "error.h"
#include "gguf_quantize.h"
#include "lora_adapter.h"
#include "model_adapter.h"
#include "gguf_test_support.h"
#include "llama_cpp_reference.h"
#include "model_test_support.h"
#include "test_support.h"
#include "tiny_model.h"
#include "tokenizer.h"

namespace {

QString q(const std::string& text) { return QString::fromStdString(text); }

constexpr int kPredict = 6;
const char kPrompt[] = "The quick brown fox jumps over the lazy dog. Then";

using test_support::fp32_cpu;
using test_support::ids_json;
using test_support::ids_text;
using test_support::json_ids;
using test_support::tiny_model_with_tokenizer;

std::vector<double> log_softmax(const at::Tensor& row) {
  const at::Tensor values = at::log_softmax(row.to(at::kDouble), 0).contiguous();
  return std::vector<double>(values.data_ptr<double>(), values.data_ptr<double>() + values.numel());
}

double max_abs_difference(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return INFINITY;
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

std::vector<double> json_logprobs(const QJsonValue& row) {
  std::vector<double> values;
  for (const QJsonValue& value : row.toArray()) values.push_back(value.isNull() ? -INFINITY : value.toDouble());
  return values;
}

// Our engine, fp32 on the CPU: the greedy continuation of `ids` and the log-probabilities after the prompt.
struct EngineAnswer {
  std::vector<int64_t> continuation;
  std::vector<double> last_logprobs;
};
EngineAnswer engine_answer(const std::string& model_dir, const std::string& adapter_dir, std::vector<int64_t> ids,
                           int count) {
  auto model = lora::CausalLM::load(model_dir, fp32_cpu());
  std::unique_ptr<lora::ModelAdapter> adapter;
  if (!adapter_dir.empty()) adapter = lora::ModelAdapter::load(*model, adapter_dir);
  c10::InferenceMode inference;
  EngineAnswer answer;
  for (int i = 0; i < count; ++i) {
    const at::Tensor input = at::tensor(ids, at::TensorOptions().dtype(at::kLong)).unsqueeze(0);
    const at::Tensor last = model->forward(input)[0][-1];
    if (i == 0) answer.last_logprobs = log_softmax(last);
    const int64_t next = last.argmax().item<int64_t>();
    answer.continuation.push_back(next);
    ids.push_back(next);
  }
  return answer;
}

std::vector<int64_t> encode(const std::string& model_dir, const std::string& text) {
  const auto tokenizer = lora::Tokenizer::load(model_dir);
  std::vector<int64_t> ids;
  for (int32_t id : tokenizer->encode(text, true)) ids.push_back(id);
  return ids;
}

void write_floats(const std::string& path, const float* data, size_t count) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(count * 4));
}

QByteArray read_range(const std::string& path, qint64 offset, qint64 size) {
  QFile file(q(path));
  if (!file.open(QIODevice::ReadOnly) || !file.seek(offset)) return {};
  return file.read(size);
}

}  // namespace

class TestGgufExport : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;

  std::string path(const std::string& name) const { return (tmp_.path() + "/").toStdString() + name; }

  // llama.cpp's answer to `request` (tests/reference/gguf_reference.mjs); a failed check on error.
  QJsonObject reference(const QJsonObject& request) { return test_support::llama_cpp_reference(request); }

  // tests/reference/gguf_quant_reference.py: ggml's reference encoding of rows × row_length floats.
  QByteArray reference_blocks(const QString& type, const std::string& input, int64_t rows, int64_t row_length) {
    const std::string output = input + "." + type.toStdString();
    QProcess process;
    process.start("/usr/bin/python3", {test_support::reference_dir() + "/gguf_quant_reference.py", type, q(input),
                                       QString::number(rows), QString::number(row_length), q(output)});
    process.waitForFinished(600000);
    if (process.exitCode() != 0) {
      QTest::qFail(qPrintable("gguf_quant_reference.py failed: " + QString::fromUtf8(process.readAllStandardError())),
                   __FILE__, __LINE__);
      return {};
    }
    QFile file(q(output));
    file.open(QIODevice::ReadOnly);
    return file.readAll();
  }

  test_support::CliResult export_gguf(const std::string& model_dir, const std::string& output, const QString& type,
                                      const std::string& adapter = "") {
    QStringList args{"export-gguf", "--model", q(model_dir), "--output", q(output)};
    if (!type.isEmpty()) args << "--type" << type;
    if (!adapter.empty()) args << "--adapter" << q(adapter);
    return test_support::run_cli(args);
  }

  std::string tiny_model(const std::string& name, const lora::TinyModelOptions& options) {
    return test_support::tiny_model_once(path(name), options);
  }

  // llama.cpp's greedy answer and last-prompt-position log-probabilities on `gguf` against our engine's on
  // the model folder (and adapter): same continuation, log-probabilities within `tolerance`.
  void expect_llama_cpp_answers_as_engine(const std::string& model_dir, const std::string& adapter,
                                          const std::string& gguf, double tolerance) {
    const std::vector<int64_t> ids = encode(model_dir, kPrompt);
    const QJsonObject answer = reference(QJsonObject{{"gguf", q(gguf)},
                                                     {"prompt_tokens", ids_json(ids)},
                                                     {"n_predict", kPredict},
                                                     {"logprobs", "last"},
                                                     {"threads", 1},
                                                     {"metadata", false}});
    QVERIFY(!answer.isEmpty());
    const EngineAnswer ours = engine_answer(model_dir, adapter, ids, kPredict);
    const std::vector<double> theirs = json_logprobs(answer["logprobs"].toArray().at(0));
    const double difference = max_abs_difference(ours.last_logprobs, theirs);
    qInfo("%s: log-prob difference %.2e", QFileInfo(q(gguf)).fileName().toUtf8().constData(), difference);
    QVERIFY2(difference < tolerance, qPrintable(QString("llama.cpp's log-probabilities differ by %1").arg(difference)));
    const std::vector<int64_t> continuation = json_ids(answer["continuation"].toObject()["tokens"]);
    QVERIFY2(continuation == ours.continuation,
             qPrintable("llama.cpp " + ids_text(continuation) + " vs ours " + ids_text(ours.continuation)));
  }

  // llama.cpp's ids (with the special tokens it adds) for each text of `corpus` on `gguf` equal our
  // tokenizer's on the model folder.
  void expect_llama_cpp_tokenizes_as_engine(const std::string& model_dir, const std::string& gguf,
                                            const QStringList& corpus) {
    QJsonArray texts;
    for (const QString& text : corpus) texts.append(text);
    const QJsonObject answer = reference(QJsonObject{{"gguf", q(gguf)}, {"tokenize", texts}, {"metadata", false}});
    QVERIFY(!answer.isEmpty());
    const auto tokenizer = lora::Tokenizer::load(model_dir);
    const QJsonArray results = answer["tokenize"].toArray();
    QCOMPARE(results.size(), corpus.size());
    for (int i = 0; i < corpus.size(); ++i) {
      std::vector<int64_t> ours;
      for (int32_t id : tokenizer->encode(corpus[i].toStdString(), true)) ours.push_back(id);
      const std::vector<int64_t> theirs = json_ids(results[i].toObject()["with_special"]);
      QVERIFY2(ours == theirs, qPrintable(corpus[i] + ": ours " + ids_text(ours) + " llama.cpp " + ids_text(theirs)));
    }
  }

  QJsonObject metadata(const std::string& gguf) {
    return reference(QJsonObject{{"gguf", q(gguf)}, {"load", false}, {"metadata", true}, {"metadata_arrays", "full"}})
        .value("metadata")
        .toObject();
  }

  static QMap<QString, QString> tensor_types(const QJsonObject& metadata) {
    QMap<QString, QString> types;
    for (const QJsonValue& tensor : metadata["tensors"].toArray())
      types[tensor["name"].toString()] = tensor["type"].toString();
    return types;
  }

  // A Llama 2 style tokenizer.model (sentencepiece BPE with byte fallback), trained here once: no real
  // one may be downloaded. "" when this build has no sentencepiece.
  std::string spm_tokenizer() { return test_support::small_spm_tokenizer(path("spm-tokenizer")); }

  // A Qwen3 whose rows fit the 256-element K-quant blocks, with a small vocabulary so that its files stay small.
  std::string k_quant_model() {
    lora::TinyModelOptions options = tiny_model_with_tokenizer("qwen3", "tokenizer-qwen3", 21);
    const std::string spm = spm_tokenizer();
    if (!spm.empty()) options.tokenizer_path = spm;
    options.hidden_size = 256;
    options.intermediate_size = 512;
    options.num_heads = 4;
    options.num_kv_heads = 2;
    options.init_std = 0.05;
    return tiny_model("qwen3-k", options);
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    QVERIFY2(QFile::exists(test_support::reference_dir() + "/node_modules/node-llama-cpp/package.json"),
             "tests/reference/node_modules lacks node-llama-cpp: run npm ci there (scripts/setup.sh does)");
  }

  void block_encoders_equal_ggml_reference_data() {
    QTest::addColumn<int>("type");
    QTest::newRow("F16") << static_cast<int>(lora::gguf::TensorType::f16);
    QTest::newRow("BF16") << static_cast<int>(lora::gguf::TensorType::bf16);
    QTest::newRow("Q8_0") << static_cast<int>(lora::gguf::TensorType::q8_0);
    QTest::newRow("Q4_0") << static_cast<int>(lora::gguf::TensorType::q4_0);
    QTest::newRow("Q5_0") << static_cast<int>(lora::gguf::TensorType::q5_0);
    QTest::newRow("Q4_K") << static_cast<int>(lora::gguf::TensorType::q4_k);
    QTest::newRow("Q6_K") << static_cast<int>(lora::gguf::TensorType::q6_k);
  }
  void block_encoders_equal_ggml_reference() {
    QFETCH(int, type);
    const auto tensor_type = static_cast<lora::gguf::TensorType>(type);
    // Rows a quantizer finds awkward: zeros, a constant, outliers, values near fp16's subnormals, all
    // positive, and plain weights.
    const int64_t rows = 8, row_length = 512;
    std::vector<float> data(rows * row_length);
    std::mt19937 generator(5);
    std::normal_distribution<float> normal(0.0f, 0.02f);
    for (int64_t j = 0; j < row_length; ++j) {
      data[0 * row_length + j] = 0.0f;
      data[1 * row_length + j] = 0.5f;
      data[2 * row_length + j] = j % 37 == 0 ? 3.0f : normal(generator);
      data[3 * row_length + j] = normal(generator) * 1e-6f;
      data[4 * row_length + j] = std::abs(normal(generator));
      data[5 * row_length + j] = -std::abs(normal(generator)) - 1.0f;
    }
    for (int64_t i = 6 * row_length; i < rows * row_length; ++i) data[i] = normal(generator);
    std::string ours;
    lora::gguf::encode_rows(tensor_type, data.data(), rows, row_length, ours);
    QCOMPARE(ours.size(), lora::gguf::row_bytes(tensor_type, row_length) * rows);
    const std::string input = path(std::string("blocks-") + QTest::currentDataTag() + ".f32");
    write_floats(input, data.data(), data.size());
    const QByteArray expected = reference_blocks(QTest::currentDataTag(), input, rows, row_length);
    QCOMPARE(QByteArray(ours.data(), static_cast<int>(ours.size())).toHex(), expected.toHex());
    // Decoding gives the values back within the type's precision.
    std::vector<float> decoded;
    lora::gguf::decode_rows(tensor_type, reinterpret_cast<const uint8_t*>(ours.data()), rows, row_length, decoded);
    QCOMPARE(static_cast<int64_t>(decoded.size()), rows * row_length);
    for (int64_t i = 6 * row_length; i < rows * row_length; ++i) QVERIFY(std::abs(decoded[i] - data[i]) < 0.03f);
  }

  void every_family_f32_matches_llama_cpp_data() {
    QTest::addColumn<QString>("arch");
    QTest::addColumn<QString>("tokenizer");
    QTest::addColumn<QString>("variant");
    QTest::newRow("llama") << "llama" << "tokenizer-llama3" << "";
    QTest::newRow("llama-rope-llama3") << "llama" << "tokenizer-llama3" << "rope-llama3";
    QTest::newRow("llama-tied-bf16") << "llama" << "tokenizer-llama3_1" << "tied-bf16";
    QTest::newRow("mistral") << "mistral" << "tokenizer-llama3" << "";
    QTest::newRow("qwen2") << "qwen2" << "tokenizer-qwen2_5" << "";
    QTest::newRow("qwen3") << "qwen3" << "tokenizer-qwen3" << "";
    QTest::newRow("qwen3-tied") << "qwen3" << "tokenizer-qwen3" << "tied";
    QTest::newRow("gemma3_text") << "gemma3_text" << "tokenizer-qwen3" << "";
    QTest::newRow("phi3") << "phi3" << "tokenizer-qwen2_5" << "";
    QTest::newRow("phi3-partial-rotary") << "phi3" << "tokenizer-qwen2_5" << "partial-rotary";
  }
  void every_family_f32_matches_llama_cpp() {
    QFETCH(QString, arch);
    QFETCH(QString, tokenizer);
    QFETCH(QString, variant);
    lora::TinyModelOptions options = tiny_model_with_tokenizer(arch.toStdString(), tokenizer.toUtf8().constData(), 3);
    if (variant == "rope-llama3") {
      options.rope_scaling.type = "llama3";
      options.rope_scaling.factor = 8;
      options.rope_scaling.original_max_position_embeddings = 64;  // so that every branch of the rule is used
    } else if (variant == "tied-bf16") {
      options.tied = true;
      options.dtype = "bfloat16";
    } else if (variant == "tied") {
      options.tied = true;
    } else if (variant == "partial-rotary") {
      options.partial_rotary_factor = 0.5;
    }
    const std::string model = tiny_model(QTest::currentDataTag(), options);
    const std::string gguf = path(std::string(QTest::currentDataTag()) + ".f32.gguf");
    const auto exported = export_gguf(model, gguf, "f32");
    QVERIFY2(exported.exit_code == 0, exported.err.constData());
    // Gemma's GeGLU: ggml computes GELU through an fp16 lookup table, a little coarser than float32.
    expect_llama_cpp_answers_as_engine(model, "", gguf, arch.startsWith("gemma") ? 2e-3 : 2e-4);
  }

  void adapter_is_merged_before_export() {
    const std::string model = tiny_model("llama-adapter-base", tiny_model_with_tokenizer("llama", "tokenizer-llama3", 9));
    lora::LoraConfig config;
    config.target_modules.names = {"q_proj", "k_proj", "v_proj", "o_proj", "down_proj"};
    config.r = 4;
    config.lora_alpha = 8;
    const std::string adapter = path("llama-adapter");
    test_support::write_random_adapter(model, adapter, config, 11, 12, 0.3, fp32_cpu());
    const std::string gguf = path("llama-merged.f32.gguf");
    const auto exported = export_gguf(model, gguf, "f32", adapter);
    QVERIFY2(exported.exit_code == 0, exported.err.constData());
    QCOMPARE(QJsonDocument::fromJson(exported.out).object()["merged_modules"].toInt(), 10);
    expect_llama_cpp_answers_as_engine(model, adapter, gguf, 2e-4);
    // ... and the adapter changed the answer: the base model's own file answers differently.
    const std::vector<int64_t> ids = encode(model, kPrompt);
    const EngineAnswer base = engine_answer(model, "", ids, kPredict);
    const EngineAnswer adapted = engine_answer(model, adapter, ids, kPredict);
    QVERIFY2(max_abs_difference(base.last_logprobs, adapted.last_logprobs) > 0.1, "the adapter should matter");
  }

  void metadata_is_laid_out_as_the_converter() {
    // Qwen3 with a tied head: fewer tokenizer ids than embedding rows, no output tensor.
    lora::TinyModelOptions options = tiny_model_with_tokenizer("qwen3", "tokenizer-qwen3", 3);
    options.tied = true;
    const std::string model = tiny_model("qwen3-tied", options);
    const std::string gguf = path("qwen3-tied.meta.gguf");
    const auto exported = export_gguf(model, gguf, "");
    QVERIFY2(exported.exit_code == 0, exported.err.constData());
    const QJsonObject meta = metadata(gguf);
    const QJsonObject kv = meta["kv"].toObject();
    const QJsonObject kv_types = meta["kv_types"].toObject();
    QCOMPARE(kv["general.architecture"].toString(), QString("qwen3"));
    QCOMPARE(kv["general.file_type"].toInt(), 1);  // MOSTLY_F16: the default for a float32 source
    QCOMPARE(kv["qwen3.block_count"].toInt(), 2);
    QCOMPARE(kv["qwen3.embedding_length"].toInt(), 64);
    QCOMPARE(kv["qwen3.feed_forward_length"].toInt(), 128);
    QCOMPARE(kv["qwen3.attention.head_count"].toInt(), 4);
    QCOMPARE(kv["qwen3.attention.head_count_kv"].toInt(), 2);
    QCOMPARE(kv["qwen3.attention.key_length"].toInt(), 16);
    QCOMPARE(kv["qwen3.context_length"].toInt(), 2048);
    QCOMPARE(kv["qwen3.rope.freq_base"].toDouble(), 1000000.0);
    QCOMPARE(kv_types["qwen3.attention.layer_norm_rms_epsilon"].toString(), QString("FLOAT32"));
    QCOMPARE(kv["tokenizer.ggml.model"].toString(), QString("gpt2"));
    QCOMPARE(kv["tokenizer.ggml.pre"].toString(), QString("qwen2"));
    const QJsonArray tokens = kv["tokenizer.ggml.tokens"].toArray();
    const QJsonArray types = kv["tokenizer.ggml.token_type"].toArray();
    const auto tokenizer = lora::Tokenizer::load(model);
    QJsonObject config;
    {
      QFile file(q(model + "/config.json"));
      QVERIFY(file.open(QIODevice::ReadOnly));
      config = QJsonDocument::fromJson(file.readAll()).object();
    }
    const int vocab_size = config["vocab_size"].toInt();
    QCOMPARE(tokens.size(), vocab_size);
    QCOMPARE(types.size(), vocab_size);
    for (int id = 0; id < vocab_size; ++id) {
      if (id >= tokenizer->vocab_size() || tokenizer->id_to_token(id).empty()) {
        QCOMPARE(tokens[id].toString(), QString("[PAD%1]").arg(id));
        QCOMPARE(types[id].toInt(), 5);  // UNUSED
      } else {
        QCOMPARE(tokens[id].toString(), q(tokenizer->id_to_token(id)));
      }
    }
    const int im_end = *tokenizer->token_to_id("<|im_end|>");
    QCOMPARE(types[im_end].toInt(), 3);                    // CONTROL
    QCOMPARE(types[*tokenizer->token_to_id("Hello")].toInt(), 1);  // NORMAL
    QCOMPARE(kv["tokenizer.ggml.eos_token_id"].toInt(), im_end);
    QCOMPARE(kv["tokenizer.ggml.add_bos_token"].toBool(), false);
    QCOMPARE(kv_types["tokenizer.ggml.add_eos_token"].toString(), QString("BOOL"));
    QVERIFY(kv["tokenizer.ggml.merges"].toArray().size() > 100000);
    QCOMPARE(kv["tokenizer.chat_template"].toString(), q(tokenizer->config().chat_template));
    const QMap<QString, QString> tensors = tensor_types(meta);
    QVERIFY(!tensors.contains("output.weight"));
    QCOMPARE(tensors.value("token_embd.weight"), QString("F16"));
    QCOMPARE(tensors.value("blk.1.attn_q_norm.weight"), QString("F32"));
    QCOMPARE(tensors.value("output_norm.weight"), QString("F32"));
    for (const QJsonValue& tensor : meta["tensors"].toArray())
      if (tensor["name"].toString() == "token_embd.weight")
        QVERIFY(tensor["shape"].toArray() == (QJsonArray{64, vocab_size}));  // ggml order: row length first

    // Llama 3 RoPE scaling: the rope_freqs tensor, the converter's per-frequency factors.
    lora::TinyModelOptions llama = tiny_model_with_tokenizer("llama", "tokenizer-llama3", 3);
    llama.rope_scaling.type = "llama3";
    llama.rope_scaling.factor = 8;
    llama.rope_scaling.original_max_position_embeddings = 64;
    const std::string llama_model = tiny_model("llama-rope-llama3", llama);
    const std::string llama_gguf = path("llama-rope-llama3.meta.gguf");
    QCOMPARE(export_gguf(llama_model, llama_gguf, "f32").exit_code, 0);
    const QJsonObject llama_meta = metadata(llama_gguf);
    QCOMPARE(llama_meta["kv"].toObject()["general.architecture"].toString(), QString("llama"));
    QCOMPARE(llama_meta["kv"].toObject()["llama.rope.dimension_count"].toInt(), 16);
    QCOMPARE(llama_meta["kv"].toObject()["llama.vocab_size"].toInt(), 128256);
    QCOMPARE(tensor_types(llama_meta).value("rope_freqs.weight"), QString("F32"));
    QCOMPARE(tensor_types(llama_meta).value("output.weight"), QString("F32"));
  }

  void tokenizer_matches_llama_cpp_data() {
    QTest::addColumn<QString>("package");
    QTest::newRow("llama3") << "tokenizer-llama3";
    QTest::newRow("qwen2_5") << "tokenizer-qwen2_5";
    QTest::newRow("qwen3") << "tokenizer-qwen3";
  }
  void tokenizer_matches_llama_cpp() {
    QFETCH(QString, package);
    const std::string model = tiny_model("tok-" + package.toStdString(),
                                         tiny_model_with_tokenizer("qwen3", package.toUtf8().constData(), 1));
    const std::string gguf = path("tok-" + package.toStdString() + ".gguf");
    const auto exported = export_gguf(model, gguf, "q8_0");
    QVERIFY2(exported.exit_code == 0, exported.err.constData());
    const QStringList corpus = {
        "Hello world",
        "  leading and    inner   whitespace runs\t\ttabs\n\n\nnewlines   ",
        "我想在apple工作1314151天～ 你好，世界！",
        "emoji 🚀🦙 😶‍🌫️ ✅ and accents: café naïve Ωmega",
        "def f(x):\n    return [i ** 2 for i in range(x)]  # squares\n",
        "numbers 3 33 333 3333 33333 3.14159 1e-10",
        "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n",
        "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
        "I've been 'told he's there, 'RE you sure? We'Ve a'lL",
        "",
    };
    expect_llama_cpp_tokenizes_as_engine(model, gguf, corpus);
  }

  // A Llama 2 style tokenizer.model (sentencepiece BPE with byte fallback, trained here: no real one
  // may be downloaded) written as tokenizer.ggml.model "llama": llama.cpp's own sentencepiece tokenizer
  // gives our ids, and the model answers as ours.
  void sentencepiece_tokenizer_matches_llama_cpp() {
    const std::string spm = spm_tokenizer();
    if (spm.empty()) QSKIP("this build has no sentencepiece bridge");
    lora::TinyModelOptions options;
    options.arch = "llama";
    options.tokenizer_path = spm;
    options.seed = 5;
    options.init_std = 0.1;
    const std::string model = tiny_model("llama-spm", options);
    const std::string gguf = path("llama-spm.f32.gguf");
    const auto exported = export_gguf(model, gguf, "f32");
    QVERIFY2(exported.exit_code == 0, exported.err.constData());
    QCOMPARE(QJsonDocument::fromJson(exported.out).object()["tokenizer_pre"].toString(), QString("default"));
    const QJsonObject kv = metadata(gguf)["kv"].toObject();
    QCOMPARE(kv["tokenizer.ggml.model"].toString(), QString("llama"));
    QCOMPARE(kv["tokenizer.ggml.scores"].toArray().size(), 400);
    QCOMPARE(kv["tokenizer.ggml.add_bos_token"].toBool(), true);
    const QStringList corpus = {"The quick brown fox", "Hello world, hello there!", "  spaces   and\ttabs  ",
                                "Numbers 12345 and 3.14159", "我想在apple工作", "emoji 🦙 not in the vocabulary",
                                "café naïve", "<s> literal and </s>"};
    expect_llama_cpp_tokenizes_as_engine(model, gguf, corpus);
    if (QTest::currentTestFailed()) return;
    expect_llama_cpp_answers_as_engine(model, "", gguf, 2e-4);
  }

  void quantized_types_load_and_answer_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<double>("tolerance");
    QTest::addColumn<bool>("same_greedy");
    // Worst log-probability change against the f32 file on a random tiny model (flat distributions,
    // so 4-bit types move it a lot; the blocks themselves are checked exactly above).
    QTest::newRow("f16") << "f16" << 0.02 << true;
    QTest::newRow("bf16") << "bf16" << 0.1 << true;
    QTest::newRow("q8_0") << "q8_0" << 0.3 << true;  // llama.cpp also rounds the activations to Q8_0
    QTest::newRow("q4_0") << "q4_0" << 2.0 << false;
    QTest::newRow("q4_k_m") << "q4_k_m" << 2.0 << false;
  }
  void quantized_types_load_and_answer() {
    QFETCH(QString, type);
    QFETCH(double, tolerance);
    QFETCH(bool, same_greedy);
    const std::string model = k_quant_model();
    const std::string f32 = path("qwen3-k.f32.gguf");
    if (!QFile::exists(q(f32))) QCOMPARE(export_gguf(model, f32, "f32").exit_code, 0);
    const std::string gguf = path("qwen3-k." + type.toStdString() + ".gguf");
    const auto exported = export_gguf(model, gguf, type);
    QVERIFY2(exported.exit_code == 0, exported.err.constData());
    QCOMPARE(QJsonDocument::fromJson(exported.out).object()["type"].toString(), type);

    // The types llama-quantize picks (llama_tensor_get_type): 2 layers, so use_more_bits is true for layer 1.
    const QJsonObject meta = metadata(gguf);
    const QMap<QString, QString> types = tensor_types(meta);
    QCOMPARE(types.value("blk.0.attn_norm.weight"), QString("F32"));
    QCOMPARE(types.value("blk.0.attn_k_norm.weight"), QString("F32"));
    const QMap<QString, QStringList> expected = {
        // tensor:                  f16     bf16    q8_0    q4_0    q4_k_m
        {"token_embd.weight", {"F16", "BF16", "Q8_0", "Q4_0", "Q4_K"}},
        {"output.weight", {"F16", "BF16", "Q8_0", "Q6_K", "Q6_K"}},
        {"blk.0.attn_q.weight", {"F16", "BF16", "Q8_0", "Q4_0", "Q4_K"}},
        {"blk.0.attn_v.weight", {"F16", "BF16", "Q8_0", "Q4_0", "Q4_K"}},
        {"blk.1.attn_v.weight", {"F16", "BF16", "Q8_0", "Q4_0", "Q6_K"}},
        {"blk.0.ffn_down.weight", {"F16", "BF16", "Q8_0", "Q4_0", "Q4_K"}},
        {"blk.1.ffn_down.weight", {"F16", "BF16", "Q8_0", "Q4_0", "Q6_K"}},
        {"blk.1.ffn_up.weight", {"F16", "BF16", "Q8_0", "Q4_0", "Q4_K"}},
    };
    const int column = QStringList{"f16", "bf16", "q8_0", "q4_0", "q4_k_m"}.indexOf(type);
    for (auto it = expected.begin(); it != expected.end(); ++it)
      QVERIFY2(types.value(it.key()) == it.value()[column],
               qPrintable(it.key() + ": " + types.value(it.key()) + ", expected " + it.value()[column]));

    // Every encoded tensor is what ggml's reference quantizer makes of the f32 file's tensor.
    const QJsonObject f32_meta = metadata(f32);
    QMap<QString, QJsonObject> f32_tensors;
    for (const QJsonValue& tensor : f32_meta["tensors"].toArray()) f32_tensors[tensor["name"].toString()] = tensor.toObject();
    const qint64 f32_data = f32_meta["tensor_data_offset"].toInteger();
    const qint64 data = meta["tensor_data_offset"].toInteger();
    for (const QJsonValue& value : meta["tensors"].toArray()) {
      const QJsonObject tensor = value.toObject();
      const QString tensor_type = tensor["type"].toString();
      if (tensor_type == "F32") continue;
      const QJsonArray shape = tensor["shape"].toArray();
      const int64_t row_length = shape[0].toInteger();
      int64_t rows = 1;
      for (int i = 1; i < shape.size(); ++i) rows *= shape[i].toInteger();

      const QJsonObject source = f32_tensors.value(tensor["name"].toString());
      const QByteArray floats =
          read_range(f32, f32_data + source["offset"].toInteger(), rows * row_length * 4);
      const std::string input = path("tensor-" + type.toStdString() + "-" + tensor["name"].toString().toStdString());
      write_floats(input, reinterpret_cast<const float*>(floats.constData()), static_cast<size_t>(rows * row_length));
      const QByteArray expected_bytes = reference_blocks(tensor_type, input, rows, row_length);
      const QByteArray ours = read_range(gguf, data + tensor["offset"].toInteger(), expected_bytes.size());
      QVERIFY2(!expected_bytes.isEmpty() && ours == expected_bytes,
               qPrintable(tensor["name"].toString() + " (" + tensor_type + ") differs from ggml's reference encoding"));
    }

    // llama.cpp loads the file and answers close to the f32 file.
    const std::vector<int64_t> ids = encode(model, kPrompt);
    auto ask = [&](const std::string& file) {
      return reference(QJsonObject{{"gguf", q(file)},
                                   {"prompt_tokens", ids_json(ids)},
                                   {"n_predict", kPredict},
                                   {"logprobs", "last"},
                                   {"threads", 1},
                                   {"metadata", false}});
    };
    const QJsonObject exact = ask(f32);
    const QJsonObject answer = ask(gguf);
    QVERIFY(!exact.isEmpty() && !answer.isEmpty());
    const double difference = max_abs_difference(json_logprobs(exact["logprobs"].toArray().at(0)),
                                                 json_logprobs(answer["logprobs"].toArray().at(0)));
    const std::vector<int64_t> continuation = json_ids(answer["continuation"].toObject()["tokens"]);
    const std::vector<int64_t> exact_continuation = json_ids(exact["continuation"].toObject()["tokens"]);
    qInfo("%s: %lld bytes, log-prob difference to f32 %.3g, answer %s (f32 %s)", qPrintable(type),
          static_cast<long long>(QFileInfo(q(gguf)).size()), difference, qPrintable(ids_text(continuation)),
          qPrintable(ids_text(exact_continuation)));
    QVERIFY2(difference < tolerance, qPrintable(QString("log-prob difference %1").arg(difference)));
    QCOMPARE(static_cast<int>(continuation.size()), kPredict);
    if (same_greedy) QVERIFY(continuation.front() == exact_continuation.front());
  }

  void bad_input_leaves_no_file() {
    const std::string model = tiny_model("qwen3", tiny_model_with_tokenizer("qwen3", "tokenizer-qwen3", 3));
    const std::string out = path("bad.gguf");
    const auto bad_type = export_gguf(model, out, "q3_k");
    QCOMPARE(bad_type.exit_code, 1);
    QVERIFY2(bad_type.err.contains("q3_k") && bad_type.err.contains("q4_k_m"), bad_type.err.constData());
    // A model without a tokenizer GGUF can carry.
    lora::TinyModelOptions bare;
    bare.arch = "llama";
    const std::string bare_model = tiny_model("bare", bare);
    const auto no_tokenizer = export_gguf(bare_model, out, "f32");
    QCOMPARE(no_tokenizer.exit_code, 1);
    QVERIFY2(no_tokenizer.err.contains(QByteArray::fromStdString(bare_model)), no_tokenizer.err.constData());
    const auto no_model = export_gguf(path("no-such-folder"), out, "f32");
    QCOMPARE(no_model.exit_code, 1);
    QVERIFY2(no_model.err.contains("no-such-folder"), no_model.err.constData());
    QVERIFY(!QFile::exists(q(out)));
    // Nor a temporary file beside it.
    for (const QString& name : QDir(tmp_.path()).entryList(QDir::Files | QDir::Hidden))
      QVERIFY2(!name.startsWith(".bad.gguf"), qPrintable(name));
  }
};

QTEST_GUILESS_MAIN(TestGgufExport)
#include "test_gguf_export.moc"
