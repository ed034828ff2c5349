// Qwen3, Gemma 3 (text-only and multimodal checkpoints) and Phi-3 / Phi-4-mini against an independent
// reference: tests/reference/hf_reference_families.py transcribes transformers' modeling_qwen3.py,
// modeling_gemma3.py and modeling_phi3.py and PEFT's LoRA from scratch and wrote tiny checkpoints,
// PEFT adapters on every linear module and their logits into tests/fixtures/model/. Checked here:
// fp32 and bf16 logits with and without the adapter, the adapter switched off, KV-cache decoding,
// adapters saved under the module paths PEFT uses, `merge` (the multimodal folder keeps its layout
// and its vision tensors) and `info`.
// libtorch before Qt: Qt's `slots` macro would clash with torch's IValue::slots().
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <torch/nn/module.h>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <memory>
#include <set>

#include "causal_lm.h"
#include "checkpoint.h"
#include "error.h"
#include "model_adapter.h"
#include "safetensors.h"
#include "test_support.h"

namespace {

namespace fs = std::filesystem;

std::string fixture(const QString& name) { return (test_support::fixtures_dir() + "/model/" + name).toStdString(); }

at::Tensor read_tensor(const std::string& path, const std::string& name) {
  auto file = lora::SafetensorsFile::open(path);
  const lora::TensorInfo* info = file->find(name);
  if (!info) throw std::runtime_error(path + ": no tensor " + name);
  return lora::tensor_from_safetensors(*file, *info).clone();
}

// expected/<case>.safetensors: "input_ids", "logits" (fp32 compute) and, for bf16 checkpoints, "logits_bf16".
at::Tensor expected(const QString& name, const std::string& tensor = "logits") {
  return read_tensor(fixture("expected/" + name + ".safetensors"), tensor);
}

// The case without its adapter: "gemma3_mm+adapter_gemma3_mm" -> "gemma3_mm".
QString base_case(const QString& name) { return name.section('+', 0, 0); }

// max |a - b| / max |reference|, as tests/test_model_forward.cpp measures it.
double relative_error(const at::Tensor& actual, const at::Tensor& reference) {
  return ((actual.to(at::kFloat) - reference.to(at::kFloat)).abs().max() / reference.abs().max()).item<double>();
}

lora::ComputeOptions cpu(const std::string& dtype) {
  lora::ComputeOptions options;
  options.device = "cpu";
  options.dtype = dtype;
  return options;
}

// A model with its adapter (if any) on it; the adapter is destroyed first.
struct LoadedModel {
  std::unique_ptr<lora::CausalLM> lm;
  std::unique_ptr<lora::ModelAdapter> adapter;
  lora::CausalLM* operator->() const { return lm.get(); }
  lora::CausalLM& operator*() const { return *lm; }
};

LoadedModel load(const QString& model, const QString& adapter, const std::string& dtype) {
  LoadedModel loaded{lora::CausalLM::load(fixture(model), cpu(dtype)), nullptr};
  if (!adapter.isEmpty()) loaded.adapter = lora::ModelAdapter::load(*loaded.lm, fixture(adapter));
  return loaded;
}

at::Tensor logits_of(lora::CausalLM& model, const at::Tensor& ids) {
  c10::InferenceMode inference;
  return model.forward(ids.unsqueeze(0))[0].clone();
}

std::set<std::string> adapter_keys(const std::string& adapter_dir) {
  const auto file = lora::SafetensorsFile::open(adapter_dir + "/adapter_model.safetensors");
  std::set<std::string> keys;
  for (const auto& info : file->tensors()) keys.insert(info.name);
  return keys;
}

QJsonObject json_file(const std::string& path) {
  QFile file(QString::fromStdString(path));
  if (!file.open(QIODevice::ReadOnly)) return {};
  return QJsonDocument::fromJson(file.readAll()).object();
}

QString message(const char* what, double error, double tolerance) {
  return QString("%1: relative error %2 (tolerance %3)").arg(what).arg(error).arg(tolerance);
}

// Every model, expected case and adapter of the fixtures; the bf16 checkpoints are qwen3_tied,
// gemma3_mm and phi3_longrope.
struct FamilyCase {
  const char* model;
  const char* expected;
  const char* adapter;
  bool bf16_checkpoint;
};

const FamilyCase kCases[] = {
    {"qwen3", "qwen3", "", false},
    {"qwen3", "qwen3+adapter_qwen3", "adapter_qwen3", false},
    {"qwen3_tied", "qwen3_tied", "", true},
    {"qwen3_tied", "qwen3_tied+adapter_qwen3_tied", "adapter_qwen3_tied", true},
    {"gemma3_text", "gemma3_text", "", false},
    {"gemma3_text", "gemma3_text+adapter_gemma3_text", "adapter_gemma3_text", false},
    {"gemma3_mm", "gemma3_mm", "", true},
    {"gemma3_mm", "gemma3_mm+adapter_gemma3_mm", "adapter_gemma3_mm", true},
    // The same factors under "model.language_model.layers.N", PEFT's module path on transformers >= 4.52.
    {"gemma3_mm", "gemma3_mm+adapter_gemma3_mm", "adapter_gemma3_mm_model_prefix", true},
    {"phi3", "phi3", "", false},
    {"phi3", "phi3+adapter_phi3", "adapter_phi3", false},
    // 12 tokens > original_max_position_embeddings 8: the long factors.
    {"phi3_longrope", "phi3_longrope", "", true},
    {"phi3_longrope", "phi3_longrope+adapter_phi3_longrope", "adapter_phi3_longrope", true},
    // 6 tokens: the short factors.
    {"phi3_longrope", "phi3_longrope_short", "", true},
    {"phi3_longrope", "phi3_longrope_short+adapter_phi3_longrope", "adapter_phi3_longrope", true},
};

QString row_name(const FamilyCase& c) {
  const QString name = QString(c.expected).section('+', 0, 0);
  return c.adapter[0] ? name + " + " + c.adapter : name;
}

// Every key of `base` is in `merged` with the same value (a writer may add fields, not change them).
bool keeps_all_fields(const QJsonObject& merged, const QJsonObject& base) {
  for (auto it = base.begin(); it != base.end(); ++it)
    if (merged.value(it.key()) != it.value()) return false;
  return true;
}

void add_case_columns() {
  QTest::addColumn<QString>("model");
  QTest::addColumn<QString>("expected_case");
  QTest::addColumn<QString>("adapter");
}

// Runs a test body so that an engine error (an unsupported family, a missing tensor) fails the row
// with its message instead of aborting every test that follows.
template <typename Body>
void guarded(Body&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    QFAIL(e.what());
  }
}

