// Adapter round trips: an adapter saved and loaded again gives the logits of the model that saved it;
// `lora-studio-cli merge` writes a Hugging Face model folder whose logits are the base-plus-adapter
// logits (single file, shards, bf16, tied embeddings); bad merges fail naming what is wrong and
// leave nothing behind; the trainer's adapter folder loads in generation and merges.
// libtorch before Qt: Qt's `slots` macro breaks ATen's headers.
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <torch/nn/module.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <map>
#include <set>

#include "adapter_merge.h"
#include "atomic_file.h"
#include "causal_lm.h"
#include "checkpoint.h"
#include "chat_template.h"
#include "error.h"
#include "lora_adapter.h"
#include "model_adapter.h"
#include "model_test_support.h"
#include "safetensors.h"
#include "test_support.h"
#include "tiny_model.h"
#include "trainer.h"

namespace fs = std::filesystem;

namespace {

const char* const kIds = "1,450,4996,17354,1701,29916,432,17204,975,278";

QString q(const std::string& text) { return QString::fromStdString(text); }

std::vector<int64_t> ids_vector() {
  std::vector<int64_t> ids;
  for (const QString& id : QString(kIds).split(',')) ids.push_back(id.toLongLong());
  return ids;
}

lora::ComputeOptions fp32_cpu() { return test_support::fp32_cpu(2); }

at::Tensor logits_of(lora::CausalLM& model) {
  c10::InferenceMode inference;
  const at::Tensor input = at::tensor(ids_vector(), at::TensorOptions().dtype(at::kLong)).unsqueeze(0);
  return model.forward(input)[0].clone();
}

at::Tensor read_tensor(const std::string& path, const std::string& name) {
  auto file = lora::SafetensorsFile::open(path);
  const lora::TensorInfo* info = file->find(name);
  if (!info) throw std::runtime_error(path + ": no tensor " + name);
  return lora::tensor_from_safetensors(*file, *info).clone();
}

double relative_error(const at::Tensor& actual, const at::Tensor& reference) {
  return ((actual.to(at::kFloat) - reference.to(at::kFloat)).abs().max() / reference.abs().max()).item<double>();
}

QByteArray file_bytes(const std::string& path) {
  QFile file(q(path));
  if (!file.open(QIODevice::ReadOnly)) return {};
  return file.readAll();
}

QJsonObject json_file(const std::string& path) { return QJsonDocument::fromJson(file_bytes(path)).object(); }

// Hidden ".<name>.merging-<pid>" folders a merge works in: none may outlive it.
QStringList leftovers(const std::string& parent) {
  return QDir(q(parent)).entryList(QStringList{"*.merging-*"}, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
}

// An adapter with nonzero factors on every projection, different ranks and alphas per module and
// rsLoRA scaling, so the merge must get each module's own scaling right.
void make_adapter(const std::string& model_dir, const std::string& adapter_dir, const lora::LoraConfig& config,
                  uint64_t seed, at::Tensor* logits = nullptr) {
  auto model = lora::CausalLM::load(model_dir, fp32_cpu());
  auto adapter = lora::ModelAdapter::create(*model, config, seed);
  {
    at::NoGradGuard no_grad;
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    for (const auto& [key, tensor] : adapter->parameters())
      if (key.find("lora_B") != std::string::npos) tensor.normal_(0.0, 0.2, generator);
  }
  adapter->save(adapter_dir);
  if (logits) *logits = logits_of(*model);
}

}  // namespace

class TestMerge : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  std::string model_dir_, adapter_dir_;
  at::Tensor saving_model_logits_;  // the in-memory model that saved adapter_dir_

  std::string path(const std::string& name) const { return (tmp_.path() + "/").toStdString() + name; }

  test_support::CliResult merge(const std::string& adapter, const std::string& output, const QStringList& extra = {}) {
    return test_support::run_cli(QStringList{"merge", "--model", q(model_dir_), "--adapter", q(adapter), "--output",
                                             q(output)} + extra);
  }

