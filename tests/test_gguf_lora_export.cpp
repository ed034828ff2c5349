// `lora-studio-cli export-gguf --lora-only`: an adapter written alone as a llama.cpp LoRA adapter GGUF and
// applied by llama.cpp itself (the prebuilt library of the npm package node-llama-cpp, driven by
// tests/reference/gguf_reference.mjs) on top of the base model's GGUF gives the logits and greedy answer
// our engine gives for the base model plus the adapter: Llama (Q/K row permutation, rsLoRA, rank and alpha
// patterns) and Qwen2 (biases, an untied lm_head target). A third-party parser (@huggingface/gguf) reads
// the layout convert_lora_to_gguf.py writes; adapters llama.cpp cannot apply as they are are refused with
// a message and leave no file.
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

#include <algorithm>
#include <cmath>
#include <map>

#include "causal_lm.h"
#include "checkpoint.h"
#include "error.h"
#include "lora_adapter.h"
#include "model_adapter.h"
#include "safetensors.h"
#include "llama_cpp_reference.h"
#include "model_test_support.h"
#include "test_support.h"
#include "tiny_model.h"

namespace {

QString q(const std::string& text) { return QString::fromStdString(text); }

const std::vector<int64_t> kLlamaIds = {1, 450, 4996, 17354, 1701, 29916, 432, 17204, 975, 278};
const std::vector<int64_t> kQwenIds = {785, 3974, 13876, 38835, 34208, 916, 279, 15678, 5562, 13};
constexpr int kPredict = 8;

QString ids_text(const std::vector<int64_t>& ids) {
  QStringList parts;
  for (int64_t id : ids) parts << QString::number(id);
  return parts.join(',');
}

using test_support::fp32_cpu;

// An adapter with nonzero factors everywhere it targets (PEFT starts lora_B at zero).
void make_adapter(const std::string& model_dir, const std::string& adapter_dir, const lora::LoraConfig& config,
                  uint64_t seed) {
  test_support::write_random_adapter(model_dir, adapter_dir, config, seed, seed, 0.3, fp32_cpu());
}

// Our engine's greedy continuation of `ids` (base model + adapter, fp32 on the CPU).
std::vector<int64_t> engine_greedy(const std::string& model_dir, const std::string& adapter_dir,
                                   std::vector<int64_t> ids, int count) {
  auto model = lora::CausalLM::load(model_dir, fp32_cpu());
  auto adapter = lora::ModelAdapter::load(*model, adapter_dir);
  c10::InferenceMode inference;
  std::vector<int64_t> generated;
  for (int i = 0; i < count; ++i) {
    const at::Tensor input = at::tensor(ids, at::TensorOptions().dtype(at::kLong)).unsqueeze(0);
    const int64_t next = model->forward(input)[0][-1].argmax().item<int64_t>();
    generated.push_back(next);
    ids.push_back(next);
  }
  return generated;
}

double max_abs_difference(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return INFINITY;
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

std::vector<double> log_softmax(const at::Tensor& row) {
  const at::Tensor values = at::log_softmax(row.to(at::kDouble), 0).contiguous();
  return std::vector<double>(values.data_ptr<double>(), values.data_ptr<double>() + values.numel());
}

}  // namespace

class TestGgufLoraExport : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  std::string llama_dir_, llama_adapter_, llama_base_gguf_, llama_lora_gguf_;
  std::string qwen_dir_, qwen_adapter_, qwen_base_gguf_, qwen_lora_gguf_;

  std::string path(const std::string& name) const { return (tmp_.path() + "/").toStdString() + name; }

  // llama.cpp's answer to `request` (tests/reference/gguf_reference.mjs); a failed check on error.
  QJsonObject reference(const QJsonObject& request) { return test_support::llama_cpp_reference(request); }

