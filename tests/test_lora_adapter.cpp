// PEFT LoRA adapters: the reference's logits with the adapter (tests/reference/hf_reference.py
// wrote adapter_config.json as PEFT does and adapter_model.safetensors with PEFT keys), switching
// it off, PEFT's module matching, bad adapters failing with the key named, and what training will
// need: fresh PEFT-initialised adapters, gradients through LoRA only, dropout, save and reload,
// merge and unmerge.
// libtorch before Qt: Qt's `slots` macro would clash with torch's IValue::slots().
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <torch/nn/module.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <functional>

#include "causal_lm.h"
#include "checkpoint.h"
#include "error.h"
#include "lora_adapter.h"
#include "lora_linear.h"
#include "model_adapter.h"
#include "model_test_support.h"
#include "safetensors.h"
#include "test_support.h"

namespace {

namespace fs = std::filesystem;

std::string fixture(const std::string& name) {
  return (test_support::fixtures_dir() + "/model/").toStdString() + name;
}

at::Tensor read_tensor(const std::string& path, const std::string& name) {
  auto file = lora::SafetensorsFile::open(path);
  const lora::TensorInfo* info = file->find(name);
  if (!info) throw std::runtime_error(path + ": no tensor " + name);
  return lora::tensor_from_safetensors(*file, *info).clone();
}

at::Tensor expected(const std::string& name, const std::string& tensor = "logits") {
  return read_tensor(fixture("expected/" + name + ".safetensors"), tensor);
}

double relative_error(const at::Tensor& actual, const at::Tensor& reference) {
  return ((actual.to(at::kFloat) - reference).abs().max() / reference.abs().max()).item<double>();
}

std::unique_ptr<lora::CausalLM> load_llama() {
  return lora::CausalLM::load(fixture("llama_fp32"), test_support::fp32_cpu(0));
}

at::Tensor logits_of(lora::CausalLM& model) {
  c10::InferenceMode inference;
  return model.forward(expected("llama_fp32", "input_ids").unsqueeze(0))[0];
}

void copy_folder(const std::string& from, const std::string& to) {
  fs::remove_all(to);
  fs::copy(from, to, fs::copy_options::recursive);
}

void edit_json(const std::string& path, const std::function<void(QJsonObject&)>& edit) {
  QFile file(QString::fromStdString(path));
  QVERIFY(file.open(QIODevice::ReadOnly));
  QJsonObject object = QJsonDocument::fromJson(file.readAll()).object();
  file.close();
  edit(object);
  QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
  file.write(QJsonDocument(object).toJson());
}

void rewrite_weights(const std::string& path,
                     const std::function<void(std::vector<std::pair<std::string, at::Tensor>>&)>& change) {
  auto file = lora::SafetensorsFile::open(path);
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (const auto& info : file->tensors()) tensors.emplace_back(info.name, lora::tensor_from_safetensors(*file, info).clone());
  file.reset();
  change(tensors);
  lora::save_tensors(path, tensors);
}

lora::LoraConfig config_from(const std::string& json) { return lora::parse_lora_config(json, "test"); }

// Whether any linear layer of the model carries LoRA factors.
bool has_lora(lora::CausalLM& model) {
  for (const auto& path : model.linear_layer_paths())
    if (model.linear_layer(path).has_lora()) return true;
  return false;
}

}  // namespace