  // `lora-studio-cli logits` in fp32 on the CPU.
  at::Tensor cli_logits(const std::string& model_dir, const std::string& adapter = "") {
    static int counter = 0;
    const std::string out = path("logits-" + std::to_string(counter++) + ".safetensors");
    QStringList args{"logits", q(model_dir), "--ids", kIds, "--dtype", "float32", "--device", "cpu",
                     "--output", q(out)};
    if (!adapter.empty()) args << "--adapter" << q(adapter);
    const auto result = test_support::run_cli(args);
    if (result.exit_code != 0) throw std::runtime_error("logits failed: " + result.err.toStdString());
    return read_tensor(out, "logits");
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    model_dir_ = path("base");
    lora::TinyModelOptions options;
    options.arch = "llama";
    options.tokenizer_path = test_support::npm_tokenizer_dir("tokenizer-llama2").toStdString();
    options.seed = 11;
    options.init_std = 0.3;  // logits with room to move: an adapter then changes them visibly
    lora::write_tiny_model(model_dir_, options);
    // Tokenizer files the npm copy lacks but real models ship: the merge must carry them over too.
    lora::write_file_atomically(model_dir_ + "/special_tokens_map.json",
                                "{\"bos_token\": \"<s>\", \"eos_token\": \"</s>\", \"unk_token\": \"<unk>\"}\n");
    lora::write_file_atomically(model_dir_ + "/chat_template.jinja",
                                "{% for m in messages %}{{ m['content'] }}{% endfor %}\n");

    lora::LoraConfig config;
    config.target_modules.names = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
    config.r = 4;
    config.lora_alpha = 8;
    config.use_rslora = true;
    config.rank_pattern = {{"down_proj", 2}};
    config.alpha_pattern = {{"o_proj", 3}};
    adapter_dir_ = path("adapter");
    make_adapter(model_dir_, adapter_dir_, config, 5, &saving_model_logits_);
  }

  void shard_sizes_parse_as_transformers_reads_them() {
    QCOMPARE(lora::parse_size_bytes("5GB", "size"), uint64_t(5000000000ULL));
    QCOMPARE(lora::parse_size_bytes("500 mb", "size"), uint64_t(500000000ULL));
    QCOMPARE(lora::parse_size_bytes("2GiB", "size"), uint64_t(2147483648ULL));
    QCOMPARE(lora::parse_size_bytes("1.5GB", "size"), uint64_t(1500000000ULL));
    QCOMPARE(lora::parse_size_bytes("123", "size"), uint64_t(123));
    for (const char* bad : {"", "GB", "5XB", "-1GB", "0", "1.2.3MB"})
      QVERIFY_THROWS_EXCEPTION(lora::Error, lora::parse_size_bytes(bad, "size"));
  }

  void saved_adapter_reloads_with_identical_logits() {
    auto model = lora::CausalLM::load(model_dir_, fp32_cpu());
    const at::Tensor base = logits_of(*model);
    auto adapter = lora::ModelAdapter::load(*model, adapter_dir_);
    const at::Tensor reloaded = logits_of(*model);
    const double difference = (reloaded - saving_model_logits_).abs().max().item<double>();
    QVERIFY2(difference < 1e-6, qPrintable(QString("max abs difference %1").arg(difference)));
    // The adapter matters: otherwise equal logits would prove nothing.
    QVERIFY(relative_error(reloaded, base) > 1e-2);
  }

