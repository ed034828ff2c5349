// The transformer against an independent reference: tests/reference/hf_reference.py implements the
// Hugging Face Llama / Qwen2 / Mistral math from scratch and wrote tiny checkpoints with their logits
// into tests/fixtures/model/. Also: KV-cache decoding equals the full forward, padded batches, the
// parameter names are the checkpoint keys, bad checkpoints fail naming the tensor, `info` and
// `make-tiny` from the command line.
// libtorch before Qt: Qt's `slots` macro would clash with torch's IValue::slots().
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <torch/nn/module.h>

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>

#include "causal_lm.h"
#include "checkpoint.h"
#include "device.h"
#include "error.h"
#include "safetensors.h"
#include "test_support.h"
#include "tiny_model.h"
#include "transformer.h"

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

at::Tensor expected_ids(const std::string& name) {
  return read_tensor(fixture("expected/" + name + ".safetensors"), "input_ids");
}

at::Tensor expected_logits(const std::string& name, const std::string& tensor = "logits") {
  return read_tensor(fixture("expected/" + name + ".safetensors"), tensor);
}

// max |a - b| / max |reference|: the "relative" tolerance, insensitive to tiny logits.
double relative_error(const at::Tensor& actual, const at::Tensor& reference) {
  return ((actual.to(at::kFloat) - reference).abs().max() / reference.abs().max()).item<double>();
}

lora::ComputeOptions cpu(const std::string& dtype) {
  lora::ComputeOptions options;
  options.device = "cpu";
  options.dtype = dtype;
  return options;
}