constexpr double kFp32Tolerance = 1e-3;
constexpr double kBf16Tolerance = 2e-2;

}  // namespace

class TestModelFamilies : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;

  std::string scratch(const QString& name) { return (tmp_.path() + "/" + name).toStdString(); }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    QVERIFY2(QFile::exists(QString::fromStdString(fixture("expected/gemma3_mm.safetensors"))),
             "run tests/reference/hf_reference_families.py to create the fixtures");
  }

  void fp32_logits_match_reference_data() {
    add_case_columns();
    for (const FamilyCase& c : kCases) QTest::newRow(qPrintable(row_name(c))) << c.model << c.expected << c.adapter;
  }

  // fp32 compute (bf16 checkpoints upcast): the reference's logits, with the adapter and without it.
  void fp32_logits_match_reference() {
    QFETCH(QString, model);
    QFETCH(QString, expected_case);
    QFETCH(QString, adapter);
    guarded([&] {
      auto lm = load(model, adapter, "float32");
      QCOMPARE(lm->target().dtype, c10::kFloat);
      const at::Tensor ids = expected(expected_case, "input_ids");
      const at::Tensor logits = logits_of(*lm, ids);
      const at::Tensor reference = expected(expected_case);
      QCOMPARE(logits.sizes().vec(), reference.sizes().vec());
      QCOMPARE(logits.scalar_type(), at::kFloat);
      const double error = relative_error(logits, reference);
      qInfo("relative error %.2e", error);
      QVERIFY2(error < kFp32Tolerance, qPrintable(message("logits", error, kFp32Tolerance)));
      if (adapter.isEmpty()) return;

      QVERIFY(lm.adapter && lm.adapter->enabled());
      const at::Tensor base = expected(base_case(expected_case));
      QVERIFY(relative_error(reference, base) > 0.1);  // the adapter matters, so the match above means something
      lm.adapter->set_enabled(false);
      const double base_error = relative_error(logits_of(*lm, ids), base);
      QVERIFY2(base_error < kFp32Tolerance, qPrintable(message("adapter disabled", base_error, kFp32Tolerance)));
      lm.adapter->set_enabled(true);
      QVERIFY(relative_error(logits_of(*lm, ids), reference) < kFp32Tolerance);
    });
  }

  void bf16_logits_match_reference_data() {
    add_case_columns();
    for (const FamilyCase& c : kCases)
      if (c.bf16_checkpoint) QTest::newRow(qPrintable(row_name(c))) << c.model << c.expected << c.adapter;
  }

  // bf16 checkpoints computed in bf16, as transformers runs them (Gemma's sqrt(hidden) embedding
  // scale rounded to bf16, its norms in fp32 and cast back, the LoRA branch in fp32).
  void bf16_logits_match_reference() {
    QFETCH(QString, model);
    QFETCH(QString, expected_case);
    QFETCH(QString, adapter);
    guarded([&] {
      auto lm = load(model, adapter, "bfloat16");
      QCOMPARE(lm->target().dtype, c10::kBFloat16);
      const at::Tensor logits = logits_of(*lm, expected(expected_case, "input_ids"));
      QCOMPARE(logits.scalar_type(), at::kFloat);
      const double error = relative_error(logits, expected(expected_case, "logits_bf16"));
      qInfo("relative error %.2e vs the bf16 reference, %.2e vs fp32", error,
            relative_error(logits, expected(expected_case)));
      QVERIFY2(error < kBf16Tolerance, qPrintable(message("bf16 logits", error, kBf16Tolerance)));
    });
  }

  void kv_cache_decoding_equals_full_forward_data() {
    add_case_columns();
    QTest::addColumn<int>("prefix");
    QTest::newRow("qwen3") << "qwen3" << "qwen3" << "" << 4;
    QTest::newRow("qwen3_tied + adapter") << "qwen3_tied" << "qwen3_tied+adapter_qwen3_tied" << "adapter_qwen3_tied" << 3;
    // Prefix 3 then one token at a time: the window of 4 reaches back into the cache.
    QTest::newRow("gemma3_text") << "gemma3_text" << "gemma3_text" << "" << 3;
    QTest::newRow("gemma3_mm + adapter") << "gemma3_mm" << "gemma3_mm+adapter_gemma3_mm" << "adapter_gemma3_mm" << 2;
    QTest::newRow("phi3 + adapter") << "phi3" << "phi3+adapter_phi3" << "adapter_phi3" << 4;
    // Every step past original_max_position_embeddings (8): the long factors throughout, as in the
    // full forward. (Crossing the boundary inside one cache is not defined the same way by
    // transformers, which recomputes the cache then.)
    QTest::newRow("phi3_longrope, long") << "phi3_longrope" << "phi3_longrope" << "" << 9;
    QTest::newRow("phi3_longrope, short") << "phi3_longrope" << "phi3_longrope_short" << "" << 2;
  }

  // Prefill a prefix, then one token at a time: the full forward's logits and the reference's.
  void kv_cache_decoding_equals_full_forward() {
    QFETCH(QString, model);
    QFETCH(QString, expected_case);
    QFETCH(QString, adapter);
    QFETCH(int, prefix);
    guarded([&] {
      auto lm = load(model, adapter, "float32");
      const at::Tensor ids = expected(expected_case, "input_ids").unsqueeze(0);
      const int64_t length = ids.size(1);
      c10::InferenceMode inference;
      const at::Tensor full = lm->forward(ids);
      lora::KVCache cache;
      std::vector<at::Tensor> pieces;
      pieces.push_back(lm->forward(ids.slice(1, 0, prefix), &cache));
      QCOMPARE(cache.length(), int64_t(prefix));
      QCOMPARE(int64_t(cache.keys.size()), lm->config().num_hidden_layers);
      for (int64_t t = prefix; t < length; ++t) pieces.push_back(lm->forward(ids.slice(1, t, t + 1), &cache));
      QCOMPARE(cache.length(), length);
      const at::Tensor incremental = at::cat(pieces, 1);
      const double vs_full = relative_error(incremental, full);
      QVERIFY2(vs_full < 1e-4, qPrintable(message("incremental vs full forward", vs_full, 1e-4)));
      const double vs_reference = relative_error(incremental[0], expected(expected_case));
      QVERIFY2(vs_reference < kFp32Tolerance, qPrintable(message("incremental vs reference", vs_reference, kFp32Tolerance)));
    });
  }

  void adapters_keep_peft_module_paths_data() {
    add_case_columns();
    for (const FamilyCase& c : kCases)
      if (c.adapter[0] && QString(c.expected).section('+', 0, 0) == c.model)
        QTest::newRow(qPrintable(row_name(c))) << c.model << c.expected << c.adapter;
  }

  // The loaded adapter's parameters carry the file's PEFT keys, and saving writes them back,
  // so an adapter trained here loads in PEFT on the same checkpoint (for Gemma3ForConditionalGeneration
  // the checkpoint layout "base_model.model.language_model.model.layers.N...", which PEFT on every
  // transformers version accepts; the newer "model.language_model" layout may be read, and is
  // then written back in either layout).
  void adapters_keep_peft_module_paths() {
    QFETCH(QString, model);
    QFETCH(QString, expected_case);
    QFETCH(QString, adapter);
    guarded([&] {
      auto lm = load(model, adapter, "float32");
      const std::set<std::string> file_keys = adapter_keys(fixture(adapter));
      std::set<std::string> parameter_keys;
      for (const auto& [key, tensor] : lm.adapter->parameters()) parameter_keys.insert(key);
      QCOMPARE(parameter_keys.size(), file_keys.size());
      if (!adapter.endsWith("_model_prefix")) QCOMPARE(parameter_keys, file_keys);

      const std::string saved = scratch("saved-" + adapter);
      lm.adapter->save(saved);
      if (!adapter.endsWith("_model_prefix")) {
        QCOMPARE(adapter_keys(saved), file_keys);
      } else {
        const std::set<std::string> checkpoint_layout = adapter_keys(fixture("adapter_gemma3_mm"));
        const std::set<std::string> saved_keys = adapter_keys(saved);
        QVERIFY2(saved_keys == file_keys || saved_keys == checkpoint_layout,
                 qPrintable("saved keys such as " + QString::fromStdString(*saved_keys.begin())));
      }
      auto reloaded = load(model, "", "float32");
      reloaded.adapter = lora::ModelAdapter::load(*reloaded, saved);
      const double error = relative_error(logits_of(*reloaded, expected(expected_case, "input_ids")),
                                          expected(expected_case));
      QVERIFY2(error < kFp32Tolerance, qPrintable(message("saved and reloaded adapter", error, kFp32Tolerance)));
    });
  }

  void merge_gives_the_adapter_logits_data() {
    add_case_columns();
    QTest::addColumn<bool>("bf16_checkpoint");
    for (const FamilyCase& c : kCases)
      if (c.adapter[0] && QString(c.expected).section('+', 0, 0) == c.model)
        QTest::newRow(qPrintable(row_name(c))) << c.model << c.expected << c.adapter << c.bf16_checkpoint;
  }

  // `merge` writes the base folder's layout with W + scaling * B A in place of each targeted weight:
  // the same tensor names, dtypes and shapes (a multimodal Gemma 3 keeps "language_model.model." and
  // its vision tower and projector untouched), the same config.json family, and loading it gives the
  // adapter's logits (within bf16 rounding of the merged weights for bf16 checkpoints).
  void merge_gives_the_adapter_logits() {
    QFETCH(QString, model);
    QFETCH(QString, expected_case);
    QFETCH(QString, adapter);
    QFETCH(bool, bf16_checkpoint);
    guarded([&] {
      const std::string output = scratch("merged-" + adapter);
      const auto result = test_support::run_cli({"merge", "--model", QString::fromStdString(fixture(model)), "--adapter",
                                                 QString::fromStdString(fixture(adapter)), "--output",
                                                 QString::fromStdString(output)});
      QVERIFY2(result.exit_code == 0, result.err.constData());

      const lora::Checkpoint base = lora::Checkpoint::open(fixture(model));
      const lora::Checkpoint merged = lora::Checkpoint::open(output);
      QCOMPARE(merged.names(), base.names());
      std::set<std::string> targeted;
      for (const std::string& key : adapter_keys(fixture(adapter))) {
        std::string path = key.substr(std::string("base_model.model.").size());
        path = path.substr(0, path.rfind(".lora_"));
        if (path.rfind("model.language_model.", 0) == 0)  // the newer PEFT module path of the same weight
          path = "language_model.model." + path.substr(std::string("model.language_model.").size());
        targeted.insert(path + ".weight");
      }
      int changed = 0;
      for (const std::string& name : base.names()) {
        QCOMPARE(merged.info(name).dtype, base.info(name).dtype);
        QCOMPARE(merged.info(name).shape, base.info(name).shape);
        const bool equal = at::equal(merged.tensor(name), base.tensor(name));
        if (targeted.count(name)) {
          QVERIFY2(!equal, ("not merged: " + name).c_str());
          ++changed;
        } else {
          QVERIFY2(equal, ("changed although no adapter targets it: " + name).c_str());
        }
      }
      QCOMPARE(changed, int(targeted.size()));

      const QJsonObject base_config = json_file(fixture(model) + "/config.json");
      const QJsonObject merged_config = json_file(output + "/config.json");
      QCOMPARE(merged_config["model_type"].toString(), base_config["model_type"].toString());
      QCOMPARE(merged_config["architectures"], base_config["architectures"]);
      if (model == "gemma3_mm") {
        QVERIFY(merged.contains("language_model.model.layers.0.self_attn.q_proj.weight"));
        QVERIFY(merged.contains("vision_tower.vision_model.encoder.layers.0.self_attn.q_proj.weight"));
        QVERIFY(merged.contains("multi_modal_projector.mm_input_projection_weight"));
        QVERIFY(keeps_all_fields(merged_config["text_config"].toObject(), base_config["text_config"].toObject()));
        QVERIFY(keeps_all_fields(merged_config["vision_config"].toObject(), base_config["vision_config"].toObject()));
      }

      auto lm = lora::CausalLM::load(output, cpu("float32"));
      const at::Tensor logits = logits_of(*lm, expected(expected_case, "input_ids"));
      const double tolerance = bf16_checkpoint ? kBf16Tolerance : kFp32Tolerance;
      const double error = relative_error(logits, expected(expected_case));
      qInfo("merged: relative error %.2e", error);
      QVERIFY2(error < tolerance, qPrintable(message("merged model", error, tolerance)));
      QVERIFY(relative_error(logits, expected(base_case(expected_case))) > 0.1);
    });
  }

  void info_names_the_family_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("architecture");
    QTest::addColumn<QString>("model_type");
    QTest::addColumn<int>("layers");
    QTest::addColumn<int>("hidden");
    QTest::addColumn<QString>("dtype");
    QTest::addColumn<int>("context");
    QTest::newRow("qwen3") << "qwen3" << "Qwen3ForCausalLM" << "qwen3" << 2 << 32 << "float32" << 40960;
    QTest::newRow("qwen3_tied") << "qwen3_tied" << "Qwen3ForCausalLM" << "qwen3" << 2 << 64 << "bfloat16" << 40960;
    QTest::newRow("gemma3_text") << "gemma3_text" << "Gemma3ForCausalLM" << "gemma3_text" << 3 << 48 << "float32"
                                 << 32768;
    // Sizes from text_config; the context length is Gemma3TextConfig's default (text_config omits it).
    QTest::newRow("gemma3_mm") << "gemma3_mm" << "Gemma3ForConditionalGeneration" << "gemma3" << 6 << 32
                               << "bfloat16" << 131072;
    QTest::newRow("phi3") << "phi3" << "Phi3ForCausalLM" << "phi3" << 2 << 48 << "float32" << 4096;
    QTest::newRow("phi3_longrope") << "phi3_longrope" << "Phi3ForCausalLM" << "phi3" << 2 << 64 << "bfloat16" << 128;
  }

  void info_names_the_family() {
    QFETCH(QString, model);
    QFETCH(QString, architecture);
    QFETCH(QString, model_type);
    QFETCH(int, layers);
    QFETCH(int, hidden);
    QFETCH(QString, dtype);
    QFETCH(int, context);
    guarded([&] {
      const auto result = test_support::run_cli({"info", QString::fromStdString(fixture(model))});
      QVERIFY2(result.exit_code == 0, result.err.constData());
      const QJsonObject info = QJsonDocument::fromJson(result.out).object();
      QCOMPARE(info["architecture"].toString(), architecture);
      // gemma3_mm: the folder's own model_type ("gemma3") or its text model's ("gemma3_text").
      QVERIFY2(model == "gemma3_mm" ? info["model_type"].toString().startsWith(model_type)
                                    : info["model_type"].toString() == model_type,
               qPrintable(info["model_type"].toString()));
      QCOMPARE(info["num_layers"].toInt(), layers);
      QCOMPARE(info["hidden_size"].toInt(), hidden);
      QCOMPARE(info["vocab_size"].toInt(), 256);
      QCOMPARE(info["dtype"].toString(), dtype);
      QCOMPARE(info["context_length"].toInt(), context);
      QCOMPARE(info["size_bytes"].toDouble(), double(fs::file_size(fixture(model + "/model.safetensors"))));
      auto lm = lora::CausalLM::load(fixture(model), cpu("float32"));
      // The text model's parameters; a multimodal folder may count its vision tower too.
      if (model == "gemma3_mm")
        QVERIFY(info["num_parameters"].toDouble() >= double(lm->num_parameters()));
      else
        QCOMPARE(info["num_parameters"].toDouble(), double(lm->num_parameters()));
    });
  }
};

QTEST_GUILESS_MAIN(TestModelFamilies)
#include "test_model_families.moc"