  void merged_model_gives_the_adapter_logits() {
    const std::string output = path("merged");
    const auto result = merge(adapter_dir_, output);
    QVERIFY2(result.exit_code == 0, result.err.constData());
    const QJsonObject summary = QJsonDocument::fromJson(result.out).object();
    QCOMPARE(summary["shards"].toInt(), 1);
    QCOMPARE(summary["merged_modules"].toInt(), 14);  // 7 projections x 2 layers
    QCOMPARE(summary["dtype"].toString(), QString("float32"));
    QVERIFY(!summary["untied_lm_head"].toBool());
    // rsLoRA: llama.cpp's converter would scale it wrongly; the summary says so.
    QVERIFY2(result.err.contains("info:") && result.err.contains("rsLoRA") && result.err.contains("llama.cpp"),
             result.err.constData());

    // A complete model folder: the base's config byte for byte, every tokenizer file, one weights file.
    QSet<QString> files;
    for (const QString& name : QDir(q(output)).entryList(QDir::Files | QDir::Hidden)) files.insert(name);
    QCOMPARE(files, (QSet<QString>{"config.json", "generation_config.json", "model.safetensors", "tokenizer.json",
                                   "tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja"}));
    for (const char* name : {"config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
                             "special_tokens_map.json", "chat_template.jinja"})
      QVERIFY2(file_bytes(output + "/" + name) == file_bytes(model_dir_ + "/" + name), name);
    auto weights = lora::SafetensorsFile::open(output + "/model.safetensors");
    QCOMPARE(weights->metadata(), (std::map<std::string, std::string>{{"format", "pt"}}));
    const lora::Checkpoint base = lora::Checkpoint::open(model_dir_);
    const lora::Checkpoint merged = lora::Checkpoint::open(output);
    QCOMPARE(merged.names(), base.names());
    // Only the targeted weights change.
    QVERIFY(at::equal(merged.tensor("model.embed_tokens.weight"), base.tensor("model.embed_tokens.weight")));
    QVERIFY(at::equal(merged.tensor("lm_head.weight"), base.tensor("lm_head.weight")));
    QVERIFY(!at::equal(merged.tensor("model.layers.1.mlp.down_proj.weight"),
                       base.tensor("model.layers.1.mlp.down_proj.weight")));

    const at::Tensor with_adapter = cli_logits(model_dir_, adapter_dir_);
    const at::Tensor from_merged = cli_logits(output);
    const double error = relative_error(from_merged, with_adapter);
    QVERIFY2(error < 1e-4, qPrintable(QString("relative error %1").arg(error)));
    QVERIFY(relative_error(cli_logits(model_dir_), with_adapter) > 1e-2);
    QVERIFY(leftovers(tmp_.path().toStdString()).isEmpty());

    // `info` reads the merged folder like any model.
    const auto info = test_support::run_cli({"info", q(output)});
    QVERIFY2(info.exit_code == 0, info.err.constData());
    const auto base_info = test_support::run_cli({"info", q(model_dir_)});
    const QJsonObject merged_info = QJsonDocument::fromJson(info.out).object();
    QCOMPARE(merged_info["num_parameters"], QJsonDocument::fromJson(base_info.out).object()["num_parameters"]);
    QCOMPARE(merged_info["tokenizer"].toString(), QString("tokenizer.json"));
    QCOMPARE(merged_info["dtype"].toString(), QString("float32"));
  }

