// config.json of Llama / Qwen2 (Qwen1.5, Qwen2.5) / Mistral checkpoints: every field the engine uses,
// the defaults transformers applies, clear errors for broken files, and a writer whose output
// reads back to the same configuration.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <functional>

#include "error.h"
#include "model_config.h"
#include "test_support.h"

namespace {

std::string config_path(const QString& name) {
  return (test_support::fixtures_dir() + "/config/" + name).toStdString();
}

// A small valid llama config as text, with `extra` fields merged over it.
std::string tiny_config(const QJsonObject& extra, const QString& model_type = "llama") {
  QJsonObject object{{"model_type", model_type}, {"vocab_size", 256},       {"hidden_size", 64},
                     {"intermediate_size", 128}, {"num_hidden_layers", 2}, {"num_attention_heads", 4}};
  for (auto it = extra.begin(); it != extra.end(); ++it) object[it.key()] = it.value();
  return QJsonDocument(object).toJson().toStdString();
}

// Runs `body`, which must throw lora::Error whose message contains every one of `parts`.
void expect_error(const std::function<void()>& body, const QStringList& parts) {
  try {
    body();
  } catch (const lora::Error& error) {
    const QString message = QString::fromStdString(error.what());
    for (const QString& part : parts)
      QVERIFY2(message.contains(part), qPrintable("message lacks \"" + part + "\": " + message));
    return;
  }
  QFAIL(qPrintable("no lora::Error thrown; expected one mentioning " + parts.join(", ")));
}

void expect_same(const lora::ModelConfig& a, const lora::ModelConfig& b) {
  QCOMPARE(a.architecture, b.architecture);
  QCOMPARE(a.model_type, b.model_type);
  QCOMPARE(a.vocab_size, b.vocab_size);
  QCOMPARE(a.hidden_size, b.hidden_size);
  QCOMPARE(a.intermediate_size, b.intermediate_size);
  QCOMPARE(a.num_hidden_layers, b.num_hidden_layers);
  QCOMPARE(a.num_attention_heads, b.num_attention_heads);
  QCOMPARE(a.num_key_value_heads, b.num_key_value_heads);
  QCOMPARE(a.head_dim, b.head_dim);
  QCOMPARE(a.hidden_act, b.hidden_act);
  QCOMPARE(a.rms_norm_eps, b.rms_norm_eps);
  QCOMPARE(a.rope_theta, b.rope_theta);
  QCOMPARE(a.rope_scaling.type, b.rope_scaling.type);
  QCOMPARE(a.rope_scaling.factor, b.rope_scaling.factor);
  QCOMPARE(a.rope_scaling.low_freq_factor, b.rope_scaling.low_freq_factor);
  QCOMPARE(a.rope_scaling.high_freq_factor, b.rope_scaling.high_freq_factor);
  QCOMPARE(a.rope_scaling.original_max_position_embeddings, b.rope_scaling.original_max_position_embeddings);
  QCOMPARE(a.max_position_embeddings, b.max_position_embeddings);
  QCOMPARE(a.tie_word_embeddings, b.tie_word_embeddings);
  QCOMPARE(a.attention_bias, b.attention_bias);
  QCOMPARE(a.qkv_bias, b.qkv_bias);
  QCOMPARE(a.o_bias, b.o_bias);
  QCOMPARE(a.mlp_bias, b.mlp_bias);
  QCOMPARE(a.sliding_window, b.sliding_window);
  QCOMPARE(a.torch_dtype, b.torch_dtype);
  QCOMPARE(a.bos_token_ids, b.bos_token_ids);
  QCOMPARE(a.eos_token_ids, b.eos_token_ids);
}

}  // namespace

class TestModelConfig : public QObject {
  Q_OBJECT