  // `lora-studio-cli logits` (fp32, CPU) of the last position, as log-probabilities.
  std::vector<double> engine_last_logprobs(const std::string& model_dir, const std::string& adapter,
                                           const std::vector<int64_t>& ids) {
    static int counter = 0;
    const std::string out = path("logits-" + std::to_string(counter++) + ".safetensors");
    QStringList args{"logits", q(model_dir), "--ids", ids_text(ids), "--dtype", "float32", "--device", "cpu",
                     "--threads", "1", "--output", q(out)};
    if (!adapter.empty()) args << "--adapter" << q(adapter);
    const auto result = test_support::run_cli(args);
    if (result.exit_code != 0) throw std::runtime_error("logits failed: " + result.err.toStdString());
    auto file = lora::SafetensorsFile::open(out);
    const at::Tensor logits = lora::tensor_from_safetensors(*file, *file->find("logits")).clone();
    return log_softmax(logits[-1]);
  }

  // The base model's GGUF (export-gguf, f32): what the adapter GGUF is applied to.
  void export_base(const std::string& model_dir, const std::string& output) {
    const auto result =
        test_support::run_cli({"export-gguf", "--model", q(model_dir), "--output", q(output), "--type", "f32"});
    QVERIFY2(result.exit_code == 0, result.err.constData());
  }

  test_support::CliResult export_lora(const std::string& model_dir, const std::string& adapter,
                                      const std::string& output, const QStringList& extra = {}) {
    return test_support::run_cli(QStringList{"export-gguf", "--model", q(model_dir), "--adapter", q(adapter),
                                             "--lora-only", "--output", q(output)} + extra);
  }