  void large_models_are_sharded_as_transformers_shards_them() {
    const std::string output = path("merged-sharded");
    const auto result = merge(adapter_dir_, output, {"--max-shard-size", "1MB"});
    QVERIFY2(result.exit_code == 0, result.err.constData());
    QVERIFY(!QFile::exists(q(output + "/model.safetensors")));
    const QJsonObject index = json_file(output + "/model.safetensors.index.json");
    const QJsonObject weight_map = index["weight_map"].toObject();
    // The 8 MB embedding and head exceed 1 MB: each gets a shard of its own, as huggingface_hub's
    // splitter puts them (in the order it meets them), and the small layers share the last one.
    const QStringList shard_names = {"model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                                     "model-00003-of-00003.safetensors"};
    QCOMPARE(weight_map["model.embed_tokens.weight"].toString(), shard_names[0]);
    QCOMPARE(weight_map["lm_head.weight"].toString(), shard_names[1]);
    QCOMPARE(weight_map["model.layers.1.mlp.down_proj.weight"].toString(), shard_names[2]);
    QCOMPARE(QJsonDocument::fromJson(result.out).object()["shards"].toInt(), 3);

    const lora::Checkpoint base = lora::Checkpoint::open(model_dir_);
    std::set<std::string> mapped;
    for (auto it = weight_map.begin(); it != weight_map.end(); ++it) {
      mapped.insert(it.key().toStdString());
      QVERIFY2(shard_names.contains(it.value().toString()), qPrintable(it.value().toString()));
    }
    const std::vector<std::string> base_names = base.names();
    QCOMPARE(mapped, std::set<std::string>(base_names.begin(), base_names.end()));
    qint64 total = 0;
    for (const QString& shard : shard_names) {
      auto file = lora::SafetensorsFile::open(output + "/" + shard.toStdString());
      QCOMPARE(file->metadata().at("format"), std::string("pt"));
      qint64 bytes = 0;
      for (const auto& tensor : file->tensors()) bytes += static_cast<qint64>(tensor.nbytes());
      QVERIFY(bytes <= 1000000 || file->tensors().size() == 1);
      total += bytes;
    }
    QCOMPARE(static_cast<qint64>(index["metadata"].toObject()["total_size"].toDouble()), total);

    const double error = relative_error(cli_logits(output), cli_logits(model_dir_, adapter_dir_));
    QVERIFY2(error < 1e-4, qPrintable(QString("relative error %1").arg(error)));
    const auto info = test_support::run_cli({"info", q(output)});
    QVERIFY2(info.exit_code == 0, info.err.constData());
  }

  void bf16_output_is_the_fp32_merge_rounded_once() {
    const std::string fp32 = path("merged-fp32-reference");
    QVERIFY(merge(adapter_dir_, fp32).exit_code == 0);
    const std::string output = path("merged-bf16");
    const auto result = merge(adapter_dir_, output, {"--dtype", "bfloat16"});
    QVERIFY2(result.exit_code == 0, result.err.constData());
    QCOMPARE(QJsonDocument::fromJson(result.out).object()["dtype"].toString(), QString("bfloat16"));

    QJsonObject config = json_file(output + "/config.json");
    QJsonObject base_config = json_file(model_dir_ + "/config.json");
    QCOMPARE(config["torch_dtype"].toString(), QString("bfloat16"));
    config.remove("torch_dtype");
    base_config.remove("torch_dtype");
    QCOMPARE(config, base_config);  // nothing else changes

    const lora::Checkpoint merged = lora::Checkpoint::open(output);
    const lora::Checkpoint reference = lora::Checkpoint::open(fp32);
    for (const std::string& name : merged.names()) {
      QVERIFY2(merged.info(name).dtype == lora::DType::BF16, name.c_str());
      // W + s·B·A in fp32, then one rounding: exactly the fp32 merge cast to bf16.
      QVERIFY2(at::equal(merged.tensor(name), reference.tensor(name).to(at::kBFloat16)), name.c_str());
    }
    const auto info = test_support::run_cli({"info", q(output)});
    QCOMPARE(QJsonDocument::fromJson(info.out).object()["dtype"].toString(), QString("bfloat16"));
    const double error = relative_error(cli_logits(output), cli_logits(model_dir_, adapter_dir_));
    QVERIFY2(error < 5e-2, qPrintable(QString("relative error %1").arg(error)));
  }

  // An adapter on lm_head of a model whose head is tied to the embedding: the merged model gets its
  // own head (the embedding the inputs use must not change), and the config says it is untied.
  void tied_head_is_untied() {
    const std::string tied_dir = path("tied");
    lora::TinyModelOptions options;
    options.tokenizer_path = test_support::npm_tokenizer_dir("tokenizer-llama2").toStdString();
    options.seed = 3;
    options.init_std = 0.3;
    options.tied = true;
    lora::write_tiny_model(tied_dir, options);
    lora::LoraConfig config;
    config.target_modules.names = {"q_proj", "lm_head"};
    config.r = 4;
    config.lora_alpha = 8;
    const std::string adapter = path("tied-adapter");
    at::Tensor with_adapter;
    make_adapter(tied_dir, adapter, config, 9, &with_adapter);

    const std::string output = path("tied-merged");
    const auto result = test_support::run_cli(
        {"merge", q(tied_dir), "--adapter", q(adapter), "--output", q(output)});
    QVERIFY2(result.exit_code == 0, result.err.constData());
    QVERIFY(QJsonDocument::fromJson(result.out).object()["untied_lm_head"].toBool());
    QVERIFY2(result.err.contains("tie_word_embeddings false"), result.err.constData());
    QCOMPARE(json_file(output + "/config.json")["tie_word_embeddings"].toBool(true), false);
    const lora::Checkpoint base = lora::Checkpoint::open(tied_dir);
    const lora::Checkpoint merged = lora::Checkpoint::open(output);
    QVERIFY(!base.contains("lm_head.weight"));
    QVERIFY(merged.contains("lm_head.weight"));
    QVERIFY(at::equal(merged.tensor("model.embed_tokens.weight"), base.tensor("model.embed_tokens.weight")));

    auto model = lora::CausalLM::load(output, fp32_cpu());
    const double error = relative_error(logits_of(*model), with_adapter);
    QVERIFY2(error < 1e-4, qPrintable(QString("relative error %1").arg(error)));
  }

  void adapter_for_another_model_names_the_tensor() {
    const std::string other_dir = path("other-model");
    lora::TinyModelOptions options;
    options.vocab_size = 512;
    options.hidden_size = 32;
    options.intermediate_size = 64;
    lora::write_tiny_model(other_dir, options);
    lora::LoraConfig config;
    config.target_modules.names = {"q_proj", "v_proj"};
    config.r = 2;
    const std::string adapter = path("other-adapter");
    make_adapter(other_dir, adapter, config, 1);

    const std::string output = path("merged-wrong-model");
    const auto result = merge(adapter, output);
    QCOMPARE(result.exit_code, 1);
    QVERIFY2(result.err.contains("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight") &&
                 result.err.contains("[2, 32]") && result.err.contains("[2, 64]"),
             result.err.constData());
    QVERIFY(!QFileInfo::exists(q(output)));
    QVERIFY(leftovers(tmp_.path().toStdString()).isEmpty());
  }

  void adapter_key_for_a_missing_module_is_named() {
    const std::string adapter = path("extra-key-adapter");
    fs::create_directories(adapter);
    fs::copy_file(adapter_dir_ + "/adapter_config.json", adapter + "/adapter_config.json");
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& [module, factors] : lora::read_lora_weights(adapter_dir_)) {
      tensors.emplace_back(lora::peft_lora_key(module, 'A'), factors.A);
      tensors.emplace_back(lora::peft_lora_key(module, 'B'), factors.B);
    }
    // Layer 7 of a two-layer model.
    tensors.emplace_back(lora::peft_lora_key("model.layers.7.self_attn.q_proj", 'A'), at::zeros({4, 64}));
    tensors.emplace_back(lora::peft_lora_key("model.layers.7.self_attn.q_proj", 'B'), at::zeros({64, 4}));
    lora::save_tensors(adapter + "/adapter_model.safetensors", tensors);

    const std::string output = path("merged-extra-key");
    const auto result = merge(adapter, output);
    QCOMPARE(result.exit_code, 1);
    QVERIFY2(result.err.contains("model.layers.7.self_attn.q_proj") && result.err.contains("not a linear layer"),
             result.err.constData());
    QVERIFY(!QFileInfo::exists(q(output)));
  }