class TestLoraAdapter : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  std::unique_ptr<lora::CausalLM> model_;
  std::unique_ptr<lora::ModelAdapter> adapter_;  // on model_ (declared after it: destroyed first)

  std::string scratch(const std::string& name) { return (tmp_.path() + "/").toStdString() + name; }

  QString adapter_error(const std::string& adapter_dir) {
    try {
      adapter_ = lora::ModelAdapter::load(*model_, adapter_dir);
    } catch (const lora::Error& e) {
      return QString::fromStdString(e.what());
    }
    return {};
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    model_ = load_llama();
  }

  void init() { adapter_.reset(); }

  void adapter_logits_match_reference_data() {
    QTest::addColumn<QString>("adapter");
    QTest::newRow("all projections, rank/alpha patterns") << "adapter_llama";
    QTest::newRow("rsLoRA, layers_to_transform") << "adapter_rslora";
  }

  void adapter_logits_match_reference() {
    QFETCH(QString, adapter);
    adapter_ = lora::ModelAdapter::load(*model_, fixture(adapter.toStdString()));
    QVERIFY(adapter_->attached() && adapter_->enabled());
    const at::Tensor reference = expected("llama_fp32+" + adapter.toStdString());
    const double error = relative_error(logits_of(*model_), reference);
    QVERIFY2(error < 1e-4, qPrintable(QString("relative error %1").arg(error)));
    // The adapter really changes the output (so the comparison above means something).
    QVERIFY(relative_error(expected("llama_fp32"), reference) > 0.1);
  }

  void adapter_config_is_read_as_peft_does() {
    adapter_ = lora::ModelAdapter::load(*model_, fixture("adapter_llama"));
    const lora::LoraConfig* config = &adapter_->config();
    QVERIFY(config);
    QCOMPARE(config->r, int64_t(4));
    QCOMPARE(config->lora_alpha, 8.0);
    QCOMPARE(lora::lora_rank_for(*config, "model.layers.0.mlp.down_proj"), int64_t(2));
    QCOMPARE(lora::lora_scaling_for(*config, "model.layers.0.mlp.down_proj"), 4.0);
    QCOMPARE(lora::lora_scaling_for(*config, "model.layers.1.self_attn.v_proj"), 0.5);
    QCOMPARE(lora::lora_scaling_for(*config, "model.layers.0.self_attn.v_proj"), 2.0);
    QCOMPARE(model_->linear_layer("model.layers.0.mlp.down_proj").lora_rank(), int64_t(2));
    QCOMPARE(adapter_->parameters().size(), size_t(2 * 7 * 2));
    QVERIFY(!model_->linear_layer("lm_head").has_lora());
    // Loaded for inference: nothing requires a gradient, and dropout (0.05) is off outside training.
    for (const auto& [key, tensor] : adapter_->parameters()) QVERIFY2(!tensor.requires_grad(), key.c_str());
    QVERIFY(!model_->module().is_training());

    adapter_ = lora::ModelAdapter::load(*model_, fixture("adapter_rslora"));
    config = &adapter_->config();
    QVERIFY(config->use_rslora);
    QCOMPARE(lora::lora_scaling_for(*config, "model.layers.1.self_attn.q_proj"), 16.0 / std::sqrt(8.0));
    QVERIFY(!model_->linear_layer("model.layers.0.self_attn.q_proj").has_lora());
    QVERIFY(model_->linear_layer("model.layers.1.self_attn.q_proj").has_lora());
  }

  void disabling_the_adapter_gives_base_logits() {
    const at::Tensor base = expected("llama_fp32");
    QVERIFY(relative_error(logits_of(*model_), base) < 1e-4);
    adapter_ = lora::ModelAdapter::load(*model_, fixture("adapter_llama"));
    adapter_->set_enabled(false);
    QVERIFY(!adapter_->enabled() && adapter_->attached());
    QVERIFY(relative_error(logits_of(*model_), base) < 1e-4);
    adapter_->set_enabled(true);
    QVERIFY(relative_error(logits_of(*model_), expected("llama_fp32+adapter_llama")) < 1e-4);
    adapter_->detach();
    QVERIFY(!adapter_->attached() && !has_lora(*model_));
    QVERIFY(relative_error(logits_of(*model_), base) < 1e-4);
  }

  void cli_logits_with_adapter() {
    const at::Tensor ids = expected("llama_fp32", "input_ids");
    QStringList id_list;
    for (int64_t i = 0; i < ids.size(0); ++i) id_list << QString::number(ids[i].item<int64_t>());
    const std::string out = scratch("adapter-logits.safetensors");
    const auto result = test_support::run_cli({"logits", QString::fromStdString(fixture("llama_fp32")), "--ids",
                                               id_list.join(","), "--adapter",
                                               QString::fromStdString(fixture("adapter_llama")), "--dtype", "float32",
                                               "--output", QString::fromStdString(out)});
    QVERIFY2(result.exit_code == 0, result.err.constData());
    QVERIFY(relative_error(read_tensor(out, "logits"), expected("llama_fp32+adapter_llama")) < 1e-4);

    const auto bad = test_support::run_cli({"logits", QString::fromStdString(fixture("llama_fp32")), "--ids", "1,2",
                                            "--adapter", QString::fromStdString(fixture("llama_fp32")), "--output",
                                            QString::fromStdString(out)});
    QCOMPARE(bad.exit_code, 1);
    QVERIFY2(bad.err.contains("adapter_config.json"), bad.err.constData());
  }

  // PEFT's check_target_module_exists and get_pattern_key.
  void module_matching_follows_peft() {
    auto list = config_from(R"({"peft_type": "LORA", "target_modules": ["q_proj", "mlp.up_proj"]})");
    QVERIFY(lora::lora_targets_module(list, "model.layers.3.self_attn.q_proj"));
    QVERIFY(lora::lora_targets_module(list, "q_proj"));
    QVERIFY(lora::lora_targets_module(list, "model.layers.0.mlp.up_proj"));
    QVERIFY(!lora::lora_targets_module(list, "model.layers.0.self_attn.qq_proj"));
    QVERIFY(!lora::lora_targets_module(list, "model.layers.0.self_attn.k_proj"));

    auto regex = config_from(R"({"peft_type": "LORA", "target_modules": ".*\\.(q|v)_proj", "layers_to_transform": [0]})");
    QVERIFY(lora::lora_targets_module(regex, "model.layers.5.self_attn.v_proj"));  // layers ignored with a regex, as in PEFT
    QVERIFY(!lora::lora_targets_module(regex, "model.layers.5.self_attn.o_proj"));
    QVERIFY(!lora::lora_targets_module(regex, "model.layers.5.self_attn.v_proj.x"));  // full match only

    auto all = config_from(R"({"peft_type": "LORA", "target_modules": "all-linear"})");
    QVERIFY(lora::lora_targets_module(all, "model.layers.0.mlp.down_proj"));
    QVERIFY(!lora::lora_targets_module(all, "lm_head", /*is_output_layer=*/true));

    auto layers = config_from(
        R"({"peft_type": "LORA", "target_modules": ["q_proj"], "layers_to_transform": 1, "layers_pattern": "layers"})");
    QVERIFY(lora::lora_targets_module(layers, "model.layers.1.self_attn.q_proj"));
    QVERIFY(!lora::lora_targets_module(layers, "model.layers.11.self_attn.q_proj"));
    QVERIFY(!lora::lora_targets_module(layers, "model.blocks.1.self_attn.q_proj"));
    auto any_pattern = config_from(R"({"peft_type": "LORA", "target_modules": ["q_proj"], "layers_to_transform": [2, 3]})");
    QVERIFY(lora::lora_targets_module(any_pattern, "model.blocks.3.attn.q_proj"));
    QVERIFY(!lora::lora_targets_module(any_pattern, "model.blocks.1.attn.q_proj"));

    auto excluded = config_from(
        R"({"peft_type": "LORA", "target_modules": ["q_proj"], "exclude_modules": ["layers.0.self_attn.q_proj"]})");
    QVERIFY(!lora::lora_targets_module(excluded, "model.layers.0.self_attn.q_proj"));
    QVERIFY(lora::lora_targets_module(excluded, "model.layers.1.self_attn.q_proj"));

    // rank_pattern keys match a path suffix (regex); the first key in sorted order wins.
    auto patterns = config_from(R"({"peft_type": "LORA", "target_modules": ["q_proj"], "r": 8, "lora_alpha": 16,
        "rank_pattern": {"layers\\.1\\..*": 2, "q_proj": 4}, "alpha_pattern": {"^model.layers.0.self_attn.q_proj": 1}})");
    QCOMPARE(lora::lora_rank_for(patterns, "model.layers.1.self_attn.q_proj"), int64_t(2));
    QCOMPARE(lora::lora_rank_for(patterns, "model.layers.0.self_attn.q_proj"), int64_t(4));
    QCOMPARE(lora::lora_rank_for(patterns, "model.layers.0.self_attn.k_proj"), int64_t(8));
    QCOMPARE(lora::lora_scaling_for(patterns, "model.layers.0.self_attn.k_proj"), 2.0);
  }

  void unsupported_or_malformed_configs_are_refused() {
    struct Case {
      const char* json;
      const char* expected;
    };
    const Case cases[] = {
        {R"({"target_modules": ["q_proj"]})", "peft_type"},
        {R"({"peft_type": "PREFIX_TUNING", "target_modules": ["q_proj"]})", "PREFIX_TUNING"},
        {R"({"peft_type": "LORA"})", "target_modules"},
        {R"({"peft_type": "LORA", "target_modules": ["q_proj"], "use_dora": "yes"})", "use_dora"},
        {R"({"peft_type": "LORA", "target_modules": ["q_proj"], "bias": "all"})", "bias"},
        {R"({"peft_type": "LORA", "target_modules": ["q_proj"], "modules_to_save": ["lm_head"]})", "modules_to_save"},
        {R"({"peft_type": "LORA", "target_modules": ["q_proj"], "r": 0})", "'r'"},
        {R"({"peft_type": "LORA", "target_modules": ["q_proj"], "r": "8"})", "'r'"},
        {"{\"peft_type\": \"LORA\", \"target_modules\": \"(unclosed\"}", "regular expression"},  // (moc misreads this as a raw string)
        {R"([1, 2])", "object"},
        {R"({"peft_type": )", "JSON"},
    };
    for (const Case& c : cases) {
      try {
        config_from(c.json);
        QFAIL(qPrintable(QString("accepted: %1").arg(c.json)));
      } catch (const lora::Error& e) {
        QVERIFY2(QString(e.what()).contains(c.expected) && QString(e.what()).startsWith("test"), e.what());
      }
    }
  }

  void bad_adapters_fail_naming_the_key() {
    const std::string dir = scratch("bad-adapter");
    const std::string weights = dir + "/adapter_model.safetensors";

    copy_folder(fixture("adapter_llama"), dir);
    rewrite_weights(weights, [](auto& tensors) {
      tensors.erase(std::remove_if(tensors.begin(), tensors.end(),
                                   [](const auto& t) {
                                     return t.first == "base_model.model.model.layers.1.mlp.up_proj.lora_B.weight";
                                   }),
                    tensors.end());
    });
    QString error = adapter_error(dir);
    QVERIFY2(error.contains("missing tensor 'base_model.model.model.layers.1.mlp.up_proj.lora_B.weight'"),
             qPrintable(error));

    copy_folder(fixture("adapter_llama"), dir);
    rewrite_weights(weights, [](auto& tensors) {
      tensors.erase(std::remove_if(tensors.begin(), tensors.end(),
                                   [](const auto& t) { return t.first.find("layers.0.self_attn.k_proj") != std::string::npos; }),
                    tensors.end());
    });
    error = adapter_error(dir);
    QVERIFY2(error.contains("missing tensor 'base_model.model.model.layers.0.self_attn.k_proj.lora_A.weight'"),
             qPrintable(error));

    copy_folder(fixture("adapter_llama"), dir);
    edit_json(dir + "/adapter_config.json", [](QJsonObject& config) { config["r"] = 8; });
    error = adapter_error(dir);
    QVERIFY2(error.contains("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight") &&
                 error.contains("[4, 64]") && error.contains("[8, 64]"),
             qPrintable(error));

    copy_folder(fixture("adapter_llama"), dir);
    rewrite_weights(weights, [](auto& tensors) {
      for (auto& [name, tensor] : tensors)
        if (name == "base_model.model.model.layers.0.self_attn.o_proj.lora_B.weight") tensor = at::zeros({32, 4});
    });
    error = adapter_error(dir);
    QVERIFY2(error.contains("o_proj.lora_B.weight") && error.contains("[32, 4]") && error.contains("[64, 4]"),
             qPrintable(error));

    copy_folder(fixture("adapter_llama"), dir);
    edit_json(dir + "/adapter_config.json",
              [](QJsonObject& config) { config["target_modules"] = QJsonArray{"query_key_value"}; });
    error = adapter_error(dir);
    QVERIFY2(error.contains("selects no linear layer"), qPrintable(error));

    copy_folder(fixture("adapter_llama"), dir);
    edit_json(dir + "/adapter_config.json", [](QJsonObject& config) {
      config["target_modules"] = QJsonArray{"q_proj", "embed_tokens"};
    });
    error = adapter_error(dir);
    QVERIFY2(error.contains("model.embed_tokens") && error.contains("not a linear layer"), qPrintable(error));

    copy_folder(fixture("adapter_llama"), dir);
    rewrite_weights(weights, [](auto& tensors) {
      tensors.emplace_back("base_model.model.model.layers.7.self_attn.q_proj.lora_A.weight", at::zeros({4, 64}));
      tensors.emplace_back("base_model.model.model.layers.7.self_attn.q_proj.lora_B.weight", at::zeros({64, 4}));
    });
    error = adapter_error(dir);
    QVERIFY2(error.contains("model.layers.7.self_attn.q_proj"), qPrintable(error));

    copy_folder(fixture("adapter_llama"), dir);
    rewrite_weights(weights, [](auto& tensors) {
      tensors.emplace_back("base_model.model.model.layers.0.self_attn.q_proj.lora_magnitude_vector", at::ones({64}));
    });
    error = adapter_error(dir);
    // A DoRA magnitude in an adapter whose config does not say use_dora.
    QVERIFY2(error.contains("lora_magnitude_vector") && error.contains("use_dora"), qPrintable(error));

    copy_folder(fixture("adapter_llama"), dir);
    fs::remove(weights);
    error = adapter_error(dir);
    QVERIFY2(error.contains("adapter_model.safetensors"), qPrintable(error));

    // None of these touched the model.
    QVERIFY(!adapter_ && !has_lora(*model_));
    QVERIFY(relative_error(logits_of(*model_), expected("llama_fp32")) < 1e-4);
    // A failed load keeps the adapter that was there.
    adapter_ = lora::ModelAdapter::load(*model_, fixture("adapter_rslora"));
    QVERIFY(!adapter_error(dir).isEmpty());
    QVERIFY(relative_error(logits_of(*model_), expected("llama_fp32+adapter_rslora")) < 1e-4);
  }

  // A new adapter is initialised as PEFT does: B = 0 (no change yet), A ~ U(±1/sqrt(in)), seeded.
  void created_adapter_starts_as_identity_and_trains_only_lora() {
    lora::LoraConfig config = config_from(
        R"({"peft_type": "LORA", "target_modules": ["q_proj", "v_proj", "down_proj"], "r": 4, "lora_alpha": 8,
            "lora_dropout": 0.5})");
    adapter_.reset();
    const at::Tensor base = logits_of(*model_);
    adapter_ = lora::ModelAdapter::create(*model_, config, 1234);
    // B = 0: exactly the base model on this machine; the reference (made on another CPU, whose
    // kernels sum in another order) within the usual 1e-4.
    QVERIFY(relative_error(logits_of(*model_), base) < 1e-6);
    QVERIFY(relative_error(logits_of(*model_), expected("llama_fp32")) < 1e-4);
    const auto parameters = adapter_->parameters();
    QCOMPARE(parameters.size(), size_t(2 * 3 * 2));
    QCOMPARE(QString::fromStdString(parameters[0].first),
             QString("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"));
    for (const auto& [key, tensor] : parameters) {
      QVERIFY(tensor.requires_grad());
      QCOMPARE(tensor.scalar_type(), at::kFloat);
      if (key.find("lora_B") != std::string::npos) QVERIFY(tensor.abs().max().item<double>() == 0);
      if (key.find("lora_A") != std::string::npos) {
        const double bound = 1.0 / std::sqrt(double(tensor.size(1)));
        QVERIFY(tensor.abs().max().item<double>() <= bound && tensor.abs().max().item<double>() > 0.5 * bound);
      }
    }
    // Same seed, same A.
    const at::Tensor first_a = parameters[0].second.detach().clone();
    adapter_ = lora::ModelAdapter::create(*model_, config, 1234);
    QVERIFY(at::equal(adapter_->parameters()[0].second.detach(), first_a));

    // Gradients reach the LoRA factors only (with B = 0 only B gets a non-zero one at first).
    model_->module().train();
    const at::Tensor ids = expected("llama_fp32", "input_ids").unsqueeze(0);
    at::Tensor loss = model_->forward(ids).logsumexp(-1).mean();
    loss.backward();
    for (const auto& [key, tensor] : adapter_->parameters()) {
      QVERIFY2(tensor.grad().defined(), key.c_str());
      if (key.find("lora_B") != std::string::npos) QVERIFY(tensor.grad().abs().max().item<double>() > 0);
    }
    for (const auto& item : model_->module().named_parameters())
      if (item.key().find(".lora_") == std::string::npos) QVERIFY(!item.value().grad().defined());

    // Training mode applies dropout to the LoRA input; eval mode does not.
    at::NoGradGuard no_grad;
    for (const auto& [key, tensor] : adapter_->parameters())
      if (key.find("lora_B") != std::string::npos) tensor.normal_(0, 0.5);
    const at::Tensor train_a = model_->forward(ids), train_b = model_->forward(ids);
    QVERIFY(!at::allclose(train_a, train_b));
    model_->module().eval();
    QVERIFY(at::equal(model_->forward(ids), model_->forward(ids)));
  }

  // Save as PEFT (keys, sorted config), load into a fresh model: the same logits.
  void saved_adapter_reloads_with_the_same_logits() {
    lora::LoraConfig config = config_from(
        R"({"peft_type": "LORA", "target_modules": "all-linear", "r": 2, "lora_alpha": 4, "use_rslora": true})");
    adapter_ = lora::ModelAdapter::create(*model_, config, 7);
    {
      at::NoGradGuard no_grad;
      for (const auto& [key, tensor] : adapter_->parameters())
        if (key.find("lora_B") != std::string::npos) tensor.normal_(0, 0.3);
    }
    QVERIFY(!model_->linear_layer("lm_head").has_lora());  // all-linear leaves the output layer out
    const at::Tensor with_adapter = logits_of(*model_);
    const std::string dir = scratch("saved-adapter");
    adapter_->save(dir);

    QFile file(QString::fromStdString(dir + "/adapter_config.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    const QJsonObject saved = QJsonDocument::fromJson(text).object();
    QCOMPARE(saved["peft_type"].toString(), QString("LORA"));
    // "all-linear" is stored expanded to the layer names, as PEFT does.
    QCOMPARE(saved["target_modules"].toArray(), (QJsonArray{"down_proj", "gate_proj", "k_proj", "o_proj", "q_proj",
                                                            "up_proj", "v_proj"}));
    QVERIFY(saved["inference_mode"].toBool());
    QCOMPARE(saved["r"].toInt(), 2);
    QCOMPARE(saved["lora_alpha"].toInt(), 4);
    QVERIFY(saved["use_rslora"].toBool());
    QCOMPARE(saved["base_model_name_or_path"].toString(), QString::fromStdString(fixture("llama_fp32")));
    QVERIFY(text.startsWith("{\n  \"alpha_pattern\": {},\n  \"auto_mapping\": null,"));  // sorted, indent 2
    QVERIFY(read_tensor(dir + "/adapter_model.safetensors",
                        "base_model.model.model.layers.1.mlp.gate_proj.lora_B.weight").defined());

    auto fresh = load_llama();
    const auto fresh_adapter = lora::ModelAdapter::load(*fresh, dir);
    QVERIFY(relative_error(logits_of(*fresh), with_adapter) < 1e-6);
    QVERIFY(relative_error(with_adapter, expected("llama_fp32")) > 1e-3);
  }

  void merge_and_unmerge() {
    adapter_ = lora::ModelAdapter::load(*model_, fixture("adapter_llama"));
    lora::LoraLinear& layer = model_->linear_layer("model.layers.0.self_attn.q_proj");
    const at::Tensor before = layer.weight().clone();
    const at::Tensor x = at::randn({3, 64});
    at::NoGradGuard no_grad;
    const at::Tensor unmerged = layer.forward(x);
    layer.merge();
    QVERIFY(layer.merged());
    QVERIFY(!at::equal(layer.weight(), before));
    QVERIFY(relative_error(layer.forward(x), unmerged) < 1e-5);
    layer.unmerge();
    QVERIFY(at::allclose(layer.weight(), before, 1e-6, 1e-6));
    QVERIFY(relative_error(layer.forward(x), unmerged) < 1e-5);
    // Merging every layer gives the adapter's logits from plain weights.
    for (const auto& path : model_->linear_layer_paths())
      if (model_->linear_layer(path).has_lora()) model_->linear_layer(path).merge();
    QVERIFY(relative_error(logits_of(*model_), expected("llama_fp32+adapter_llama")) < 1e-4);
    adapter_.reset();  // detaching unmerges
    QVERIFY(relative_error(logits_of(*model_), expected("llama_fp32")) < 1e-4);
  }
};

QTEST_GUILESS_MAIN(TestLoraAdapter)
#include "test_lora_adapter.moc"