 private slots:
  void llama31WithLlama3RopeScaling() {
    const lora::ModelConfig c = lora::load_model_config(config_path("llama31_8b_instruct.json"));
    QCOMPARE(c.architecture, std::string("LlamaForCausalLM"));
    QCOMPARE(c.model_type, std::string("llama"));
    QCOMPARE(c.vocab_size, int64_t(128256));
    QCOMPARE(c.hidden_size, int64_t(4096));
    QCOMPARE(c.intermediate_size, int64_t(14336));
    QCOMPARE(c.num_hidden_layers, int64_t(32));
    QCOMPARE(c.num_attention_heads, int64_t(32));
    QCOMPARE(c.num_key_value_heads, int64_t(8));
    QCOMPARE(c.head_dim, int64_t(128));
    QCOMPARE(c.rms_norm_eps, 1e-5);
    QCOMPARE(c.rope_theta, 500000.0);
    QCOMPARE(c.rope_scaling.type, std::string("llama3"));
    QCOMPARE(c.rope_scaling.factor, 8.0);
    QCOMPARE(c.rope_scaling.low_freq_factor, 1.0);
    QCOMPARE(c.rope_scaling.high_freq_factor, 4.0);
    QCOMPARE(c.rope_scaling.original_max_position_embeddings, int64_t(8192));
    QCOMPARE(c.max_position_embeddings, int64_t(131072));
    QVERIFY(!c.tie_word_embeddings);
    QVERIFY(!c.qkv_bias && !c.o_bias && !c.mlp_bias);
    QCOMPARE(c.sliding_window, int64_t(0));
    QCOMPARE(c.torch_dtype, std::string("bfloat16"));
    QCOMPARE(c.bos_token_ids, std::vector<int64_t>{128000});
    QCOMPARE(c.eos_token_ids, (std::vector<int64_t>{128001, 128008, 128009}));
  }

  void llama32TiedWithExplicitHeadDim() {
    const lora::ModelConfig c = lora::load_model_config(config_path("llama32_1b_tied.json"));
    QCOMPARE(c.hidden_size, int64_t(2048));
    QCOMPARE(c.head_dim, int64_t(64));
    QVERIFY(c.tie_word_embeddings);
    QCOMPARE(c.rope_scaling.factor, 32.0);
    QCOMPARE(c.eos_token_ids, std::vector<int64_t>{128001});
  }

  void olderLlamaWithLinearScalingUnderTypeKey() {
    const lora::ModelConfig c = lora::load_model_config(config_path("llama2_linear_rope.json"));
    QCOMPARE(c.num_key_value_heads, int64_t(32));  // absent: one KV head per query head
    QCOMPARE(c.head_dim, int64_t(128));
    QCOMPARE(c.rope_theta, 10000.0);                // absent: transformers' default
    QCOMPARE(c.rope_scaling.type, std::string("linear"));
    QCOMPARE(c.rope_scaling.factor, 2.0);
    QCOMPARE(c.torch_dtype, std::string("float16"));
    QCOMPARE(c.bos_token_ids, std::vector<int64_t>{1});
    QCOMPARE(c.eos_token_ids, std::vector<int64_t>{2});
  }

  void transformers5RopeParametersAndDtype() {
    const lora::ModelConfig c = lora::load_model_config(config_path("llama_rope_parameters.json"));
    QCOMPARE(c.rope_theta, 500000.0);  // only inside rope_parameters
    QCOMPARE(c.rope_scaling.type, std::string("llama3"));
    QCOMPARE(c.rope_scaling.factor, 32.0);
    QCOMPARE(c.rope_scaling.original_max_position_embeddings, int64_t(8192));
    QCOMPARE(c.torch_dtype, std::string("bfloat16"));  // from "dtype"
    QCOMPARE(c.head_dim, int64_t(128));
    QCOMPARE(c.num_attention_heads, int64_t(24));
  }