  void missing_adapter_folder_writes_nothing() {
    const std::string output = path("merged-no-adapter");
    const auto result = merge(path("no-such-adapter"), output);
    QCOMPARE(result.exit_code, 1);
    QVERIFY2(result.err.contains("no-such-adapter") && result.err.contains("no such folder"), result.err.constData());
    QVERIFY(!QFileInfo::exists(q(output)));

    // A folder that is not an adapter.
    const auto not_adapter = merge(model_dir_, output);
    QCOMPARE(not_adapter.exit_code, 1);
    QVERIFY2(not_adapter.err.contains("adapter_config.json"), not_adapter.err.constData());
    QVERIFY(!QFileInfo::exists(q(output)));

    // Nor may the output be the base model's own folder.
    const auto into_base = test_support::run_cli(
        {"merge", "--model", q(model_dir_), "--adapter", q(adapter_dir_), "--output", q(model_dir_), "--force"});
    QCOMPARE(into_base.exit_code, 1);
    QVERIFY2(into_base.err.contains("base model's folder"), into_base.err.constData());
  }

  void existing_model_folder_needs_force() {
    const std::string output = path("occupied");
    fs::create_directories(output);
    lora::write_file_atomically(output + "/config.json", "{\"old\": true}\n");
    lora::write_file_atomically(output + "/model.safetensors", "not a model");
    lora::write_file_atomically(output + "/notes.txt", "mine\n");

    const auto refused = merge(adapter_dir_, output);
    QCOMPARE(refused.exit_code, 1);
    QVERIFY2(refused.err.contains("already holds a model"), refused.err.constData());
    QCOMPARE(file_bytes(output + "/config.json"), QByteArray("{\"old\": true}\n"));
    QCOMPARE(file_bytes(output + "/model.safetensors"), QByteArray("not a model"));
    QCOMPARE(QDir(q(output)).entryList(QDir::Files | QDir::Hidden).size(), 3);
    QVERIFY(leftovers(tmp_.path().toStdString()).isEmpty());

    // --force replaces the model files (a sharded model leaves no stale model.safetensors that
    // would shadow its index) and keeps the user's other files.
    const auto forced = merge(adapter_dir_, output, {"--force", "--max-shard-size", "1MB"});
    QVERIFY2(forced.exit_code == 0, forced.err.constData());
    QVERIFY(!QFile::exists(q(output + "/model.safetensors")));
    QVERIFY(QFile::exists(q(output + "/model.safetensors.index.json")));
    QCOMPARE(file_bytes(output + "/config.json"), file_bytes(model_dir_ + "/config.json"));
    QCOMPARE(file_bytes(output + "/notes.txt"), QByteArray("mine\n"));
    QVERIFY(leftovers(tmp_.path().toStdString()).isEmpty());
    auto model = lora::CausalLM::load(output, fp32_cpu());
    QVERIFY(relative_error(logits_of(*model), saving_model_logits_) < 1e-4);
  }

