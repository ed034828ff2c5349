// config.json of every model family (Llama, Qwen2 (Qwen1.5, Qwen2.5), Mistral, Qwen3, Gemma 3 text
// and multimodal, Phi-3 / Phi-4): every field the engine uses, the defaults transformers applies
// (model_family_<name>.cpp), clear errors for broken files naming what is supported, and a writer
// whose output reads back to the same configuration.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "atomic_file.h"
#include "error.h"
#include "model_config.h"
#include "model_family.h"
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
  // The family structure.
  QVERIFY(a.norm_style == b.norm_style);
  QCOMPARE(a.qk_norm, b.qk_norm);
  QCOMPARE(a.sandwich_norms, b.sandwich_norms);
  QCOMPARE(a.scale_embeddings, b.scale_embeddings);
  QCOMPARE(a.attention_scale(), b.attention_scale());
  QCOMPARE(a.final_logit_softcapping, b.final_logit_softcapping);
  QCOMPARE(a.attn_logit_softcapping, b.attn_logit_softcapping);
  QCOMPARE(a.fused_qkv, b.fused_qkv);
  QCOMPARE(a.fused_gate_up, b.fused_gate_up);
  QCOMPARE(a.rotary_dim(), b.rotary_dim());
  for (int64_t layer = 0; layer < a.num_hidden_layers; ++layer)
    QCOMPARE(a.attention_window(layer), b.attention_window(layer));
  QCOMPARE(a.sliding_rope_theta, b.sliding_rope_theta);
  QCOMPARE(a.sliding_rope_scaling.type, b.sliding_rope_scaling.type);
  QCOMPARE(a.rope_scaling.short_factor, b.rope_scaling.short_factor);
  QCOMPARE(a.rope_scaling.long_factor, b.rope_scaling.long_factor);
  QCOMPARE(a.rope_scaling.attention_factor, b.rope_scaling.attention_factor);
}