  void ropeParametersPerLayerTypeAndDefaults() {
    // One dict per layer type, all the same: accepted.
    lora::ModelConfig c = lora::parse_model_config(
        tiny_config({{"rope_parameters",
                      QJsonObject{{"full_attention", QJsonObject{{"rope_type", "default"}, {"rope_theta", 1234.0}}}}}}),
        "per_layer.json");
    QCOMPARE(c.rope_theta, 1234.0);
    QVERIFY(c.rope_scaling.type.empty());
    // "default" and null both mean no scaling.
    c = lora::parse_model_config(tiny_config({{"rope_scaling", QJsonObject{{"rope_type", "default"}}}}), "d.json");
    QVERIFY(c.rope_scaling.type.empty());
    c = lora::parse_model_config(tiny_config({{"rope_scaling", QJsonValue()}}), "null.json");
    QVERIFY(c.rope_scaling.type.empty());
    QCOMPARE(c.rope_theta, 10000.0);
    // llama3 without original_max_position_embeddings: transformers 5 uses max_position_embeddings.
    c = lora::parse_model_config(
        tiny_config({{"max_position_embeddings", 4096},
                     {"rope_scaling", QJsonObject{{"rope_type", "llama3"}, {"factor", 8.0}, {"low_freq_factor", 1.0},
                                                  {"high_freq_factor", 4.0}}}}),
        "l3.json");
    QCOMPARE(c.rope_scaling.original_max_position_embeddings, int64_t(4096));
    expect_error(
        [] {
          lora::parse_model_config(
              tiny_config({{"rope_parameters",
                            QJsonObject{{"full_attention", QJsonObject{{"rope_theta", 1.0}}},
                                        {"sliding_attention", QJsonObject{{"rope_theta", 2.0}}}}}}),
              "two_ropes.json");
        },
        {"two_ropes.json", "rope_parameters", "per layer type"});
  }

  void qwen25HasQkvBiasAndNoSlidingWindow() {
    const lora::ModelConfig c = lora::load_model_config(config_path("qwen25_05b_instruct.json"));
    QCOMPARE(c.architecture, std::string("Qwen2ForCausalLM"));
    QCOMPARE(c.model_type, std::string("qwen2"));
    QVERIFY(c.qkv_bias);
    QVERIFY(!c.o_bias);
    QVERIFY(!c.mlp_bias);
    QVERIFY(c.tie_word_embeddings);
    QCOMPARE(c.num_attention_heads, int64_t(14));
    QCOMPARE(c.num_key_value_heads, int64_t(2));
    QCOMPARE(c.head_dim, int64_t(64));
    QCOMPARE(c.rope_theta, 1000000.0);
    QCOMPARE(c.rms_norm_eps, 1e-6);
    QCOMPARE(c.sliding_window, int64_t(0));  // sliding_window 32768 is ignored: use_sliding_window is false
    QCOMPARE(c.bos_token_ids, std::vector<int64_t>{151643});
    QCOMPARE(c.eos_token_ids, std::vector<int64_t>{151645});
  }

  void qwen15UsesQwen2Type() {
    const lora::ModelConfig c = lora::load_model_config(config_path("qwen15_05b_chat.json"));
    QCOMPARE(c.model_type, std::string("qwen2"));
    QCOMPARE(c.num_key_value_heads, int64_t(16));
    QCOMPARE(c.head_dim, int64_t(64));
    QVERIFY(c.qkv_bias);
    QCOMPARE(c.sliding_window, int64_t(0));
  }

  void qwen2SlidingWindowLayers() {
    const QJsonObject sliding{{"use_sliding_window", true}, {"sliding_window", 16}};
    QJsonObject all_layers = sliding;
    all_layers["max_window_layers"] = 0;
    QCOMPARE(lora::parse_model_config(tiny_config(all_layers, "qwen2"), "q.json").sliding_window, int64_t(16));
    QJsonObject no_layer = sliding;
    no_layer["max_window_layers"] = 2;  // = num_hidden_layers: every layer keeps full attention
    QCOMPARE(lora::parse_model_config(tiny_config(no_layer, "qwen2"), "q.json").sliding_window, int64_t(0));
    QJsonObject some_layers = sliding;
    some_layers["max_window_layers"] = 1;
    expect_error([&] { lora::parse_model_config(tiny_config(some_layers, "qwen2"), "mixed.json"); },
                 {"mixed.json", "max_window_layers", "not supported"});
    // Absent qwen2 token ids stay absent (Qwen2Config has no defaults for them).
    const lora::ModelConfig c = lora::parse_model_config(tiny_config({}, "qwen2"), "q.json");
    QVERIFY(c.bos_token_ids.empty());
    QVERIFY(c.eos_token_ids.empty());
    QCOMPARE(c.max_position_embeddings, int64_t(32768));
  }