  // llama.cpp with and without the adapter GGUF against our engine with and without the adapter folder.
  void expect_llama_cpp_applies_adapter(const std::string& model_dir, const std::string& adapter,
                                        const std::string& base_gguf, const std::string& lora_gguf,
                                        const std::vector<int64_t>& ids) {
    QJsonArray prompt;
    for (int64_t id : ids) prompt.append(static_cast<qint64>(id));
    QJsonObject request{{"gguf", q(base_gguf)}, {"prompt_tokens", prompt}, {"n_predict", kPredict},
                        {"threads", 1},         {"metadata", false}};
    const QJsonObject plain = reference(request);
    request["lora"] = QJsonArray{q(lora_gguf)};
    const QJsonObject adapted = reference(request);
    QVERIFY(!plain.isEmpty() && !adapted.isEmpty());

    auto row = [](const QJsonObject& answer) {
      std::vector<double> values;
      for (const auto& value : answer.value("logprobs").toArray().at(0).toArray())
        values.push_back(value.isNull() ? -INFINITY : value.toDouble());
      return values;
    };
    const std::vector<double> ours_base = engine_last_logprobs(model_dir, "", ids);
    const std::vector<double> ours_adapted = engine_last_logprobs(model_dir, adapter, ids);
    const std::vector<double> theirs_base = row(plain), theirs_adapted = row(adapted);
    // float32 on both sides: differences scale with the size of the logits (these random models' spread
    // over tens of nats), so tolerances are relative to the spread.
    const double spread = *std::max_element(ours_adapted.begin(), ours_adapted.end()) -
                          *std::min_element(ours_adapted.begin(), ours_adapted.end());
    const double base_difference = max_abs_difference(theirs_base, ours_base);
    const double adapted_difference = max_abs_difference(theirs_adapted, ours_adapted);
    const double adapter_effect = max_abs_difference(ours_base, ours_adapted);
    // What the adapter changes, in llama.cpp and here: isolates the adapter GGUF from the base GGUF.
    std::vector<double> effect_theirs(theirs_base.size()), effect_ours(ours_base.size());
    for (size_t i = 0; i < theirs_base.size() && i < theirs_adapted.size(); ++i)
      effect_theirs[i] = theirs_adapted[i] - theirs_base[i];
    for (size_t i = 0; i < ours_base.size(); ++i) effect_ours[i] = ours_adapted[i] - ours_base[i];
    const double effect_difference = max_abs_difference(effect_theirs, effect_ours);
    qInfo("log-probs spread over %.1f; llama.cpp vs ours: base %.2e, with adapter %.2e, adapter's change %.2e "
          "(the adapter moves them by up to %.3f)",
          spread, base_difference, adapted_difference, effect_difference, adapter_effect);
    QVERIFY2(adapter_effect > 0.1, "the adapter should change the logits visibly");
    QVERIFY2(base_difference < 5e-5 * spread, "llama.cpp's base GGUF differs from the model it came from");
    QVERIFY2(adapted_difference < 5e-5 * spread,
             "llama.cpp with the adapter GGUF differs from our model with the adapter");
    QVERIFY2(effect_difference < 2e-5 * spread, "the adapter changes llama.cpp's logits differently from ours");

    std::vector<int64_t> theirs;
    for (const auto& token : adapted.value("continuation").toObject().value("tokens").toArray())
      theirs.push_back(token.toInteger());
    const std::vector<int64_t> ours = engine_greedy(model_dir, adapter, ids, kPredict);
    QCOMPARE(ids_text(theirs), ids_text(ours));
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    llama_dir_ = path("llama");
    lora::TinyModelOptions llama;
    llama.arch = "llama";
    llama.tokenizer_path = test_support::npm_tokenizer_dir("tokenizer-llama3").toStdString();
    llama.seed = 3;
    llama.init_std = 0.3;
    lora::write_tiny_model(llama_dir_, llama);
    lora::LoraConfig llama_config;
    llama_config.target_modules.names = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
    llama_config.r = 4;
    llama_config.lora_alpha = 8;
    llama_config.use_rslora = true;
    llama_config.rank_pattern = {{"down_proj", 2}};
    llama_config.alpha_pattern = {{"o_proj", 3}};
    llama_adapter_ = path("llama-adapter");
    make_adapter(llama_dir_, llama_adapter_, llama_config, 7);

    qwen_dir_ = path("qwen");
    lora::TinyModelOptions qwen;
    qwen.arch = "qwen2";
    qwen.tokenizer_path = test_support::npm_tokenizer_dir("tokenizer-qwen2_5").toStdString();
    qwen.seed = 4;
    qwen.init_std = 0.3;
    lora::write_tiny_model(qwen_dir_, qwen);
    lora::LoraConfig qwen_config;
    qwen_config.target_modules.names = {"q_proj", "k_proj", "v_proj", "up_proj", "lm_head"};
    qwen_config.r = 8;
    qwen_config.lora_alpha = 16;
    qwen_adapter_ = path("qwen-adapter");
    make_adapter(qwen_dir_, qwen_adapter_, qwen_config, 8);

    llama_base_gguf_ = path("llama.gguf");
    llama_lora_gguf_ = path("llama-lora.gguf");
    qwen_base_gguf_ = path("qwen.gguf");
    qwen_lora_gguf_ = path("qwen-lora.gguf");
    export_base(llama_dir_, llama_base_gguf_);
    export_base(qwen_dir_, qwen_base_gguf_);
    const auto llama_lora = export_lora(llama_dir_, llama_adapter_, llama_lora_gguf_);
    QVERIFY2(llama_lora.exit_code == 0, llama_lora.err.constData());
    const auto qwen_lora = export_lora(qwen_dir_, qwen_adapter_, qwen_lora_gguf_);
    QVERIFY2(qwen_lora.exit_code == 0, qwen_lora.err.constData());
  }

  void llama_adapter_gguf_answers_as_our_model_does() {
    expect_llama_cpp_applies_adapter(llama_dir_, llama_adapter_, llama_base_gguf_, llama_lora_gguf_, kLlamaIds);
  }

  void qwen_adapter_gguf_answers_as_our_model_does() {
    expect_llama_cpp_applies_adapter(qwen_dir_, qwen_adapter_, qwen_base_gguf_, qwen_lora_gguf_, kQwenIds);
  }