  // The window's cancel button: stopping midway leaves no output and no temporary folder.
  void cancelled_merge_leaves_nothing() {
    lora::MergeOptions options;
    options.model_dir = model_dir_;
    options.adapter_dir = adapter_dir_;
    options.output_dir = path("merged-cancelled");
    options.max_shard_bytes = 1000000;
    int64_t seen = 0;
    QVERIFY_THROWS_EXCEPTION(lora::Error, lora::merge_adapter(options, [&](const lora::MergeProgress& progress) {
      seen = progress.tensors_done;
      return progress.tensors_done < 5;
    }));
    QCOMPARE(seen, int64_t(5));
    QVERIFY(!QFileInfo::exists(q(options.output_dir)));
    QVERIFY(leftovers(tmp_.path().toStdString()).isEmpty());
  }

  // What the trainer writes is an adapter the rest of the engine takes: generation loads it and
  // the merge reproduces its logits.
  void trained_adapter_generates_and_merges() {
    const std::string dataset = path("train.jsonl");
    std::string lines;
    for (int i = 0; i < 8; ++i)
      lines += "{\"instruction\": \"Say " + std::to_string(i) + ".\", \"output\": \"" + std::to_string(i) + "!\"}\n";
    lora::write_file_atomically(dataset, lines);
    lora::TrainingSettings settings;
    settings.model_dir = model_dir_;
    settings.dataset_path = dataset;
    settings.output_dir = path("trained");
    settings.rank = 4;
    settings.alpha = 8;
    settings.target_modules = {"q_proj", "v_proj", "up_proj"};
    settings.max_steps = 2;
    settings.micro_batch_size = 2;
    settings.batch_size = 4;
    settings.cutoff_len = 96;
    settings.learning_rate = 1e-2;
    settings.precision = "float32";
    settings.threads = 2;
    const lora::TrainingResult trained = lora::train_lora(settings, false);
    QCOMPARE(trained.steps_done, int64_t(2));
    const std::string adapter = trained.adapter_dir.empty() ? settings.output_dir : trained.adapter_dir;

    const auto generated = test_support::run_cli({"generate", q(model_dir_), "--adapter", q(adapter), "--prompt", "hi",
                                                  "--max-new-tokens", "3", "--seed", "1"});
    QVERIFY2(generated.exit_code == 0, generated.err.constData());

    const std::string output = path("trained-merged");
    const auto merged = merge(adapter, output);
    QVERIFY2(merged.exit_code == 0, merged.err.constData());
    QCOMPARE(QJsonDocument::fromJson(merged.out).object()["merged_modules"].toInt(), 6);
    const at::Tensor with_adapter = cli_logits(model_dir_, adapter);
    QVERIFY(relative_error(with_adapter, cli_logits(model_dir_)) > 1e-5);  // training moved something
    const double error = relative_error(cli_logits(output), with_adapter);
    QVERIFY2(error < 1e-4, qPrintable(QString("relative error %1").arg(error)));
  }