  void mistralSlidingWindow() {
    const lora::ModelConfig v01 = lora::load_model_config(config_path("mistral_7b_v01.json"));
    QCOMPARE(v01.architecture, std::string("MistralForCausalLM"));
    QCOMPARE(v01.sliding_window, int64_t(4096));
    QCOMPARE(v01.num_key_value_heads, int64_t(8));
    QVERIFY(!v01.qkv_bias && !v01.o_bias);
    const lora::ModelConfig v03 = lora::load_model_config(config_path("mistral_7b_v03.json"));
    QCOMPARE(v03.sliding_window, int64_t(0));  // null: no window
    QCOMPARE(v03.vocab_size, int64_t(32768));
    QCOMPARE(v03.rope_theta, 1000000.0);
    // Absent: MistralConfig's default of 4096.
    QCOMPARE(lora::parse_model_config(tiny_config({}, "mistral"), "m.json").sliding_window, int64_t(4096));
    // Mistral's attention has no biases whatever attention_bias says (as in transformers).
    const lora::ModelConfig biased =
        lora::parse_model_config(tiny_config({{"attention_bias", true}}, "mistral"), "m.json");
    QVERIFY(!biased.qkv_bias && !biased.o_bias);
  }

  void llamaBiasesAndNullDefaults() {
    lora::ModelConfig c = lora::parse_model_config(
        tiny_config({{"attention_bias", true}, {"mlp_bias", true}, {"num_key_value_heads", QJsonValue()},
                     {"head_dim", QJsonValue()}, {"eos_token_id", QJsonValue()}, {"hidden_act", "swish"}}),
        "b.json");
    QVERIFY(c.qkv_bias && c.o_bias && c.mlp_bias);
    QCOMPARE(c.num_key_value_heads, int64_t(4));
    QCOMPARE(c.head_dim, int64_t(16));
    QVERIFY(c.eos_token_ids.empty());
    QCOMPARE(c.hidden_act, std::string("silu"));  // transformers maps swish to the same SiLU
    QCOMPARE(c.architecture, std::string("LlamaForCausalLM"));  // absent architectures
    QCOMPARE(c.torch_dtype, std::string("float32"));
    const lora::ModelConfig again = lora::parse_model_config(lora::model_config_to_json(c), "again.json");
    QVERIFY(again.qkv_bias && again.o_bias && again.mlp_bias);
  }

  void writerRefusesBiasesTheArchitectureCannotHave() {
    lora::ModelConfig qwen = lora::load_model_config(config_path("qwen25_05b_instruct.json"));
    qwen.qkv_bias = false;
    expect_error([&] { lora::model_config_to_json(qwen); }, {"qwen2", "q/k/v bias off"});
    lora::ModelConfig mistral = lora::load_model_config(config_path("mistral_7b_v01.json"));
    mistral.o_bias = true;
    expect_error([&] { lora::model_config_to_json(mistral); }, {"mistral", "o_proj bias on"});
    mistral.o_bias = false;
    mistral.model_type = "gemma";
    expect_error([&] { lora::model_config_to_json(mistral); }, {"\"gemma\""});
  }