  // The layout llama.cpp's convert_lora_to_gguf.py writes, as an independent parser reads it.
  void adapter_gguf_has_the_converters_layout() {
    const QJsonObject answer = reference(QJsonObject{{"gguf", q(llama_lora_gguf_)}, {"load", false}});
    const QJsonObject metadata = answer.value("metadata").toObject();
    const QJsonObject kv = metadata.value("kv").toObject();
    const QJsonObject kv_types = metadata.value("kv_types").toObject();
    QCOMPARE(metadata.value("architecture").toString(), QString("llama"));
    QCOMPARE(kv.value("general.type").toString(), QString("adapter"));
    QCOMPARE(kv.value("adapter.type").toString(), QString("lora"));
    QCOMPARE(kv_types.value("adapter.lora.alpha").toString(), QString("FLOAT32"));
    // rsLoRA: llama.cpp's alpha / r must equal lora_alpha / sqrt(r) = 8 / 2.
    QCOMPARE(kv.value("adapter.lora.alpha").toDouble(), 16.0);

    std::map<QString, QJsonObject> tensors;
    for (const auto& tensor : metadata.value("tensors").toArray())
      tensors[tensor.toObject().value("name").toString()] = tensor.toObject();
    QCOMPARE(int(tensors.size()), 2 * 2 * 7);  // 2 layers x 7 projections x (lora_a, lora_b)
    // GGUF shapes list the row length first: lora_a [in, r], lora_b [r, out].
    auto shape = [&](const char* name) {
      const auto found = tensors.find(name);
      return found == tensors.end() ? QString("missing") : QString(QJsonDocument(found->second.value("shape").toArray()).toJson(QJsonDocument::Compact));
    };
    QCOMPARE(shape("blk.0.attn_q.weight.lora_a"), QString("[64,4]"));
    QCOMPARE(shape("blk.0.attn_q.weight.lora_b"), QString("[4,64]"));
    QCOMPARE(shape("blk.1.attn_k.weight.lora_b"), QString("[4,32]"));
    QCOMPARE(shape("blk.1.ffn_down.weight.lora_a"), QString("[128,2]"));
    QCOMPARE(shape("blk.1.ffn_down.weight.lora_b"), QString("[2,64]"));
    for (const auto& [name, tensor] : tensors) QCOMPARE(tensor.value("type").toString(), QString("F32"));

    const QJsonObject qwen = reference(QJsonObject{{"gguf", q(qwen_lora_gguf_)}, {"load", false}});
    const QJsonObject qwen_kv = qwen.value("metadata").toObject().value("kv").toObject();
    QCOMPARE(qwen.value("metadata").toObject().value("architecture").toString(), QString("qwen2"));
    QCOMPARE(qwen_kv.value("adapter.lora.alpha").toDouble(), 16.0);
    bool has_output = false;
    for (const auto& tensor : qwen.value("metadata").toObject().value("tensors").toArray())
      has_output |= tensor.toObject().value("name").toString() == "output.weight.lora_b";
    QVERIFY2(has_output, "the lm_head pair should be llama.cpp's output.weight.lora_a / lora_b");
  }

  void f16_adapter_keeps_the_greedy_answer() {
    const std::string f16 = path("llama-lora-f16.gguf");
    const auto result = export_lora(llama_dir_, llama_adapter_, f16, {"--type", "f16"});
    QVERIFY2(result.exit_code == 0, result.err.constData());
    QVERIFY(QFileInfo(q(f16)).size() < QFileInfo(q(llama_lora_gguf_)).size());
    QJsonArray prompt;
    for (int64_t id : kLlamaIds) prompt.append(static_cast<qint64>(id));
    const QJsonObject answer = reference(QJsonObject{{"gguf", q(llama_base_gguf_)},
                                                     {"lora", QJsonArray{q(f16)}},
                                                     {"prompt_tokens", prompt},
                                                     {"n_predict", kPredict},
                                                     {"metadata", false}});
    std::vector<int64_t> theirs;
    for (const auto& token : answer.value("continuation").toObject().value("tokens").toArray())
      theirs.push_back(token.toInteger());
    QCOMPARE(ids_text(theirs), ids_text(engine_greedy(llama_dir_, llama_adapter_, kLlamaIds, kPredict)));
    const QJsonObject layout = reference(QJsonObject{{"gguf", q(f16)}, {"load", false}});
    for (const auto& tensor : layout.value("metadata").toObject().value("tensors").toArray())
      QCOMPARE(tensor.toObject().value("type").toString(), QString("F16"));
  }