  // Trained on conversations with a template other than the model's: the adapter records it, chat
  // with the adapter uses it byte for byte, and the merged model carries it as its own template.
  void conversation_adapter_keeps_its_template_through_merge() {
    const std::string dataset = path("chat.jsonl");
    std::string lines;
    for (int i = 0; i < 8; ++i)
      lines += "{\"messages\": [{\"role\": \"user\", \"content\": \"Say " + std::to_string(i) +
               ".\"}, {\"role\": \"assistant\", \"content\": \"" + std::to_string(i) + "!\"}]}\n";
    lora::write_file_atomically(dataset, lines);
    lora::TrainingSettings settings;
    settings.model_dir = model_dir_;
    settings.dataset_path = dataset;
    settings.output_dir = path("chat-trained");
    settings.chat_template = "llama3";
    settings.rank = 4;
    settings.alpha = 8;
    settings.max_steps = 1;
    settings.micro_batch_size = 2;
    settings.batch_size = 2;
    settings.cutoff_len = 96;
    settings.precision = "float32";
    settings.threads = 2;
    const lora::TrainingResult trained = lora::train_lora(settings, false);
    const std::string adapter = trained.adapter_dir.empty() ? settings.output_dir : trained.adapter_dir;
    const std::string llama3 = lora::ChatTemplate::builtin("llama3").source();
    const QJsonObject prompt = QJsonDocument::fromJson(file_bytes(adapter + "/training_prompt.json")).object();
    QCOMPARE(prompt["template_type"].toString(), QString("chat_template"));
    QCOMPARE(prompt["chat_template_name"].toString(), QString("llama3"));
    QCOMPARE(prompt["chat_template"].toString().toStdString(), llama3);

    const auto generated = test_support::run_cli({"generate", q(model_dir_), "--adapter", q(adapter), "--prompt", "hi",
                                                  "--max-new-tokens", "2", "--show-prompt"});
    QVERIFY2(generated.exit_code == 0, generated.err.constData());
    QVERIFY2(generated.err.contains("<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>"), generated.err.constData());

    const std::string output = path("chat-merged");
    const auto merged = merge(adapter, output);
    QVERIFY2(merged.exit_code == 0, merged.err.constData());
    QCOMPARE(file_bytes(output + "/chat_template.jinja"), QByteArray::fromStdString(llama3));
    const QJsonObject config = QJsonDocument::fromJson(file_bytes(output + "/tokenizer_config.json")).object();
    QCOMPARE(config["chat_template"].toString().toStdString(), llama3);
    // The rest of the tokenizer's config is the base model's.
    QCOMPARE(config["eos_token"], QJsonDocument::fromJson(file_bytes(model_dir_ + "/tokenizer_config.json")).object()["eos_token"]);
  }
};

QTEST_GUILESS_MAIN(TestMerge)
#include "test_merge.moc"