  void badConfigs_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QStringList>("parts");
    QTest::newRow("missing field") << "missing_hidden_size.json"
                                   << QStringList{"missing required field 'hidden_size'"};
    QTest::newRow("string for int") << "hidden_size_string.json"
                                    << QStringList{"'hidden_size'", "a string (\"64\")", "positive integer"};
    QTest::newRow("string for bool") << "tie_not_bool.json" << QStringList{"'tie_word_embeddings'", "true or false"};
    QTest::newRow("string for number") << "eps_string.json" << QStringList{"'rms_norm_eps'", "positive number"};
    QTest::newRow("unknown model_type") << "model_type_gemma.json"
                                        << QStringList{"\"gemma\"", "not supported", "llama, qwen2, mistral"};
    QTest::newRow("no model_type") << "missing_model_type.json" << QStringList{"'model_type'", "llama, qwen2, mistral"};
    QTest::newRow("gelu") << "hidden_act_gelu.json" << QStringList{"gelu_pytorch_tanh", "silu"};
    QTest::newRow("yarn") << "rope_yarn.json" << QStringList{"rope_scaling", "\"yarn\"", "linear, llama3"};
    QTest::newRow("dynamic (type key)") << "rope_dynamic_old_key.json" << QStringList{"\"dynamic\"", "not supported"};
    QTest::newRow("llama3 incomplete") << "rope_llama3_incomplete.json"
                                       << QStringList{"'rope_scaling.high_freq_factor'"};
    QTest::newRow("kv heads") << "kv_heads_not_divisor.json" << QStringList{"num_key_value_heads 3", "8"};
    QTest::newRow("heads") << "heads_not_divisor.json" << QStringList{"hidden_size 60", "num_attention_heads 8"};
    QTest::newRow("eos string") << "eos_string.json" << QStringList{"'eos_token_id'", "token id"};
    QTest::newRow("not json") << "not_json.json" << QStringList{"not valid JSON"};
    QTest::newRow("not object") << "not_object.json" << QStringList{"expected a JSON object"};
  }

  void badConfigs() {
    QFETCH(QString, file);
    QFETCH(QStringList, parts);
    const std::string path = config_path("bad/" + file);
    parts << QString::fromStdString(path);  // every message names the file
    expect_error([&] { lora::load_model_config(path); }, parts);
  }

  void everyBadFixtureIsChecked() {
    const QStringList files = QDir(test_support::fixtures_dir() + "/config/bad").entryList({"*.json"});
    QCOMPARE(files.size(), 15);
  }

  void missingFileIsNamed() {
    expect_error([] { lora::load_model_config("/nonexistent/config.json"); }, {"/nonexistent/config.json"});
  }

  void writtenConfigReadsBackTheSame_data() {
    QTest::addColumn<QString>("file");
    for (const QString& name : QDir(test_support::fixtures_dir() + "/config").entryList({"*.json"}, QDir::Files))
      QTest::newRow(qPrintable(name)) << name;
  }

  void writtenConfigReadsBackTheSame() {
    QFETCH(QString, file);
    const lora::ModelConfig original = lora::load_model_config(config_path(file));
    const std::string text = lora::model_config_to_json(original);
    expect_same(lora::parse_model_config(text, "written.json"), original);

    // The fields transformers reads, under the names it reads them.
    const QJsonObject written = QJsonDocument::fromJson(QByteArray::fromStdString(text)).object();
    QCOMPARE(written["architectures"].toArray().first().toString().toStdString(), original.architecture);
    QCOMPARE(written["torch_dtype"].toString().toStdString(), original.torch_dtype);
    QCOMPARE(written["hidden_act"].toString(), QString("silu"));
    if (original.rope_scaling.type.empty()) {
      QVERIFY(written["rope_scaling"].isNull());
    } else {
      QCOMPARE(written["rope_scaling"].toObject()["rope_type"].toString().toStdString(), original.rope_scaling.type);
    }
    if (original.eos_token_ids.size() > 1) QVERIFY(written["eos_token_id"].isArray());
    if (original.model_type == "qwen2") {
      QCOMPARE(written["use_sliding_window"].toBool(), original.sliding_window > 0);
      QVERIFY(!written.contains("head_dim"));  // derived, as older Qwen2 code does
    } else {
      QCOMPARE(written["head_dim"].toInt(), int(original.head_dim));
    }
    if (original.model_type == "mistral" && original.sliding_window == 0) QVERIFY(written["sliding_window"].isNull());
  }
};

QTEST_GUILESS_MAIN(TestModelConfig)
#include "test_model_config.moc"