  // Adapters llama.cpp cannot apply as they are: a message naming the problem, and no file.
  void unsupported_adapters_are_refused_without_a_file() {
    // lm_head of a model whose head is its embedding: the base GGUF has no output tensor to adapt.
    const std::string tied_dir = path("tied");
    lora::TinyModelOptions tied;
    tied.arch = "qwen2";
    tied.tied = true;
    tied.vocab_size = 300;
    tied.hidden_size = 32;  // also a model the Llama adapter does not fit (below)
    lora::write_tiny_model(tied_dir, tied);
    lora::LoraConfig head_config;
    head_config.target_modules.names = {"q_proj", "lm_head"};
    const std::string head_adapter = path("tied-adapter");
    make_adapter(tied_dir, head_adapter, head_config, 1);
    const std::string tied_out = path("tied-lora.gguf");
    const auto head = export_lora(tied_dir, head_adapter, tied_out);
    QVERIFY(head.exit_code != 0);
    QVERIFY2(head.err.contains("ties to the input embedding") && head.err.contains("without --lora-only"),
             head.err.constData());
    QVERIFY(!QFile::exists(q(tied_out)));

    // The embedding as a target (an adapter from elsewhere: this app never trains one).
    const std::string embedding_adapter = path("embedding-adapter");
    QVERIFY(QDir().mkpath(q(embedding_adapter)));
    QFile::copy(q(qwen_adapter_ + "/adapter_model.safetensors"), q(embedding_adapter + "/adapter_model.safetensors"));
    lora::LoraConfig embedding_config = lora::load_lora_config(qwen_adapter_);
    embedding_config.target_modules.names.push_back("embed_tokens");
    {
      QFile config(q(embedding_adapter + "/adapter_config.json"));
      QVERIFY(config.open(QIODevice::WriteOnly));
      config.write(QByteArray::fromStdString(lora::lora_config_to_json(embedding_config)));
    }
    const std::string embedding_out = path("embedding-lora.gguf");
    const auto embedding = export_lora(qwen_dir_, embedding_adapter, embedding_out);
    QVERIFY(embedding.exit_code != 0);
    QVERIFY2(embedding.err.contains("'model.embed_tokens', which is not a linear layer"), embedding.err.constData());
    QVERIFY(!QFile::exists(q(embedding_out)));

    // Quantized factors are not what llama.cpp's converter writes for adapters.
    const std::string q8_out = path("q8-lora.gguf");
    const auto q8 = export_lora(llama_dir_, llama_adapter_, q8_out, {"--type", "q8_0"});
    QVERIFY(q8.exit_code != 0);
    QVERIFY2(q8.err.contains("--type q8_0: a LoRA adapter GGUF is written as f32 or f16"), q8.err.constData());
    QVERIFY(!QFile::exists(q(q8_out)));

    // An adapter for another model: named by tensor and both shapes.
    const std::string wrong_out = path("wrong-lora.gguf");
    const auto wrong = export_lora(tied_dir, llama_adapter_, wrong_out);
    QVERIFY(wrong.exit_code != 0);
    QVERIFY2(wrong.err.contains("has shape [") && wrong.err.contains("is this adapter for a different model?"),
             wrong.err.constData());
    QVERIFY(!QFile::exists(q(wrong_out)));
  }
};

QTEST_GUILESS_MAIN(TestGgufLoraExport)
#include "test_gguf_lora_export.moc"
