// The `train` options that carry the training settings (engine/training/training_options.h): every
// setting goes to options and back unchanged, the options are the CLI's documented names with the
// defaults written out, bad values are refused naming the option, and `train --help` lists them all.
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QtTest>

#include <algorithm>
#include <cstdint>
#include <map>

#include "error.h"
#include "test_support.h"
#include "training_options.h"
#include "training_settings.h"

namespace {

// The options as a command line gives them: "--name value", or "--name" alone for a flag.
std::map<std::string, std::string> parse_words(const std::vector<std::string>& words) {
  std::map<std::string, std::string> given;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string name = words[i].substr(2);
    const bool has_value = i + 1 < words.size() && words[i + 1].rfind("--", 0) != 0;
    given[name] = has_value ? words[++i] : "";
  }
  return given;
}

lora::TrainingSettings apply(const std::map<std::string, std::string>& given) {
  lora::TrainingSettings settings;
  lora::apply_training_options(
      [&](const std::string& name) {
        const auto found = given.find(name);
        return found == given.end() ? std::nullopt : std::optional<std::string>(found->second);
      },
      settings);
  return settings;
}

QString json(const lora::TrainingSettings& settings) {
  return QString::fromStdString(lora::training_settings_to_json(settings));
}

// What apply() throws for `given`, in English ("" when it accepts them).
QString refusal(const std::map<std::string, std::string>& given) {
  try {
    apply(given);
  } catch (const lora::Error& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}

}  // namespace

class TestTrainingOptions : public QObject {
  Q_OBJECT

