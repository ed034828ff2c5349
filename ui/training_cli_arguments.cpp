#include "training_cli_arguments.h"

namespace ui {

namespace {

// Enough digits that the CLI reads back the same double.
QString number(double value) { return QString::number(value, 'g', 17); }

}  // namespace

QStringList trainingCliArguments(const lora::TrainingSettings& s) {
  QStringList args;
  auto text = [&](const char* option, const std::string& value) {
    if (!value.empty()) args << QStringLiteral("--%1").arg(QLatin1String(option)) << QString::fromStdString(value);
  };
  auto integer = [&](const char* option, qint64 value) {
    args << QStringLiteral("--%1").arg(QLatin1String(option)) << QString::number(value);
  };
  auto real = [&](const char* option, double value) {
    args << QStringLiteral("--%1").arg(QLatin1String(option)) << number(value);
  };
  auto flag = [&](const char* option, bool on) {
    if (on) args << QStringLiteral("--%1").arg(QLatin1String(option));
  };
  text("model", s.model_dir);
  text("dataset", s.dataset_path);
  text("eval-dataset", s.eval_dataset_path);
  text("output", s.output_dir);
  text("format", s.format);
  text("chat-template", s.chat_template);
  text("init-adapter", s.init_adapter);
  QStringList targets;
  for (const std::string& target : s.target_modules) targets << QString::fromStdString(target);
  if (!targets.isEmpty()) args << QStringLiteral("--target-modules") << targets.join(',');
  integer("rank", s.rank);
  real("alpha", s.alpha);
  real("dropout", s.dropout);
  flag("rslora", s.use_rslora);
  flag("dora", s.use_dora);
  real("lora-plus-ratio", s.lora_plus_ratio);
  integer("epochs", s.epochs);
  integer("max-steps", s.max_steps);
  real("lr", s.learning_rate);
  text("scheduler", s.scheduler);
  integer("warmup-steps", s.warmup_steps);
  text("optimizer", s.optimizer);
  real("weight-decay", s.weight_decay);
  real("max-grad-norm", s.max_grad_norm);
  integer("micro-batch-size", s.micro_batch_size);
  integer("batch-size", s.batch_size);
  integer("cutoff-len", s.cutoff_len);
  flag("drop-long", s.drop_long);
  flag("train-on-prompt", s.train_on_prompt);
  args << (s.add_eos ? QStringLiteral("--add-eos") : QStringLiteral("--no-add-eos"));
  flag("skip-bad-records", s.skip_bad_records);
  flag("no-group-by-length", !s.group_by_length);
  real("eval-split", s.eval_split);
  integer("eval-every", s.eval_every);
  integer("eval-samples", s.eval_samples);
  integer("eval-sample-tokens", s.eval_sample_tokens);
  integer("save-every", s.save_every);
  integer("log-every", s.log_every);
  real("stop-at-loss", s.stop_at_loss);
  integer("seed", static_cast<qint64>(s.seed));
  text("device", s.device);
  text("dtype", s.precision);
  flag("gradient-checkpointing", s.gradient_checkpointing);
  text("quantize", s.quantize);
  flag("double-quant", s.double_quant);
  integer("threads", s.threads);
  return args;
}

bool trainingSettingsNeedConfigFile(const lora::TrainingSettings& s) {
  const lora::TrainingSettings defaults;
  return s.adam_beta1 != defaults.adam_beta1 || s.adam_beta2 != defaults.adam_beta2 ||
         s.adam_epsilon != defaults.adam_epsilon || s.raw_text_overlap != defaults.raw_text_overlap;
}

}  // namespace ui