int64_t sliding_layers(const lora::ModelConfig& c) {
  int64_t count = 0;
  for (int64_t layer = 0; layer < c.num_hidden_layers; ++layer) count += c.layer_is_sliding(layer) ? 1 : 0;
  return count;
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
                                        << QStringList{"\"gemma\"", "not supported",
                                                       "llama, qwen2, mistral, qwen3, gemma3_text, gemma3, phi3"};
    QTest::newRow("no model_type") << "missing_model_type.json"
                                   << QStringList{"'model_type'", "llama, qwen2, mistral, qwen3, gemma3_text, gemma3, phi3"};
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

    // The fields transformers reads, under the names it reads them (a multimodal Gemma 3's text
    // model's fields inside text_config).
    const QJsonObject written = QJsonDocument::fromJson(QByteArray::fromStdString(text)).object();
    const QJsonObject text_fields = written.contains("text_config") ? written["text_config"].toObject() : written;
    QCOMPARE(written["model_type"].toString().toStdString(), original.model_type);
    QCOMPARE(written["architectures"].toArray().first().toString().toStdString(), original.architecture);
    QCOMPARE(written["torch_dtype"].toString().toStdString(), original.torch_dtype);
    const bool gemma = original.model_type == "gemma3" || original.model_type == "gemma3_text";
    if (gemma) {
      QCOMPARE(text_fields["hidden_activation"].toString(), QString("gelu_pytorch_tanh"));
      QCOMPARE(text_fields["model_type"].toString(), QString("gemma3_text"));
      QCOMPARE(text_fields["layer_types"].toArray().size(), int(original.num_hidden_layers));
    } else {
      QCOMPARE(written["hidden_act"].toString(), QString("silu"));
    }
    if (original.rope_scaling.type.empty()) {
      QVERIFY(text_fields["rope_scaling"].isNull());
    } else {
      QCOMPARE(text_fields["rope_scaling"].toObject()["rope_type"].toString().toStdString(), original.rope_scaling.type);
    }
    if (original.eos_token_ids.size() > 1) QVERIFY(written["eos_token_id"].isArray());
    const bool derived_head_dim = original.head_dim * original.num_attention_heads == original.hidden_size;
    if (original.model_type == "qwen2" || (original.model_type == "phi3" && derived_head_dim)) {
      if (original.model_type == "qwen2") QCOMPARE(written["use_sliding_window"].toBool(), original.sliding_window > 0);
      QVERIFY(!written.contains("head_dim"));  // derived, as older Qwen2 code and Phi3Config do
    } else {
      QCOMPARE(text_fields["head_dim"].toInt(), int(original.head_dim));
    }
    if ((original.model_type == "mistral" || original.model_type == "phi3") && original.sliding_window == 0)
      QVERIFY(written["sliding_window"].isNull());
    if (original.model_type == "gemma3") {
      // What the engine does not run is written back as it came.
      const QJsonObject source = QJsonDocument::fromJson(QByteArray::fromStdString(
                                     lora::read_text_file(config_path(file)))).object();
      QCOMPARE(written["vision_config"], source["vision_config"]);
      QCOMPARE(written["image_token_index"], source["image_token_index"]);
    }
  }

  // --- The newer families ---

  void qwen3HasHeadDimQkNormsAndTiedEmbeddings() {
    const lora::ModelConfig c = lora::load_model_config(config_path("qwen3_06b.json"));
    QCOMPARE(c.architecture, std::string("Qwen3ForCausalLM"));
    QCOMPARE(c.model_type, std::string("qwen3"));
    QCOMPARE(c.hidden_size, int64_t(1024));
    QCOMPARE(c.num_attention_heads, int64_t(16));
    QCOMPARE(c.num_key_value_heads, int64_t(8));
    QCOMPARE(c.head_dim, int64_t(128));  // not hidden_size / heads (64)
    QCOMPARE(c.attention_scale(), 1.0 / std::sqrt(128.0));
    QVERIFY(c.qk_norm);
    QVERIFY(c.norm_style == lora::NormStyle::Weight);
    QVERIFY(!c.sandwich_norms && !c.scale_embeddings && !c.fused_qkv && !c.fused_gate_up);
    QVERIFY(!c.qkv_bias && !c.o_bias && !c.mlp_bias);
    QVERIFY(c.tie_word_embeddings);
    QCOMPARE(c.rope_theta, 1000000.0);
    QCOMPARE(c.max_position_embeddings, int64_t(40960));
    QCOMPARE(sliding_layers(c), int64_t(0));  // use_sliding_window false
    QCOMPARE(c.bos_token_ids, std::vector<int64_t>{151643});
    QCOMPARE(c.eos_token_ids, std::vector<int64_t>{151645});
  }

  void qwen3DefaultsAndSlidingLayers() {
    // Absent fields take Qwen3Config's defaults (the 8B's shape), not hidden / heads.
    lora::ModelConfig c = lora::parse_model_config(R"({"model_type": "qwen3"})", "q3.json");
    QCOMPARE(c.vocab_size, int64_t(151936));
    QCOMPARE(c.hidden_size, int64_t(4096));
    QCOMPARE(c.intermediate_size, int64_t(22016));
    QCOMPARE(c.num_hidden_layers, int64_t(32));
    QCOMPARE(c.num_key_value_heads, int64_t(32));
    QCOMPARE(c.head_dim, int64_t(128));
    QCOMPARE(c.max_position_embeddings, int64_t(32768));
    QCOMPARE(c.rope_theta, 10000.0);
    QCOMPARE(c.rms_norm_eps, 1e-6);
    QVERIFY(!c.tie_word_embeddings);
    QVERIFY(c.bos_token_ids.empty() && c.eos_token_ids.empty());
    // null key/value heads: one per query head.
    c = lora::parse_model_config(R"({"model_type": "qwen3", "num_attention_heads": 8, "num_key_value_heads": null})",
                                 "q3.json");
    QCOMPARE(c.num_key_value_heads, int64_t(8));
    // attention_bias puts biases on q, k, v and o.
    // Absent key/value heads are Qwen3Config's 32, not one per query head.
    expect_error([] { lora::parse_model_config(tiny_config({}, "qwen3"), "kv.json"); },
                 {"kv.json", "num_key_value_heads 32"});
    c = lora::parse_model_config(tiny_config({{"attention_bias", true}, {"num_key_value_heads", 2}}, "qwen3"), "q3.json");
    QVERIFY(c.qkv_bias && c.o_bias);
    // A window in the layers from max_window_layers on, when use_sliding_window is set.
    c = lora::parse_model_config(tiny_config({{"num_hidden_layers", 4}, {"num_key_value_heads", 2}, {"use_sliding_window", true},
                                              {"sliding_window", 16}, {"max_window_layers", 1}},
                                             "qwen3"),
                                 "q3.json");
    QCOMPARE(c.attention_window(0), int64_t(0));
    QCOMPARE(c.attention_window(1), int64_t(16));
    QCOMPARE(c.attention_window(3), int64_t(16));
    const lora::ModelConfig again = lora::parse_model_config(lora::model_config_to_json(c), "again.json");
    expect_same(again, c);
    // Without use_sliding_window the window is ignored.
    c = lora::parse_model_config(
        tiny_config({{"sliding_window", 16}, {"max_window_layers", 0}, {"num_key_value_heads", 2}}, "qwen3"), "q3.json");
    QCOMPARE(sliding_layers(c), int64_t(0));
    expect_error([] {
      lora::parse_model_config(tiny_config({{"partial_rotary_factor", 0.5}, {"num_key_value_heads", 2}}, "qwen3"),
                               "p.json");
    },
                 {"p.json", "partial_rotary_factor", "qwen3"});
  }

  void gemma3TextLayersNormsAndRope() {
    const lora::ModelConfig c = lora::load_model_config(config_path("gemma3_1b_it.json"));
    QCOMPARE(c.architecture, std::string("Gemma3ForCausalLM"));
    QCOMPARE(c.model_type, std::string("gemma3_text"));
    QCOMPARE(c.hidden_act, std::string("gelu_pytorch_tanh"));
    QCOMPARE(c.head_dim, int64_t(256));
    QCOMPARE(c.num_key_value_heads, int64_t(1));
    QCOMPARE(c.vocab_size, int64_t(262144));
    QVERIFY(c.norm_style == lora::NormStyle::OnePlusWeight);
    QVERIFY(c.qk_norm && c.sandwich_norms && c.scale_embeddings);
    QCOMPARE(c.attention_scale(), 1.0 / 16.0);  // query_pre_attn_scalar 256
    QCOMPARE(c.rope_theta, 1000000.0);
    QCOMPARE(c.sliding_rope_theta, 10000.0);  // rope_local_base_freq
    QVERIFY(c.rope_scaling.type.empty() && c.sliding_rope_scaling.type.empty());
    // sliding_window_pattern 6: layers 5, 11, 17, 23 are global, the other 22 slide over 512 tokens.
    QCOMPARE(sliding_layers(c), int64_t(22));
    for (int64_t layer : {5, 11, 17, 23}) QCOMPARE(c.attention_window(layer), int64_t(0));
    QCOMPARE(c.attention_window(0), int64_t(512));
    QCOMPARE(c.attention_window(25), int64_t(512));
    QVERIFY(c.tie_word_embeddings);  // Gemma3TextConfig's default
    QCOMPARE(c.final_logit_softcapping, 0.0);
    QCOMPARE(c.bos_token_ids, std::vector<int64_t>{2});
    QCOMPARE(c.eos_token_ids, (std::vector<int64_t>{1, 106}));
    QCOMPARE(c.torch_dtype, std::string("bfloat16"));
  }

  void gemma3MultimodalReadsTextConfigWithDefaults() {
    const lora::ModelConfig c = lora::load_model_config(config_path("gemma3_4b_it.json"));
    QCOMPARE(c.architecture, std::string("Gemma3ForConditionalGeneration"));
    QCOMPARE(c.model_type, std::string("gemma3"));
    QCOMPARE(c.hidden_size, int64_t(2560));
    QCOMPARE(c.intermediate_size, int64_t(10240));
    QCOMPARE(c.num_hidden_layers, int64_t(34));
    // What text_config leaves out: Gemma3TextConfig's defaults.
    QCOMPARE(c.num_attention_heads, int64_t(8));
    QCOMPARE(c.num_key_value_heads, int64_t(4));
    QCOMPARE(c.head_dim, int64_t(256));
    QCOMPARE(c.vocab_size, int64_t(262208));
    QCOMPARE(c.max_position_embeddings, int64_t(131072));
    QCOMPARE(c.rms_norm_eps, 1e-6);
    QCOMPARE(c.attention_scale(), 1.0 / 16.0);
    QCOMPARE(c.hidden_act, std::string("gelu_pytorch_tanh"));
    // Linear scaling for the global layers; the sliding ones keep their own base without scaling.
    QCOMPARE(c.rope_scaling.type, std::string("linear"));
    QCOMPARE(c.rope_scaling.factor, 8.0);
    QCOMPARE(c.rope_theta, 1000000.0);
    QCOMPARE(c.sliding_rope_theta, 10000.0);
    QVERIFY(c.sliding_rope_scaling.type.empty());
    QCOMPARE(c.sliding_window, int64_t(1024));
    QCOMPARE(sliding_layers(c), int64_t(34 - 5));  // layers 5, 11, 17, 23, 29 are global
    QVERIFY(c.tie_word_embeddings);
    QCOMPARE(c.torch_dtype, std::string("bfloat16"));  // the top level's
    QCOMPARE(c.eos_token_ids, (std::vector<int64_t>{1, 106}));
    // Gemma3ForConditionalGeneration applies no final soft-capping, whatever text_config says.
    QJsonObject root = QJsonDocument::fromJson(QByteArray::fromStdString(
                           lora::read_text_file(config_path("gemma3_4b_it.json")))).object();
    QJsonObject text = root["text_config"].toObject();
    text["final_logit_softcapping"] = 30.0;
    root["text_config"] = text;
    QCOMPARE(lora::parse_model_config(QJsonDocument(root).toJson().toStdString(), "mm.json").final_logit_softcapping,
             0.0);
    // The layout the weights may have.
    const lora::ModelFamily& family = lora::model_family_for("gemma3", "mm.json");
    QCOMPARE(family.name, std::string("gemma3"));
    const std::vector<lora::WeightLayout> layouts = family.layouts(c);
    QCOMPARE(layouts.size(), size_t(2));
    QCOMPARE(layouts[0].embedding(), std::string("model.language_model.embed_tokens.weight"));
    QCOMPARE(layouts[1].embedding(), std::string("language_model.model.embed_tokens.weight"));
    QCOMPARE(layouts[1].lm_head, std::string("language_model.lm_head"));
    QVERIFY(lora::is_foreign_tensor(c, "vision_tower.vision_model.post_layernorm.weight"));
    QVERIFY(lora::is_foreign_tensor(c, "model.multi_modal_projector.mm_input_projection_weight"));
    QVERIFY(!lora::is_foreign_tensor(c, "language_model.model.norm.weight"));
    QCOMPARE(lora::module_path_in_layout(c, layouts[1], "model.language_model.layers.3.mlp.up_proj"),
             std::string("language_model.model.layers.3.mlp.up_proj"));
    QCOMPARE(lora::module_path_in_layout(c, layouts[0], "language_model.lm_head"), std::string("lm_head"));
  }

  void gemma3RopeParametersPerLayerType() {
    // transformers 5: one rope dict per layer type.
    const lora::ModelConfig c = lora::load_model_config(config_path("gemma3_rope_parameters.json"));
    QCOMPARE(c.rope_theta, 1000000.0);
    QCOMPARE(c.rope_scaling.type, std::string("linear"));
    QCOMPARE(c.rope_scaling.factor, 8.0);
    QCOMPARE(c.sliding_rope_theta, 10000.0);
    QVERIFY(c.sliding_rope_scaling.type.empty());
    QCOMPARE(c.attention_window(1), int64_t(1024));
    QCOMPARE(c.attention_window(2), int64_t(0));  // layer_types wins over any pattern
    QCOMPARE(c.torch_dtype, std::string("bfloat16"));
    // Scaling on the sliding layers as well: written back in the same per-layer form.
    const lora::ModelConfig both = lora::parse_model_config(
        R"({"model_type": "gemma3_text", "num_hidden_layers": 2, "rope_parameters": {
              "full_attention": {"rope_type": "linear", "factor": 8.0, "rope_theta": 1000000.0},
              "sliding_attention": {"rope_type": "linear", "factor": 2.0, "rope_theta": 10000.0}}})",
        "both.json");
    QCOMPARE(both.sliding_rope_scaling.type, std::string("linear"));
    QCOMPARE(both.sliding_rope_scaling.factor, 2.0);
    const lora::ModelConfig again = lora::parse_model_config(lora::model_config_to_json(both), "again.json");
    expect_same(again, both);
    QCOMPARE(again.sliding_rope_scaling.factor, 2.0);
    QCOMPARE(again.rope_scaling.factor, 8.0);
  }

  void gemma3DefaultsAndRefusals() {
    const lora::ModelConfig c = lora::parse_model_config(R"({"model_type": "gemma3_text"})", "g.json");
    QCOMPARE(c.hidden_size, int64_t(2304));
    QCOMPARE(c.num_hidden_layers, int64_t(26));
    QCOMPARE(c.head_dim, int64_t(256));
    QCOMPARE(c.sliding_window, int64_t(4096));
    QCOMPARE(c.rope_theta, 1000000.0);
    QCOMPARE(c.sliding_rope_theta, 10000.0);
    QCOMPARE(c.max_position_embeddings, int64_t(131072));
    QVERIFY(c.tie_word_embeddings);
    QCOMPARE(c.bos_token_ids, std::vector<int64_t>{2});
    QCOMPARE(c.eos_token_ids, std::vector<int64_t>{1});
    const lora::ModelConfig softcapped =
        lora::parse_model_config(R"({"model_type": "gemma3_text", "final_logit_softcapping": 30.0})", "g.json");
    QCOMPARE(softcapped.final_logit_softcapping, 30.0);
    expect_error([] { lora::parse_model_config(R"({"model_type": "gemma3_text", "hidden_activation": "gelu"})", "a.json"); },
                 {"a.json", "hidden_activation", "\"gelu\"", "gelu_pytorch_tanh"});
    expect_error([] { lora::parse_model_config(R"({"model_type": "gemma3", "text_config": 3})", "mm.json"); },
                 {"mm.json", "'text_config'", "an object"});
    expect_error([] { lora::parse_model_config(R"({"model_type": "gemma3", "text_config": {"hidden_size": "x"}})",
                                               "mm.json"); },
                 {"mm.json", "'text_config.hidden_size'", "positive integer"});
    expect_error([] { lora::parse_model_config(R"({"model_type": "gemma3_text", "layer_types": ["full_attention"]})",
                                               "lt.json"); },
                 {"lt.json", "'layer_types'", "26 entries"});
    expect_error(
        [] {
          lora::parse_model_config(R"({"model_type": "gemma3_text", "use_bidirectional_attention": true})", "b.json");
        },
        {"b.json", "use_bidirectional_attention"});
  }

  void phi3FusesProjections() {
    const lora::ModelConfig c = lora::load_model_config(config_path("phi3_mini_4k_instruct.json"));
    QCOMPARE(c.architecture, std::string("Phi3ForCausalLM"));
    QCOMPARE(c.model_type, std::string("phi3"));
    QVERIFY(c.fused_qkv && c.fused_gate_up);
    QVERIFY(!c.qk_norm && !c.sandwich_norms && !c.scale_embeddings);
    QCOMPARE(c.head_dim, int64_t(96));
    QCOMPARE(c.rotary_dim(), int64_t(96));
    QCOMPARE(c.sliding_window, int64_t(2047));
    QCOMPARE(sliding_layers(c), int64_t(32));
    QVERIFY(c.rope_scaling.type.empty());
    QCOMPARE(c.original_max_position_embeddings, int64_t(4096));
    QVERIFY(!c.tie_word_embeddings);
    QCOMPARE(c.eos_token_ids, std::vector<int64_t>{32000});
    const lora::ModelFamily& family = lora::model_family_for("phi3", "p.json");
    QCOMPARE(family.lora_targets(c), (std::vector<std::string>{"qkv_proj", "o_proj", "gate_up_proj", "down_proj"}));
  }

  void phi4MiniPartialRotaryAndLongrope() {
    const lora::ModelConfig c = lora::load_model_config(config_path("phi4_mini_instruct.json"));
    QCOMPARE(c.num_attention_heads, int64_t(24));
    QCOMPARE(c.num_key_value_heads, int64_t(8));
    QCOMPARE(c.head_dim, int64_t(128));
    QCOMPARE(c.partial_rotary_factor, 0.75);
    QCOMPARE(c.rotary_dim(), int64_t(96));
    QCOMPARE(c.rope_scaling.type, std::string("longrope"));  // from the older "type" key
    QCOMPARE(c.rope_scaling.short_factor.size(), size_t(48));
    QCOMPARE(c.rope_scaling.long_factor.size(), size_t(48));
    QCOMPARE(c.rope_scaling.long_factor[2], 2.0);
    QCOMPARE(c.rope_scaling.original_max_position_embeddings, int64_t(4096));  // the top-level field
    QCOMPARE(c.rope_scaling.factor, 32.0);                  // 131072 / 4096, as transformers derives it
    QCOMPARE(c.rope_scaling.attention_factor, 0.0);          // derived when the cos/sin tables are made
    QVERIFY(c.tie_word_embeddings);
    QCOMPARE(c.sliding_window, int64_t(262144));
  }

  void phi3DefaultsAndRefusals() {
    lora::ModelConfig c = lora::parse_model_config(R"({"model_type": "phi3"})", "p.json");
    QCOMPARE(c.vocab_size, int64_t(32064));
    QCOMPARE(c.hidden_size, int64_t(3072));
    QCOMPARE(c.num_key_value_heads, int64_t(32));
    QCOMPARE(c.max_position_embeddings, int64_t(4096));
    QCOMPARE(c.original_max_position_embeddings, int64_t(4096));
    QCOMPARE(c.rms_norm_eps, 1e-5);
    QCOMPARE(c.sliding_window, int64_t(0));  // null by default
    QCOMPARE(c.bos_token_ids, std::vector<int64_t>{1});
    QCOMPARE(c.eos_token_ids, std::vector<int64_t>{32000});
    // "su" is the older name of longrope.
    c = lora::parse_model_config(
        tiny_config({{"rope_scaling", QJsonObject{{"type", "su"}, {"short_factor", QJsonArray{1, 1, 1, 1, 1, 1, 1, 1}},
                                                  {"long_factor", QJsonArray{2, 2, 2, 2, 2, 2, 2, 2}}}}},
                    "phi3"),
        "su.json");
    QCOMPARE(c.rope_scaling.type, std::string("longrope"));
    expect_error([] { lora::parse_model_config(tiny_config({{"rope_scaling", QJsonObject{{"rope_type", "linear"},
                                                                                         {"factor", 2.0}}}},
                                                           "phi3"),
                                               "lin.json"); },
                 {"lin.json", "\"linear\"", "phi3", "longrope"});
    expect_error(
        [] {
          lora::parse_model_config(
              tiny_config({{"rope_scaling", QJsonObject{{"type", "longrope"}, {"short_factor", QJsonArray{1, 1}},
                                                        {"long_factor", QJsonArray{2, 2}}}}},
                          "phi3"),
              "short.json");
        },
        {"short.json", "short_factor", "has 2 entries; expected 8"});
    expect_error([] { lora::parse_model_config(tiny_config({{"partial_rotary_factor", 0.1}}, "phi3"), "prf.json"); },
                 {"prf.json", "partial_rotary_factor", "rotary channels"});
  }

  void registryListsEveryFamilyOnce() {
    QCOMPARE(lora::supported_model_types(), std::string("llama, qwen2, mistral, qwen3, gemma3_text, gemma3, phi3"));
    std::set<std::string> types;
    for (const lora::ModelFamily* family : lora::model_families()) {
      QVERIFY(!family->display_name.empty());
      for (const std::string& type : family->model_types) {
        QVERIFY2(types.insert(type).second, type.c_str());
        QCOMPARE(lora::find_model_family(type), family);
      }
    }
    QVERIFY(!lora::find_model_family("gemma"));
    const std::vector<std::string> targets = lora::all_lora_target_names();
    for (const char* name : {"q_proj", "down_proj", "qkv_proj", "gate_up_proj"})
      QVERIFY2(std::find(targets.begin(), targets.end(), name) != targets.end(), name);
    expect_error([] { lora::model_family_for("mamba", "m.json"); },
                 {"m.json", "model_type \"mamba\" is not supported", "qwen3, gemma3_text, gemma3, phi3"});
  }
};

QTEST_GUILESS_MAIN(TestModelConfig)
#include "test_model_config.moc"