 private slots:
  // Every field off its default, doubles that need all 17 digits, integers past 32 bits and a seed
  // no double holds: the options give back the same settings.
  void every_setting_survives_the_options() {
    const lora::TrainingSettings s = lora::training_settings_from_json(R"({
      "model_dir": "/models/a model", "dataset_path": "data.jsonl", "eval_dataset_path": "eval.jsonl",
      "output_dir": "out", "format": "chat", "chat_template": "chatml", "init_adapter": "start",
      "target_modules": ["q_proj", "k_proj", "down_proj"], "rank": 5, "alpha": 0.30000000000000004,
      "dropout": 0.33333333333333331, "use_rslora": true, "use_dora": true, "lora_plus_ratio": 16,
      "epochs": 7, "max_steps": 11, "learning_rate": 1.2345678901234567e-4, "scheduler": "cosine",
      "warmup_steps": 13, "optimizer": "sgd", "weight_decay": 1e-300, "adam_beta1": 0.85, "adam_beta2": 0.95,
      "adam_epsilon": 1e-6, "max_grad_norm": 0.25, "micro_batch_size": 3, "batch_size": 9,
      "cutoff_len": 5000000000, "drop_long": true, "train_on_prompt": true, "add_eos": false,
      "skip_bad_records": true, "group_by_length": false, "raw_text_overlap": 17, "eval_split": 0.125,
      "eval_every": 19, "eval_samples": 2, "eval_sample_tokens": 23, "save_every": 29, "log_every": 31,
      "stop_at_loss": 0.7, "seed": 9007199254740993, "device": "cpu", "precision": "bfloat16",
      "gradient_checkpointing": true, "quantize": "nf4", "double_quant": true, "threads": 37})",
                                                                       "every setting");
    QCOMPARE(s.seed, uint64_t{9007199254740993});

    // Every setting the settings file holds is off its default here, so none is left untried.
    const QJsonObject set = QJsonDocument::fromJson(json(s).toUtf8()).object();
    const QJsonObject defaults = QJsonDocument::fromJson(json(lora::TrainingSettings{}).toUtf8()).object();
    QVERIFY(!defaults.isEmpty());
    for (const QString& key : defaults.keys()) QVERIFY2(set.value(key) != defaults.value(key), qPrintable(key));

    const std::vector<std::string> words = lora::training_settings_to_options(s);
    QCOMPARE(json(apply(parse_words(words))), json(s));
  }

  // The defaults as options: the CLI's names, every number written out (17 significant digits, as
  // Python's '%.17g' writes them), flags only where they are on.
  void defaults_are_written_out_under_the_cli_names() {
    lora::TrainingSettings s;
    s.model_dir = "m";
    const std::vector<std::string> expected = {
        "--model", "m", "--format", "alpaca-format", "--target-modules", "q_proj,v_proj", "--rank", "32",
        "--alpha", "64", "--dropout", "0.050000000000000003", "--lora-plus-ratio", "1", "--epochs", "3",
        "--max-steps", "0", "--lr", "0.00029999999999999997", "--scheduler", "linear", "--warmup-steps", "0",
        "--optimizer", "adamw_torch", "--weight-decay", "0", "--adam-beta1", "0.90000000000000002",
        "--adam-beta2", "0.999", "--adam-epsilon", "1e-08", "--max-grad-norm", "1", "--micro-batch-size", "4",
        "--batch-size", "16", "--cutoff-len", "256", "--add-eos", "--raw-text-overlap", "128", "--eval-split", "0",
        "--eval-every", "0", "--eval-samples", "3", "--eval-sample-tokens", "64", "--save-every", "0",
        "--log-every", "1", "--stop-at-loss", "0", "--seed", "42", "--device", "auto", "--dtype", "auto",
        "--quantize", "none", "--threads", "0"};
    QCOMPARE(lora::training_settings_to_options(s), expected);
    // Off: --no-add-eos and --no-group-by-length.
    s.add_eos = false;
    s.group_by_length = false;
    const std::vector<std::string> off = lora::training_settings_to_options(s);
    QVERIFY(std::find(off.begin(), off.end(), "--no-add-eos") != off.end());
    QVERIFY(std::find(off.begin(), off.end(), "--add-eos") == off.end());
    QVERIFY(std::find(off.begin(), off.end(), "--no-group-by-length") != off.end());
  }

  // What a person types: short dtype names, a list with a stray comma, both EOS flags.
  void typed_options_mean_what_they_say() {
    QCOMPARE(apply({{"dtype", "bf16"}}).precision, std::string("bfloat16"));
    QCOMPARE(apply({{"dtype", "fp32"}}).precision, std::string("float32"));
    QCOMPARE(apply({{"dtype", "float64"}}).precision, std::string("float64"));  // validate() refuses it, listing auto
    QCOMPARE(apply({{"target-modules", "q_proj,,o_proj,"}}).target_modules, (std::vector<std::string>{"q_proj", "o_proj"}));
    QCOMPARE(apply({{"add-eos", ""}, {"no-add-eos", ""}}).add_eos, false);
    QCOMPARE(apply({{"no-group-by-length", ""}}).group_by_length, false);
    QCOMPARE(apply({{"rslora", ""}}).use_rslora, true);
    QCOMPARE(apply({{"seed", "9223372036854775807"}}).seed, uint64_t{9223372036854775807u});
    QCOMPARE(apply({{"adam-epsilon", "1e-10"}}).adam_epsilon, 1e-10);
    QCOMPARE(apply({{"raw-text-overlap", "0"}}).raw_text_overlap, int64_t{0});
  }

  void bad_values_name_the_option_and_what_it_expects() {
    QCOMPARE(refusal({{"rank", "4x"}}), QString("option --rank expects an integer, got '4x'"));
    QCOMPARE(refusal({{"rank", "4.5"}}), QString("option --rank expects an integer, got '4.5'"));
    QCOMPARE(refusal({{"threads", "3000000000"}}), QString("option --threads expects an integer, got '3000000000'"));
    QCOMPARE(refusal({{"seed", ""}}), QString("option --seed expects an integer, got ''"));
    // A seed the run's training_parameters.json could not hold, so a resume could not read it back.
    QCOMPARE(refusal({{"seed", "-1"}}), QString("option --seed expects a whole number from 0 to 9223372036854775807, got '-1'"));
    QCOMPARE(refusal({{"adam-beta2", "high"}}), QString("option --adam-beta2 expects a number, got 'high'"));
    QCOMPARE(refusal({{"lr", "1e-4,"}}), QString("option --lr expects a number, got '1e-4,'"));
    QCOMPARE(refusal({{"raw-text-overlap", "many"}}), QString("option --raw-text-overlap expects an integer, got 'many'"));
  }

  // The CLI takes them all, lists them all in `train --help`, and reports a bad one as the engine does.
  void the_cli_lists_and_checks_every_option() {
    const auto help = test_support::run_cli({"train", "--help"});
    QCOMPARE(help.exit_code, 0);
    for (const lora::TrainingOption& option : lora::training_options()) {
      const QString name = QString::fromLatin1(option.name);
      QVERIFY2(QRegularExpression("--" + QRegularExpression::escape(name) + "(?![\\w-])").match(QString::fromUtf8(help.out)).hasMatch(),
               qPrintable(name));
    }
    const auto bad = test_support::run_cli({"train", "--model", "m", "--dataset", "d", "--output", "o", "--adam-beta1", "x"});
    QCOMPARE(bad.exit_code, 1);
    QCOMPARE(bad.err, QByteArray("error: option --adam-beta1 expects a number, got 'x'\n"));
  }
};

QTEST_GUILESS_MAIN(TestTrainingOptions)
#include "test_training_options.moc"