at::Tensor logits_of(lora::CausalLM& model, const at::Tensor& ids) {
  c10::InferenceMode inference;
  return model.forward(ids.unsqueeze(0))[0];
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

// Rewrites a model.safetensors with `change` applied to its (name -> tensor) list.
void rewrite_weights(const std::string& path,
                     const std::function<void(std::vector<std::pair<std::string, at::Tensor>>&)>& change) {
  auto file = lora::SafetensorsFile::open(path);
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (const auto& info : file->tensors()) tensors.emplace_back(info.name, lora::tensor_from_safetensors(*file, info).clone());
  file.reset();
  change(tensors);
  lora::save_tensors(path, tensors);
}

QString load_error(const std::string& model_dir) {
  try {
    lora::CausalLM::load(model_dir, cpu("float32"));
  } catch (const lora::Error& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

QJsonObject info_json(const std::string& model_dir) {
  const auto result = test_support::run_cli({"info", QString::fromStdString(model_dir)});
  if (result.exit_code != 0) qWarning() << result.err;
  const QJsonDocument document = QJsonDocument::fromJson(result.out);
  return document.object();
}

const char* const kFixtures[] = {"llama_fp32",      "llama_tied_bf16",   "qwen2_bias",
                                 "mistral_sharded", "llama_rope_llama3", "llama_rope_linear"};

}  // namespace

class TestModelForward : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;

  std::string scratch(const std::string& name) { return (tmp_.path() + "/").toStdString() + name; }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    QVERIFY2(QFile::exists(QString::fromStdString(fixture("expected/llama_fp32.safetensors"))),
             "run tests/reference/hf_reference.py to create the fixtures");
  }

  void fp32_logits_match_reference_data() {
    QTest::addColumn<QString>("name");
    for (const char* name : kFixtures) QTest::newRow(name) << name;
  }

  // Every fixture in fp32 compute: within 1e-4 of the reference (bf16 checkpoints are upcast).
  void fp32_logits_match_reference() {
    QFETCH(QString, name);
    auto model = lora::CausalLM::load(fixture(name.toStdString()), cpu("float32"));
    QCOMPARE(model->target().dtype, c10::kFloat);
    const at::Tensor logits = logits_of(*model, expected_ids(name.toStdString()));
    const at::Tensor reference = expected_logits(name.toStdString());
    QCOMPARE(logits.sizes().vec(), reference.sizes().vec());
    QCOMPARE(logits.scalar_type(), at::kFloat);
    const double error = relative_error(logits, reference);
    QVERIFY2(error < 1e-4, qPrintable(QString("relative error %1").arg(error)));
  }

  // The bf16 checkpoint computed in bf16 (as transformers runs it): close to the reference's bf16
  // run, and as far from fp32 as bf16 rounding allows.
  void bf16_compute_matches_reference() {
    auto model = lora::CausalLM::load(fixture("llama_tied_bf16"), cpu("bfloat16"));
    QCOMPARE(model->target().dtype, c10::kBFloat16);
    QCOMPARE(model->module().named_parameters()["model.embed_tokens.weight"].scalar_type(), at::kBFloat16);
    const at::Tensor logits = logits_of(*model, expected_ids("llama_tied_bf16"));
    QCOMPARE(logits.scalar_type(), at::kFloat);
    const double vs_bf16 = relative_error(logits, expected_logits("llama_tied_bf16", "logits_bf16"));
    const double vs_fp32 = relative_error(logits, expected_logits("llama_tied_bf16"));
    QVERIFY2(vs_bf16 < 1.5e-2, qPrintable(QString("vs bf16 reference %1").arg(vs_bf16)));
    QVERIFY2(vs_fp32 < 3e-2, qPrintable(QString("vs fp32 reference %1").arg(vs_fp32)));
  }

  void auto_dtype_follows_checkpoint_and_cpu() {
    auto bf16 = lora::CausalLM::load(fixture("llama_tied_bf16"), cpu("auto"));
    QCOMPARE(bf16->target().dtype, lora::cpu_has_bf16() ? c10::kBFloat16 : c10::kFloat);
    auto fp32 = lora::CausalLM::load(fixture("llama_fp32"), cpu("auto"));
    QCOMPARE(fp32->target().dtype, c10::kFloat);
    QVERIFY(!fp32->target().describe().empty());
  }

  void cli_logits_match_reference() {
    for (const std::string name : {"llama_fp32", "mistral_sharded"}) {
      const at::Tensor ids = expected_ids(name);
      QStringList id_list;
      for (int64_t i = 0; i < ids.size(0); ++i) id_list << QString::number(ids[i].item<int64_t>());
      const std::string out = scratch(name + "-logits.safetensors");
      const auto result = test_support::run_cli({"logits", QString::fromStdString(fixture(name)), "--ids",
                                                 id_list.join(","), "--dtype", "float32", "--output",
                                                 QString::fromStdString(out)});
      QVERIFY2(result.exit_code == 0, result.err.constData());
      auto file = lora::SafetensorsFile::open(out);
      QCOMPARE(file->tensors().size(), size_t(1));
      QCOMPARE(QString::fromStdString(file->tensors()[0].name), QString("logits"));
      QVERIFY(file->tensors()[0].dtype == lora::DType::F32);
      const at::Tensor logits = read_tensor(out, "logits");
      QCOMPARE(logits.sizes().vec(), (std::vector<int64_t>{ids.size(0), 256}));
      QVERIFY(relative_error(logits, expected_logits(name)) < 1e-4);
    }
    const auto bad = test_support::run_cli({"logits", QString::fromStdString(fixture("llama_fp32")), "--ids",
                                            "1,2,999", "--output", QString::fromStdString(scratch("x.safetensors"))});
    QCOMPARE(bad.exit_code, 1);
    QVERIFY2(bad.err.contains("999"), bad.err.constData());
  }

  // Prefill, then one token at a time, then a chunk: the same logits as one full pass, including
  // Mistral's sliding window reaching back into the cache and Qwen2's biases.
  void kv_cache_decoding_equals_full_forward_data() {
    QTest::addColumn<QString>("name");
    QTest::newRow("mistral_sharded") << "mistral_sharded";
    QTest::newRow("qwen2_bias") << "qwen2_bias";
    QTest::newRow("llama_tied_bf16") << "llama_tied_bf16";
  }

  void kv_cache_decoding_equals_full_forward() {
    QFETCH(QString, name);
    auto model = lora::CausalLM::load(fixture(name.toStdString()), cpu("float32"));
    const at::Tensor ids = expected_ids(name.toStdString()).unsqueeze(0);  // [1, 10]
    c10::InferenceMode inference;
    const at::Tensor full = model->forward(ids);
    lora::KVCache cache;
    std::vector<at::Tensor> pieces;
    pieces.push_back(model->forward(ids.slice(1, 0, 4), &cache));
    QCOMPARE(cache.length(), int64_t(4));
    QCOMPARE(int64_t(cache.keys.size()), model->config().num_hidden_layers);
    for (int64_t t = 4; t < 7; ++t) pieces.push_back(model->forward(ids.slice(1, t, t + 1), &cache));
    pieces.push_back(model->forward(ids.slice(1, 7, 10), &cache));
    QCOMPARE(cache.length(), int64_t(10));
    const at::Tensor incremental = at::cat(pieces, 1);
    QVERIFY2(relative_error(incremental, full) < 1e-5,
             qPrintable(QString("relative error %1").arg(relative_error(incremental, full))));
  }

  // A left-padded row with its attention mask and positions gives the unpadded sequence's logits,
  // with and without a cache.
  void padded_batch_matches_single_sequences() {
    auto model = lora::CausalLM::load(fixture("mistral_sharded"), cpu("float32"));
    const at::Tensor ids = expected_ids("mistral_sharded");
    const int64_t pad = 3, length = ids.size(0);
    c10::InferenceMode inference;
    const at::Tensor short_ids = ids.slice(0, 0, length - pad);
    const at::Tensor batch = at::stack({ids, at::cat({at::zeros({pad}, at::kLong), short_ids})});
    at::Tensor mask = at::ones({2, length}, at::kLong);
    mask[1].slice(0, 0, pad).zero_();
    const at::Tensor positions = (mask.cumsum(1) - 1).clamp_min(0);
    const at::Tensor logits = model->forward(batch, nullptr, mask, positions);
    QVERIFY(relative_error(logits[0], model->forward(ids.unsqueeze(0))[0]) < 1e-5);
    const at::Tensor alone = model->forward(short_ids.unsqueeze(0))[0];
    QVERIFY(relative_error(logits[1].slice(0, pad), alone) < 1e-5);
    QVERIFY(!at::isnan(logits).any().item<bool>());

    // The same batch decoded with a cache: prefill all but the last token, then the last one.
    lora::KVCache cache;
    const at::Tensor first = model->forward(batch.slice(1, 0, length - 1), &cache, mask.slice(1, 0, length - 1),
                                            positions.slice(1, 0, length - 1));
    const at::Tensor last = model->forward(batch.slice(1, length - 1), &cache, mask, positions.slice(1, length - 1));
    QVERIFY(relative_error(at::cat({first, last}, 1), logits) < 1e-5);
  }

  void parameter_names_are_checkpoint_keys() {
    for (const std::string name : {"llama_fp32", "llama_tied_bf16", "qwen2_bias", "mistral_sharded"}) {
      auto model = lora::CausalLM::load(fixture(name), cpu("auto"));
      const lora::Checkpoint checkpoint = lora::Checkpoint::open(fixture(name));
      std::set<std::string> keys;
      for (const auto& key : checkpoint.names()) keys.insert(key);
      std::set<std::string> parameters;
      int64_t total = 0;
      for (const auto& item : model->module().named_parameters()) {
        parameters.insert(item.key());
        QVERIFY2(!item.value().requires_grad(), item.key().c_str());  // the base model is frozen
        QCOMPARE(item.value().sizes().vec(), checkpoint.info(item.key()).shape);
        total += item.value().numel();
      }
      QCOMPARE(parameters, keys);
      QCOMPARE(model->num_parameters(), total);
      QCOMPARE(bool(keys.count("lm_head.weight")), !model->config().tie_word_embeddings);
      const auto linears = model->linear_layer_paths();
      QCOMPARE(int64_t(linears.size()), 7 * model->config().num_hidden_layers + 1);
      QCOMPARE(QString::fromStdString(linears.back()), QString("lm_head"));
    }
  }

  void bad_checkpoints_name_the_tensor() {
    const std::string base = scratch("bad-model");

    copy_folder(fixture("llama_fp32"), base);
    rewrite_weights(base + "/model.safetensors", [](auto& tensors) {
      tensors.erase(std::remove_if(tensors.begin(), tensors.end(),
                                   [](const auto& t) { return t.first == "model.layers.1.mlp.up_proj.weight"; }),
                    tensors.end());
    });
    QString error = load_error(base);
    QVERIFY2(error.contains("missing tensor 'model.layers.1.mlp.up_proj.weight'") && error.contains("[48, 64]"),
             qPrintable(error));

    copy_folder(fixture("llama_fp32"), base);
    edit_json(base + "/config.json", [](QJsonObject& config) { config["intermediate_size"] = 40; });
    error = load_error(base);
    QVERIFY2(error.contains("model.layers.0.mlp.gate_proj.weight") && error.contains("[48, 64]") &&
                 error.contains("[40, 64]"),
             qPrintable(error));

    copy_folder(fixture("llama_fp32"), base);
    edit_json(base + "/config.json", [](QJsonObject& config) { config["num_hidden_layers"] = 1; });
    error = load_error(base);
    QVERIFY2(error.contains("unexpected tensor") && error.contains("model.layers.1."), qPrintable(error));

    copy_folder(fixture("llama_fp32"), base);
    edit_json(base + "/config.json", [](QJsonObject& config) { config["tie_word_embeddings"] = true; });
    QVERIFY(load_error(base).isEmpty());  // transformers ignores a stored lm_head when tying, and so do we

    copy_folder(fixture("llama_tied_bf16"), base);
    edit_json(base + "/config.json", [](QJsonObject& config) { config["tie_word_embeddings"] = false; });
    error = load_error(base);
    QVERIFY2(error.contains("missing tensor 'lm_head.weight'"), qPrintable(error));

    copy_folder(fixture("llama_fp32"), base);
    edit_json(base + "/config.json", [](QJsonObject& config) { config["model_type"] = "gpt2"; });
    error = load_error(base);
    QVERIFY2(error.contains("gpt2"), qPrintable(error));

    // Old checkpoints store rotary inv_freq buffers; they are not weights and are skipped.
    copy_folder(fixture("llama_fp32"), base);
    rewrite_weights(base + "/model.safetensors", [](auto& tensors) {
      tensors.emplace_back("model.layers.0.self_attn.rotary_emb.inv_freq", at::ones({8}));
    });
    error = load_error(base);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    // A token id outside the vocabulary is an error, not a crash.
    auto model = lora::CausalLM::load(fixture("llama_fp32"), cpu("float32"));
    QVERIFY_EXCEPTION_THROWN(logits_of(*model, at::tensor({int64_t(3), int64_t(256)})), lora::Error);
    QVERIFY_EXCEPTION_THROWN(logits_of(*model, at::tensor({int64_t(-1)})), lora::Error);
  }

  void rope_frequencies_follow_transformers() {
    lora::ModelConfig config;
    config.head_dim = 16;
    config.rope_theta = 10000;
    const at::Tensor plain = lora::rope_inverse_frequencies(config);
    QCOMPARE(plain.size(0), int64_t(8));
    QVERIFY(std::abs(plain[1].item<double>() - std::pow(10000.0, -2.0 / 16)) < 1e-7);
    config.rope_scaling.type = "linear";
    config.rope_scaling.factor = 4;
    QVERIFY(at::allclose(lora::rope_inverse_frequencies(config), plain / 4));
    config.rope_scaling.type = "llama3";
    config.rope_scaling.factor = 8;
    config.rope_scaling.original_max_position_embeddings = 64;
    const at::Tensor llama3 = lora::rope_inverse_frequencies(config);
    // wavelength 2π < 16: kept; > 64: divided by 8; between: blended strictly between the two.
    QCOMPARE(llama3[0].item<double>(), plain[0].item<double>());
    QVERIFY(std::abs(llama3[7].item<double>() - plain[7].item<double>() / 8) < 1e-12);
    QVERIFY(llama3[1].item<double>() < plain[1].item<double>() && llama3[1].item<double>() > plain[1].item<double>() / 8);
    config.rope_scaling.type = "yarn";
    QVERIFY_EXCEPTION_THROWN(lora::rope_inverse_frequencies(config), lora::Error);
  }

  void info_reports_the_folder() {
    QJsonObject info = info_json(fixture("llama_fp32"));
    QCOMPARE(info["architecture"].toString(), QString("LlamaForCausalLM"));
    QCOMPARE(info["model_type"].toString(), QString("llama"));
    QCOMPARE(info["num_layers"].toInt(), 2);
    QCOMPARE(info["hidden_size"].toInt(), 64);
    QCOMPARE(info["vocab_size"].toInt(), 256);
    QCOMPARE(info["dtype"].toString(), QString("float32"));
    QVERIFY(info["tokenizer"].isNull());
    QCOMPARE(info["context_length"].toInt(), 2048);
    QCOMPARE(info["size_bytes"].toDouble(), double(fs::file_size(fixture("llama_fp32/model.safetensors"))));
    auto model = lora::CausalLM::load(fixture("llama_fp32"), cpu("float32"));
    QCOMPARE(info["num_parameters"].toDouble(), double(model->num_parameters()));
    QCOMPARE(info.size(), 10);

    info = info_json(fixture("mistral_sharded"));
    QCOMPARE(info["architecture"].toString(), QString("MistralForCausalLM"));
    QCOMPARE(info["dtype"].toString(), QString("bfloat16"));
    QCOMPARE(info["size_bytes"].toDouble(),
             double(fs::file_size(fixture("mistral_sharded/model-00001-of-00002.safetensors")) +
                    fs::file_size(fixture("mistral_sharded/model-00002-of-00002.safetensors"))));

    info = info_json(fixture("llama_tied_bf16"));
    model = lora::CausalLM::load(fixture("llama_tied_bf16"), cpu("float32"));
    QCOMPARE(info["num_parameters"].toDouble(), double(model->num_parameters()));

    const auto missing = test_support::run_cli({"info", QString::fromStdString(scratch("no-such-model"))});
    QCOMPARE(missing.exit_code, 1);
    QVERIFY(missing.err.contains("no-such-model"));
  }

  // make-tiny: the Hugging Face layout for every architecture, sharded and tied, loadable and
  // runnable; seeded and deterministic; vocabulary from a real tokenizer.
  void make_tiny_writes_loadable_checkpoints() {
    struct Case {
      QStringList args;
      QString dtype;
    };
    const QList<Case> cases = {
        {{"--arch", "llama"}, "float32"},
        {{"--arch", "qwen2", "--tied", "--dtype", "bfloat16"}, "bfloat16"},
        {{"--arch", "mistral", "--shards", "3", "--sliding-window", "4", "--dtype", "float16"}, "float16"},
        {{"--arch", "llama", "--head-dim", "8", "--kv-heads", "1", "--rope-scaling", "llama3", "--layers", "3"},
         "float32"},
    };
    int index = 0;
    for (const Case& c : cases) {
      const QString dir = QString::fromStdString(scratch("tiny-" + std::to_string(index++)));
      auto result = test_support::run_cli(QStringList{"make-tiny", dir} + c.args);
      QVERIFY2(result.exit_code == 0, result.err.constData());
      const QJsonObject summary = QJsonDocument::fromJson(result.out).object();
      QCOMPARE(summary["vocab_size"].toInt(), 512);
      const QJsonObject info = info_json(dir.toStdString());
      QCOMPARE(info["dtype"].toString(), c.dtype);
      QCOMPARE(info["vocab_size"].toInt(), 512);
      QCOMPARE(info["num_parameters"].toDouble(), summary["num_parameters"].toDouble());
      QVERIFY(QFile::exists(dir + "/generation_config.json"));
      auto model = lora::CausalLM::load(dir.toStdString(), cpu("float32"));
      const at::Tensor logits = logits_of(*model, at::tensor({int64_t(1), int64_t(5), int64_t(7)}));
      QCOMPARE(logits.sizes().vec(), (std::vector<int64_t>{3, 512}));
      QVERIFY(at::isfinite(logits).all().item<bool>());
    }
    QVERIFY(QFile::exists(QString::fromStdString(scratch("tiny-2/model-00003-of-00003.safetensors"))));
    QVERIFY(QFile::exists(QString::fromStdString(scratch("tiny-2/model.safetensors.index.json"))));
    QVERIFY(!lora::Checkpoint::open(scratch("tiny-1")).contains("lm_head.weight"));
    QVERIFY(lora::Checkpoint::open(scratch("tiny-1")).contains("model.layers.0.self_attn.k_proj.bias"));

    // Same seed, same bytes; another seed, other weights; an existing model is not overwritten.
    const QString a = QString::fromStdString(scratch("seed-a")), b = QString::fromStdString(scratch("seed-b")),
                  c = QString::fromStdString(scratch("seed-c"));
    QCOMPARE(test_support::run_cli({"make-tiny", a, "--arch", "llama", "--seed", "7"}).exit_code, 0);
    QCOMPARE(test_support::run_cli({"make-tiny", b, "--arch", "llama", "--seed", "7"}).exit_code, 0);
    QCOMPARE(test_support::run_cli({"make-tiny", c, "--arch", "llama", "--seed", "8"}).exit_code, 0);
    auto bytes = [](const QString& path) {
      QFile file(path);
      return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    };
    QVERIFY(!bytes(a + "/model.safetensors").isEmpty());
    QCOMPARE(bytes(a + "/model.safetensors"), bytes(b + "/model.safetensors"));
    QVERIFY(bytes(a + "/model.safetensors") != bytes(c + "/model.safetensors"));
    QCOMPARE(bytes(a + "/config.json"), bytes(b + "/config.json"));
    const auto again = test_support::run_cli({"make-tiny", a, "--arch", "llama"});
    QCOMPARE(again.exit_code, 1);
    QVERIFY(again.err.contains("already holds a model"));
    QCOMPARE(test_support::run_cli({"make-tiny", a, "--arch", "llama", "--seed", "8", "--force"}).exit_code, 0);
    QCOMPARE(bytes(a + "/model.safetensors"), bytes(c + "/model.safetensors"));

    const auto bad = test_support::run_cli({"make-tiny", QString::fromStdString(scratch("bad")), "--arch", "gpt2"});
    QCOMPARE(bad.exit_code, 1);
    QVERIFY(bad.err.contains("gpt2"));
  }

  void make_tiny_takes_the_tokenizer_vocabulary() {
    const QString source = test_support::npm_tokenizer_dir("tokenizer-llama2");
    const QString dir = QString::fromStdString(scratch("tiny-tokenizer"));
    const auto result = test_support::run_cli(
        {"make-tiny", dir, "--arch", "llama", "--tokenizer", source, "--tied", "--dtype", "bfloat16", "--hidden-size", "32"});
    QVERIFY2(result.exit_code == 0, result.err.constData());
    const QJsonObject info = info_json(dir.toStdString());
    QCOMPARE(info["vocab_size"].toInt(), 32000);
    QCOMPARE(info["tokenizer"].toString(), QString("tokenizer.json"));
    QVERIFY(QFile::exists(dir + "/tokenizer_config.json"));
    QCOMPARE(lora::tokenizer_vocab_size((source + "/tokenizer.json").toStdString()), int64_t(32000));
    QVERIFY_EXCEPTION_THROWN(lora::tokenizer_vocab_size(scratch("nothing-here")), lora::Error);
  }
};

QTEST_GUILESS_MAIN(TestModelForward)
#include "test_model_forward.moc"
