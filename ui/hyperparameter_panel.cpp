#include "hyperparameter_panel.h"

#include "app_session.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

#include "error.h"
#include "gguf_model_import.h"
#include "model_info.h"
#include "engine_messages.h"
#include "hyperparameter_validators.h"
#include "lr_schedule.h"

namespace ui {

namespace {

const char* const kTargetModules[] = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
const char* const kAllLinear = "all-linear";

QString formatLearningRate(double value) {
  // 0.0003 reads better as 3e-4, the way the article and the HF docs write it.
  if (value > 0 && value < 1e-2) {
    QString text = QString::number(value, 'e', 6);
    // Trim "3.000000e-04" to "3e-4".
    const int e = text.indexOf('e');
    QString mantissa = text.left(e), exponent = text.mid(e + 1);
    if (mantissa.contains('.')) {
      while (mantissa.endsWith('0')) mantissa.chop(1);
      if (mantissa.endsWith('.')) mantissa.chop(1);
    }
    const int exp = exponent.toInt();
    return mantissa + "e" + QString::number(exp);
  }
  return QString::number(value, 'g', 8);
}

QLabel* makeHintLabel(QWidget* parent, const char* object_name) {
  auto* label = new QLabel(parent);
  label->setObjectName(object_name);
  label->setWordWrap(true);
  label->setStyleSheet("color: #c0392b;");
  label->hide();
  return label;
}

}  // namespace

HyperparameterPanel::HyperparameterPanel(QWidget* parent) : QWidget(parent) {
  buildLayout();
  addTooltips();
  setSettings(lora::TrainingSettings{});
}

QString HyperparameterPanel::adaptersRoot() { return AppSession::adaptersDir(); }

void HyperparameterPanel::buildLayout() {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);

  layout->addWidget(buildAdapterGroup());
  layout->addWidget(buildDataGroup());
  layout->addWidget(buildLoraGroup());
  layout->addWidget(buildScheduleGroup());
  layout->addWidget(buildControlGroup());
  layout->addWidget(buildComputeGroup());
  layout->addStretch(1);

  connectEdits();
}

// Adapter: its name and where it goes.
QGroupBox* HyperparameterPanel::buildAdapterGroup() {
  auto* adapter_group = new QGroupBox(tr("Adapter"), this);
  auto* adapter_form = new QFormLayout(adapter_group);
  adapter_name_ = new QLineEdit(adapter_group);
  adapter_name_->setObjectName("adapterName");
  adapter_name_->setValidator(new AdapterNameValidator(adapter_name_));
  adapter_name_->setPlaceholderText(tr("e.g. my-first-lora"));
  name_hint_ = makeHintLabel(adapter_group, "adapterNameHint");
  output_dir_label_ = new QLabel(adapter_group);
  output_dir_label_->setObjectName("outputDir");
  output_dir_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  output_dir_label_->setWordWrap(true);
  adapter_form->addRow(tr("Name:"), adapter_name_);
  adapter_form->addRow(QString(), name_hint_);
  adapter_form->addRow(tr("Saved in:"), output_dir_label_);
  // A refused keystroke is explained, and the explanation stays long enough to be read.
  name_hint_timer_ = new QTimer(this);
  name_hint_timer_->setSingleShot(true);
  name_hint_timer_->setInterval(6000);
  connect(name_hint_timer_, &QTimer::timeout, this, &HyperparameterPanel::updateInlineHints);
  connect(adapter_name_, &QLineEdit::inputRejected, this, [this] {
    name_hint_->setText(tr("An adapter name cannot contain any of: %1").arg(AdapterNameValidator::forbiddenCharacters()));
    name_hint_->show();
    name_hint_timer_->start();
  });
  return adapter_group;
}

// Data: the base model and what it learns from.
QGroupBox* HyperparameterPanel::buildDataGroup() {
  auto* data_group = new QGroupBox(tr("Model and data"), this);
  auto* data_form = new QFormLayout(data_group);
  auto pathRow = [&](QLineEdit*& edit, const char* name, const char* button_name, void (HyperparameterPanel::*browse)()) {
    auto* row = new QWidget(data_group);
    auto* row_layout = new QHBoxLayout(row);
    row_layout->setContentsMargins(0, 0, 0, 0);
    edit = new QLineEdit(row);
    edit->setObjectName(name);
    auto* button = new QPushButton(tr("Browse…"), row);
    button->setObjectName(button_name);
    row_layout->addWidget(edit, 1);
    row_layout->addWidget(button);
    connect(button, &QPushButton::clicked, this, browse);
    return row;
  };
  data_form->addRow(tr("Base model:"), pathRow(model_dir_, "modelDir", "browseModel", &HyperparameterPanel::browseModel));
  model_hint_ = makeHintLabel(data_group, "modelDirHint");
  data_form->addRow(QString(), model_hint_);
  data_form->addRow(tr("Dataset:"), pathRow(dataset_path_, "datasetPath", "browseDataset", &HyperparameterPanel::browseDataset));
  dataset_hint_ = makeHintLabel(data_group, "datasetPathHint");
  data_form->addRow(QString(), dataset_hint_);
  format_ = new QComboBox(data_group);
  format_->setObjectName("format");
  format_->setEditable(true);
  format_->addItems({"alpaca-format", "chat"});
  data_form->addRow(tr("Data format:"), format_);
  cutoff_len_ = new QSpinBox(data_group);
  cutoff_len_->setObjectName("cutoffLen");
  cutoff_len_->setRange(2, 131072);
  cutoff_len_->setSuffix(tr(" tokens"));
  data_form->addRow(tr("Cutoff length:"), cutoff_len_);
  raw_text_overlap_ = new QSpinBox(data_group);
  raw_text_overlap_->setObjectName("rawTextOverlap");
  raw_text_overlap_->setRange(0, 1 << 20);  // its maximum follows the cutoff (connectEdits)
  raw_text_overlap_->setSuffix(tr(" tokens"));
  data_form->addRow(tr("Raw-text overlap:"), raw_text_overlap_);
  eval_split_ = new QDoubleSpinBox(data_group);
  eval_split_->setObjectName("evalSplit");
  eval_split_->setRange(0, 0.9);
  eval_split_->setDecimals(3);
  eval_split_->setSingleStep(0.05);
  eval_split_->setSpecialValueText(tr("none"));
  data_form->addRow(tr("Evaluation split:"), eval_split_);
  return data_group;
}

// LoRA: where the adapter goes into the model and how big it is.
QGroupBox* HyperparameterPanel::buildLoraGroup() {
  auto* lora_group = new QGroupBox(tr("LoRA"), this);
  auto* lora_form = new QFormLayout(lora_group);
  auto* targets = new QWidget(lora_group);
  auto* targets_grid = new QGridLayout(targets);
  targets_grid->setContentsMargins(0, 0, 0, 0);
  int column = 0;
  for (const char* module : kTargetModules) {
    auto* box = new QCheckBox(QString::fromLatin1(module).chopped(5), targets);  // "q_proj" → "q"
    box->setObjectName(QStringLiteral("target_") + module);
    box->setProperty("module", QString::fromLatin1(module));
    targets_grid->addWidget(box, column / 4, column % 4);
    target_boxes_ << box;
    ++column;
  }
  all_linear_ = new QCheckBox(tr("all linear"), targets);
  all_linear_->setObjectName("targetAllLinear");
  targets_grid->addWidget(all_linear_, column / 4, column % 4);
  lora_form->addRow(tr("Target modules:"), targets);
  rank_ = new QSpinBox(lora_group);
  rank_->setObjectName("rank");
  rank_->setRange(1, 4096);
  lora_form->addRow(tr("LoRA rank:"), rank_);
  alpha_ = new QDoubleSpinBox(lora_group);
  alpha_->setObjectName("alpha");
  alpha_->setRange(0.01, 100000);
  alpha_->setDecimals(2);
  lora_form->addRow(tr("LoRA alpha:"), alpha_);
  dropout_ = new QDoubleSpinBox(lora_group);
  dropout_->setObjectName("dropout");
  dropout_->setRange(0, 0.95);
  dropout_->setDecimals(3);
  dropout_->setSingleStep(0.05);
  lora_form->addRow(tr("LoRA dropout:"), dropout_);
  use_dora_ = new QCheckBox(tr("DoRA (weight-decomposed LoRA)"), lora_group);
  use_dora_->setObjectName("useDora");
  lora_form->addRow(QString(), use_dora_);
  lora_plus_ratio_ = new QDoubleSpinBox(lora_group);
  lora_plus_ratio_->setObjectName("loraPlusRatio");
  lora_plus_ratio_->setRange(1, 1000);
  lora_plus_ratio_->setDecimals(1);
  lora_plus_ratio_->setSingleStep(1);
  lora_plus_ratio_->setSpecialValueText(tr("off (1)"));
  lora_form->addRow(tr("LoRA+ ratio:"), lora_plus_ratio_);
  return lora_group;
}

// Schedule and batches.
QGroupBox* HyperparameterPanel::buildScheduleGroup() {
  auto* schedule_group = new QGroupBox(tr("Training schedule"), this);
  auto* schedule_form = new QFormLayout(schedule_group);
  epochs_ = new QSpinBox(schedule_group);
  epochs_->setObjectName("epochs");
  epochs_->setRange(1, 10000);
  schedule_form->addRow(tr("Epochs:"), epochs_);
  max_steps_ = new QSpinBox(schedule_group);
  max_steps_->setObjectName("maxSteps");
  max_steps_->setRange(0, 10000000);
  max_steps_->setSpecialValueText(tr("from epochs"));
  schedule_form->addRow(tr("Max steps:"), max_steps_);
  learning_rate_ = new QLineEdit(schedule_group);
  learning_rate_->setObjectName("learningRate");
  learning_rate_->setValidator(new LearningRateValidator(learning_rate_));
  learning_rate_->setPlaceholderText("3e-4");
  schedule_form->addRow(tr("Learning rate:"), learning_rate_);
  scheduler_ = new QComboBox(schedule_group);
  scheduler_->setObjectName("scheduler");
  const std::pair<const char*, QString> schedule_labels[] = {
      {"linear", tr("Linear decay")},
      {"constant", tr("Constant")},
      {"constant_with_warmup", tr("Constant after warmup")},
      {"cosine", tr("Cosine annealing")},
      {"cosine_with_restarts", tr("Cosine with restarts")},
      {"polynomial", tr("Polynomial decay")},
      {"inverse_sqrt", tr("Inverse square root")},
  };
  for (const auto& name : lora::lr_schedule_names()) {
    QString label = QString::fromStdString(name);
    for (const auto& [key, text] : schedule_labels)
      if (name == key) label = text;
    scheduler_->addItem(label, QString::fromStdString(name));
  }
  schedule_form->addRow(tr("LR scheduler:"), scheduler_);
  warmup_steps_ = new QSpinBox(schedule_group);
  warmup_steps_->setObjectName("warmupSteps");
  warmup_steps_->setRange(0, 1000000);
  schedule_form->addRow(tr("Warmup steps:"), warmup_steps_);
  micro_batch_ = new QSpinBox(schedule_group);
  micro_batch_->setObjectName("microBatchSize");
  micro_batch_->setRange(1, 1024);
  schedule_form->addRow(tr("Micro-batch size:"), micro_batch_);
  batch_size_ = new QSpinBox(schedule_group);
  batch_size_->setObjectName("batchSize");
  batch_size_->setRange(1, 65536);
  schedule_form->addRow(tr("Batch size:"), batch_size_);
  batch_hint_ = makeHintLabel(schedule_group, "batchSizeHint");
  schedule_form->addRow(QString(), batch_hint_);
  return schedule_group;
}

// Evaluation, saving, stopping.
QGroupBox* HyperparameterPanel::buildControlGroup() {
  auto* control_group = new QGroupBox(tr("Evaluation, saving and stopping"), this);
  auto* control_form = new QFormLayout(control_group);
  eval_every_ = new QSpinBox(control_group);
  eval_every_->setObjectName("evalEvery");
  eval_every_->setRange(0, 10000000);
  eval_every_->setSpecialValueText(tr("at the end"));
  eval_every_->setSuffix(tr(" steps"));
  control_form->addRow(tr("Evaluate every:"), eval_every_);
  eval_samples_ = new QSpinBox(control_group);
  eval_samples_->setObjectName("evalSampleCount");  // "evalSamples" is the Train page's view
  eval_samples_->setRange(0, 16);  // TrainingSettings::validate's bounds
  eval_samples_->setSpecialValueText(tr("off"));
  eval_samples_->setSuffix(tr(" prompts"));
  control_form->addRow(tr("Answer at each evaluation:"), eval_samples_);
  eval_sample_tokens_ = new QSpinBox(control_group);
  eval_sample_tokens_->setObjectName("evalSampleTokens");
  eval_sample_tokens_->setRange(1, 1024);
  eval_sample_tokens_->setSuffix(tr(" tokens"));
  control_form->addRow(tr("Answer length:"), eval_sample_tokens_);
  save_every_ = new QSpinBox(control_group);
  save_every_->setObjectName("saveEvery");
  save_every_->setRange(0, 10000000);
  save_every_->setSpecialValueText(tr("only at the end"));
  save_every_->setSuffix(tr(" steps"));
  control_form->addRow(tr("Save checkpoint every:"), save_every_);
  stop_at_loss_ = new QDoubleSpinBox(control_group);
  stop_at_loss_->setObjectName("stopAtLoss");
  stop_at_loss_->setRange(0, 100);
  stop_at_loss_->setDecimals(3);
  stop_at_loss_->setSingleStep(0.1);
  stop_at_loss_->setSpecialValueText(tr("off"));
  control_form->addRow(tr("Stop at loss:"), stop_at_loss_);
  seed_ = new QSpinBox(control_group);
  seed_->setObjectName("seed");
  seed_->setRange(0, std::numeric_limits<int>::max());
  control_form->addRow(tr("Seed:"), seed_);
  return control_group;
}

// Compute.
QGroupBox* HyperparameterPanel::buildComputeGroup() {
  auto* compute_group = new QGroupBox(tr("Compute"), this);
  auto* compute_form = new QFormLayout(compute_group);
  precision_ = new QComboBox(compute_group);
  precision_->setObjectName("precision");
  precision_->addItem(tr("Automatic"), "auto");
  precision_->addItem(tr("bfloat16"), "bfloat16");
  precision_->addItem(tr("float32"), "float32");
  compute_form->addRow(tr("Precision:"), precision_);
  gradient_checkpointing_ = new QCheckBox(tr("Gradient checkpointing"), compute_group);
  gradient_checkpointing_->setObjectName("gradientCheckpointing");
  compute_form->addRow(QString(), gradient_checkpointing_);
  quantize_ = new QComboBox(compute_group);
  quantize_->setObjectName("quantize");
  quantize_->addItem(tr("None (compute precision)"), "none");
  quantize_->addItem(tr("4-bit NF4 (QLoRA)"), "nf4");
  quantize_->addItem(tr("8-bit int8"), "int8");
  compute_form->addRow(tr("Quantize base:"), quantize_);
  double_quant_ = new QCheckBox(tr("Double quantization"), compute_group);
  double_quant_->setObjectName("doubleQuant");
  compute_form->addRow(QString(), double_quant_);
  return compute_group;
}

// Every edit re-checks the inline hints and tells the page.
void HyperparameterPanel::connectEdits() {
  auto notify = [this] {
    if (applying_) return;
    updateInlineHints();
    Q_EMIT changed();
  };
  for (QLineEdit* edit : {adapter_name_, model_dir_, dataset_path_, learning_rate_})
    connect(edit, &QLineEdit::textChanged, this, notify);
  connect(format_, &QComboBox::currentTextChanged, this, notify);
  for (QComboBox* combo : {scheduler_, precision_})
    connect(combo, qOverload<int>(&QComboBox::currentIndexChanged), this, notify);
  connect(quantize_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this, notify] {
    double_quant_->setEnabled(quantize_->currentData().toString() == "nf4");  // bitsandbytes' double quantization is NF4's
    notify();
  });
  for (QCheckBox* box : {double_quant_, use_dora_}) connect(box, &QCheckBox::toggled, this, notify);
  connect(lora_plus_ratio_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, notify);
  for (QSpinBox* spin : {epochs_, max_steps_, warmup_steps_, micro_batch_, batch_size_, cutoff_len_, raw_text_overlap_,
                         eval_every_, eval_samples_, eval_sample_tokens_, save_every_, seed_})
    connect(spin, qOverload<int>(&QSpinBox::valueChanged), this, notify);
  // The overlap must leave each raw-text block a token of its own (the block is the cutoff less the
  // BOS token): a lower cutoff lowers it with it instead of a run that fails to start.
  connect(cutoff_len_, qOverload<int>(&QSpinBox::valueChanged), this, [this](int cutoff) {
    raw_text_overlap_->setMaximum(std::max(0, cutoff - 2));
  });
  connect(rank_, qOverload<int>(&QSpinBox::valueChanged), this, [this, notify](int rank) {
    onRankChanged(rank);
    notify();
  });
  for (QDoubleSpinBox* spin : {alpha_, dropout_, eval_split_, stop_at_loss_})
    connect(spin, qOverload<double>(&QDoubleSpinBox::valueChanged), this, notify);
  for (QCheckBox* box : target_boxes_) connect(box, &QCheckBox::toggled, this, notify);
  connect(all_linear_, &QCheckBox::toggled, this, [this, notify] {
    updateTargetBoxes();
    notify();
  });
  connect(gradient_checkpointing_, &QCheckBox::toggled, this, notify);
  connect(micro_batch_, qOverload<int>(&QSpinBox::valueChanged), this, [this](int micro) {
    batch_size_->setSingleStep(micro);  // the arrows step through valid batch sizes
  });
}

void HyperparameterPanel::addTooltips() {
  adapter_name_->setToolTip(
      tr("The name of the adapter you are training. It becomes the folder the adapter is saved in, so it "
         "cannot contain a '.' or a path separator. Pick something that says what it learned, e.g. "
         "\"support-answers-v2\"."));
  model_dir_->setToolTip(
      tr("The Hugging Face model folder the adapter is trained on. The adapter only works with this base "
         "model (or one with the same architecture and size). Defaults to the model loaded on the Models page."));
  dataset_path_->setToolTip(
      tr("The training data: a JSON or JSONL file of records (alpaca-format: instruction, optional input, "
         "output), or a plain text file for raw-text training. Preview it on the Dataset page first."));
  format_->setToolTip(
      tr("How each record is turned into a prompt and an answer. alpaca-format uses the instruction/input/output "
         "fields; chat writes each record as a user/assistant exchange in the model's chat format. You can "
         "also type the path of a format file."));
  cutoff_len_->setToolTip(
      tr("The longest example, in tokens, the model is trained on; longer ones are cut at the end. Longer "
         "cutoffs need more memory and time. Choose it so that most records fit (the Dataset page's "
         "histogram shows how many would be cut)."));
  raw_text_overlap_->setToolTip(
      tr("For raw text (.txt files and {\"text\": ...} records), which is cut into blocks of the cutoff length: "
         "how many tokens each block repeats from the one before, as context only (they are not trained "
         "twice). More overlap gives each block more context but makes more blocks; 0 cuts the text into "
         "separate blocks. It stays below the cutoff length. Records with a prompt and an answer ignore it."));
  eval_split_->setToolTip(
      tr("The share of the records held out to measure the evaluation loss (0.1 = 10%). The model never "
         "trains on them, so the evaluation loss shows whether it learns things that carry over to new "
         "questions. With a small dataset, 0.05-0.1 or none."));
  const QString targets_tip =
      tr("The weight matrices of the model that get a LoRA adapter. q and v (the attention's query and "
         "value projections) are the usual default and are enough for most tasks. Adding k, o and the MLP "
         "layers (gate, up, down) gives the adapter more capacity and can improve the results, but training "
         "uses more memory and time, and overfitting (good on the training data only) gets more likely.");
  for (QCheckBox* box : target_boxes_) box->setToolTip(targets_tip);
  all_linear_->setToolTip(
      tr("Put an adapter on every linear layer of every block (q, k, v, o, gate, up and down). The most "
         "capacity, and the slowest and most memory-hungry choice."));
  rank_->setToolTip(
      tr("The rank r of the low-rank update: how much the adapter can change. Higher ranks can learn more "
         "complex things, but make a bigger file, need more memory and overfit small datasets more easily. "
         "For simple tasks or little data 4-8 is enough; for demanding tasks (subtle meaning, a specialist "
         "domain, lots of data) 64-256 or more. Larger base models tolerate larger ranks."));
  alpha_->setToolTip(
      tr("LoRA alpha scales the adapter's effect (the update is multiplied by alpha / rank). Usually twice "
         "the rank. Higher values make the adapter adapt more strongly to the new task but pull the model "
         "further from what it knew, with more risk of overfitting on limited data; lower values change the "
         "base model more gently. When it is exactly twice the rank it follows the rank as you change it."));
  dropout_->setToolTip(
      tr("The chance that the adapter's input is zeroed for a token during training, which helps against "
         "overfitting. 0.05-0.1 is typical; use 0 when the adapter should learn the data by heart."));
  epochs_->setToolTip(
      tr("How many times the training goes through the whole dataset. More epochs let the model learn the "
         "data more precisely but can make it overfit: fine on the training data, worse on new questions. "
         "Start with 2-3 and adjust by testing the result in Chat."));
  max_steps_->setToolTip(
      tr("Stop after this many optimizer steps instead of counting epochs. Leave it at \"from epochs\" "
         "unless you want a short trial run."));
  learning_rate_->setToolTip(
      tr("How big a step each update takes. Too high and the loss jumps about or blows up; too low and "
         "training crawls. 3e-4 (0.0003) is a good start for LoRA; sensible values lie between 1e-6 and 1e-2. "
         "Balance it with the epochs: a high rate with few epochs is fast but rough, a low rate with more "
         "epochs is slower but better."));
  scheduler_->setToolTip(
      tr("How the learning rate changes during training. Linear decay (the default) lowers it steadily to 0; "
         "cosine annealing lowers it along a cosine curve. Both are simple and work well. Constant keeps it "
         "fixed; inverse square root and polynomial decay give steadier convergence on large datasets and "
         "long runs."));
  warmup_steps_->setToolTip(
      tr("Steps at the start in which the learning rate rises from 0 to its full value, so the first, "
         "noisiest updates do not throw the adapter off. A few percent of the total steps; 0 is fine for "
         "short runs."));
  micro_batch_->setToolTip(
      tr("Examples computed at once. It decides the memory used: lower it when you run out of memory. It "
         "does not change what the model learns as long as the batch size stays the same."));
  batch_size_->setToolTip(
      tr("Examples per optimizer step. Must be a multiple of the micro-batch size: the micro-batches are "
         "accumulated until the batch is complete. Bigger batches give smoother, slower progress per example; "
         "with a small dataset keep it small so there are enough steps."));
  eval_every_->setToolTip(
      tr("Compute the evaluation loss every this many steps (needs an evaluation split). If the evaluation "
         "loss rises while the training loss keeps falling, the model is overfitting: use fewer epochs or a "
         "lower rank."));
  eval_samples_->setToolTip(
      tr("At each evaluation, the model answers this many prompts of the evaluation set (always the same "
         "ones, without randomness), and the answers are kept with their step. Compare them on the Train "
         "page to see when the answers became good and when they started to overfit. 0 turns it off; each "
         "answer adds a little time to every evaluation."));
  eval_sample_tokens_->setToolTip(
      tr("The most tokens each of those answers may have. An answer also ends where the model ends it. "
         "Longer answers show more but make every evaluation slower."));
  save_every_->setToolTip(
      tr("Save a checkpoint every this many steps, so an interrupted run can be resumed and an earlier state "
         "kept. Stopping always saves."));
  stop_at_loss_->setToolTip(
      tr("End training as soon as the training loss falls below this value, to avoid training longer than "
         "needed. Off by default."));
  seed_->setToolTip(
      tr("Seeds the adapter's initial weights, the order of the data and dropout. The same seed and settings "
         "give the same adapter; change it to see how much a result depends on chance."));
  precision_->setToolTip(
      tr("The number format of the computation. Automatic uses bfloat16 where the hardware supports it "
         "(recent GPUs, CPUs with AVX-512 BF16), else float32. bfloat16 halves memory and is faster; float32 "
         "is the most exact and the safest when the loss becomes NaN."));
  gradient_checkpointing_->setToolTip(
      tr("Recompute activations during the backward pass instead of keeping them: much less memory for long "
         "cutoffs or big models, about a third slower."));
  quantize_->setToolTip(
      tr("Store the base model's frozen weights in fewer bits while training (QLoRA): 4-bit NF4 takes about a "
         "quarter of the memory of bfloat16 for the decoder's linear layers, 8-bit about half. The adapter "
         "itself stays in full precision. Use it when the model does not fit otherwise; it is somewhat slower "
         "and the result is a little less exact. Embeddings, norms and the output layer are not quantized."));
  double_quant_->setToolTip(
      tr("NF4 only: quantize the per-block scales too, saving about 0.4 bits per weight more (about 3 GB on a "
         "65B model, a few hundred MB on a 7B one) at no measurable cost in quality."));
  use_dora_->setToolTip(
      tr("DoRA splits each adapted weight into a magnitude and a direction and trains both: often closer to "
         "full fine-tuning than plain LoRA at the same rank, at some extra memory and time per step. The "
         "adapter is saved with use_dora as PEFT writes it."));
  lora_plus_ratio_->setToolTip(
      tr("LoRA+: the B matrices learn this many times faster than the A matrices, which often trains faster "
         "and better at the same learning rate. 1 is plain LoRA; the LoRA+ paper recommends about 16."));
}

void HyperparameterPanel::updateTargetBoxes() {
  for (QCheckBox* box : target_boxes_) box->setEnabled(!all_linear_->isChecked());
}

void HyperparameterPanel::onRankChanged(int rank) {
  // Alpha that was "2 x rank" stays so: that is the advice, and the user should not have to redo it.
  if (!applying_ && previous_rank_ > 0 && std::abs(alpha_->value() - 2.0 * previous_rank_) < 1e-9)
    alpha_->setValue(2.0 * rank);
  previous_rank_ = rank;
}

void HyperparameterPanel::browseModel() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Choose the base model folder"), model_dir_->text());
  if (!dir.isEmpty()) model_dir_->setText(dir);
}

void HyperparameterPanel::browseDataset() {
  const QString file = QFileDialog::getOpenFileName(this, tr("Choose the training data"), dataset_path_->text(),
                                                    tr("Datasets (*.json *.jsonl *.txt);;All files (*)"));
  if (!file.isEmpty()) dataset_path_->setText(file);
}

QString HyperparameterPanel::adapterName() const { return adapter_name_->text().trimmed(); }
void HyperparameterPanel::setAdapterName(const QString& name) { adapter_name_->setText(name); }

QString HyperparameterPanel::outputDir() const {
  const QString name = adapterName();
  return name.isEmpty() ? QString() : QDir(adaptersRoot()).filePath(name);
}

void HyperparameterPanel::setModelDir(const QString& dir) { model_dir_->setText(dir); }
void HyperparameterPanel::setDatasetPath(const QString& path) { dataset_path_->setText(path); }

lora::TrainingSettings HyperparameterPanel::settings() const {
  lora::TrainingSettings s = base_;
  s.model_dir = model_dir_->text().trimmed().toStdString();
  s.dataset_path = dataset_path_->text().trimmed().toStdString();
  s.output_dir = outputDir().toStdString();
  s.format = format_->currentText().trimmed().toStdString();
  s.target_modules.clear();
  if (all_linear_->isChecked()) {
    s.target_modules.push_back(kAllLinear);
  } else {
    for (QCheckBox* box : target_boxes_)
      if (box->isChecked()) s.target_modules.push_back(box->property("module").toString().toStdString());
  }
  s.rank = rank_->value();
  s.alpha = alpha_->value();
  s.dropout = dropout_->value();
  s.epochs = epochs_->value();
  s.max_steps = max_steps_->value();
  double lr = 0;
  s.learning_rate = LearningRateValidator::parse(learning_rate_->text(), &lr) ? lr : 0.0;
  s.scheduler = scheduler_->currentData().toString().toStdString();
  s.warmup_steps = warmup_steps_->value();
  s.micro_batch_size = micro_batch_->value();
  s.batch_size = batch_size_->value();
  s.cutoff_len = cutoff_len_->value();
  s.raw_text_overlap = raw_text_overlap_->value();
  s.eval_split = eval_split_->value();
  s.eval_every = eval_every_->value();
  s.eval_samples = eval_samples_->value();
  s.eval_sample_tokens = eval_sample_tokens_->value();
  s.save_every = save_every_->value();
  s.stop_at_loss = stop_at_loss_->value();
  s.seed = static_cast<uint64_t>(seed_->value());
  s.precision = precision_->currentData().toString().toStdString();
  s.gradient_checkpointing = gradient_checkpointing_->isChecked();
  s.quantize = quantize_->currentData().toString().toStdString();
  s.double_quant = s.quantize == "nf4" && double_quant_->isChecked();
  s.use_dora = use_dora_->isChecked();
  s.lora_plus_ratio = lora_plus_ratio_->value();
  return s;
}

void HyperparameterPanel::setSettings(const lora::TrainingSettings& s) {
  applying_ = true;
  base_ = s;
  model_dir_->setText(QString::fromStdString(s.model_dir));
  dataset_path_->setText(QString::fromStdString(s.dataset_path));
  format_->setCurrentText(QString::fromStdString(s.format));
  const bool all_linear = std::find(s.target_modules.begin(), s.target_modules.end(), kAllLinear) != s.target_modules.end();
  all_linear_->setChecked(all_linear);
  for (QCheckBox* box : target_boxes_) {
    const std::string module = box->property("module").toString().toStdString();
    box->setChecked(std::find(s.target_modules.begin(), s.target_modules.end(), module) != s.target_modules.end());
  }
  updateTargetBoxes();
  rank_->setValue(static_cast<int>(s.rank));
  previous_rank_ = rank_->value();
  alpha_->setValue(s.alpha);
  dropout_->setValue(s.dropout);
  epochs_->setValue(static_cast<int>(std::max<int64_t>(1, s.epochs)));
  max_steps_->setValue(static_cast<int>(s.max_steps));
  learning_rate_->setText(formatLearningRate(s.learning_rate));
  int scheduler_index = scheduler_->findData(QString::fromStdString(s.scheduler));
  scheduler_->setCurrentIndex(std::max(0, scheduler_index));
  warmup_steps_->setValue(static_cast<int>(s.warmup_steps));
  micro_batch_->setValue(static_cast<int>(s.micro_batch_size));
  batch_size_->setSingleStep(micro_batch_->value());
  batch_size_->setValue(static_cast<int>(s.batch_size));
  cutoff_len_->setValue(static_cast<int>(s.cutoff_len));
  raw_text_overlap_->setMaximum(std::max(0, cutoff_len_->value() - 2));
  raw_text_overlap_->setValue(static_cast<int>(std::min<int64_t>(s.raw_text_overlap, raw_text_overlap_->maximum())));
  eval_split_->setValue(s.eval_split);
  eval_every_->setValue(static_cast<int>(s.eval_every));
  eval_samples_->setValue(static_cast<int>(s.eval_samples));
  eval_sample_tokens_->setValue(static_cast<int>(s.eval_sample_tokens));
  save_every_->setValue(static_cast<int>(s.save_every));
  stop_at_loss_->setValue(s.stop_at_loss);
  seed_->setValue(static_cast<int>(std::min<uint64_t>(s.seed, static_cast<uint64_t>(std::numeric_limits<int>::max()))));
  const QString precision = QString::fromStdString(s.precision);
  if (precision_->findData(precision) < 0) precision_->addItem(precision, precision);  // e.g. float16 from a preset
  precision_->setCurrentIndex(precision_->findData(precision));
  gradient_checkpointing_->setChecked(s.gradient_checkpointing);
  quantize_->setCurrentIndex(std::max(0, quantize_->findData(QString::fromStdString(s.quantize))));
  double_quant_->setChecked(s.double_quant);
  double_quant_->setEnabled(quantize_->currentData().toString() == "nf4");
  use_dora_->setChecked(s.use_dora);
  lora_plus_ratio_->setValue(s.lora_plus_ratio);
  applying_ = false;
  updateInlineHints();
  Q_EMIT changed();
}

void HyperparameterPanel::checkModelAndData() {
  // Checked as the path is typed or chosen, not only when Start finds out: an empty folder or a
  // file that is not there is named next to its field.
  const QString model = model_dir_->text().trimmed();
  if (model != checked_model_dir_) {
    checked_model_dir_ = model;
    model_problem_.clear();
    if (model.isEmpty()) {
    } else if (lora::gguf::is_gguf_path(model.toStdString())) {
      model_problem_ = tr("%1 is a GGUF file: training needs the Hugging Face model folder (config.json and "
                          "safetensors) it was made from. A GGUF file can be chatted with, not trained.")
                           .arg(QDir::toNativeSeparators(model));
    } else if (!QFileInfo(model).isDir()) {
      model_problem_ = tr("%1: no such folder.").arg(QDir::toNativeSeparators(model));
    } else {
      try {
        const lora::ModelInfo info = lora::read_model_info(model.toStdString());
        if (info.tokenizer.empty())
          model_problem_ = tr("%1 holds neither tokenizer.json nor tokenizer.model: choose a folder with the "
                              "model's tokenizer.")
                               .arg(QDir::toNativeSeparators(model));
      } catch (const std::exception& e) {
        model_problem_ = tr("Not a model folder this app can load: %1").arg(engineMessage(e));
      }
    }
  }
  const QString dataset = dataset_path_->text().trimmed();
  dataset_problem_.clear();
  if (!dataset.isEmpty()) {
    const QFileInfo info(dataset);
    if (!info.exists())
      dataset_problem_ = tr("%1: no such file.").arg(QDir::toNativeSeparators(dataset));
    else if (!info.isFile())
      dataset_problem_ = tr("%1 is a folder: choose the dataset file itself.")
                             .arg(QDir::toNativeSeparators(dataset));
    else if (!info.isReadable())
      dataset_problem_ = tr("%1 cannot be read.").arg(QDir::toNativeSeparators(dataset));
  }
  model_hint_->setText(model_problem_);
  model_hint_->setVisible(!model_problem_.isEmpty());
  dataset_hint_->setText(dataset_problem_);
  dataset_hint_->setVisible(!dataset_problem_.isEmpty());
}

void HyperparameterPanel::updateInlineHints() {
  checkModelAndData();
  const int micro = micro_batch_->value(), batch = batch_size_->value();
  if (batch % micro != 0) {
    const int lower = std::max(micro, batch / micro * micro);
    batch_hint_->setText(tr("The batch size must be a multiple of the micro-batch size %1 (e.g. %2 or %3).")
                             .arg(micro)
                             .arg(lower)
                             .arg(lower + micro));
    batch_hint_->show();
  } else {
    batch_hint_->hide();
  }
  const QString name = adapter_name_->text();
  bool forbidden = false;
  for (QChar c : name) forbidden = forbidden || AdapterNameValidator::isForbiddenCharacter(c);
  if (forbidden) {
    name_hint_->setText(tr("An adapter name cannot contain any of: %1").arg(AdapterNameValidator::forbiddenCharacters()));
    name_hint_->show();
  } else if (!name_hint_timer_->isActive()) {
    name_hint_->hide();
  }
  const QString output = outputDir();
  output_dir_label_->setText(output.isEmpty() ? tr("(enter a name)") : QDir::toNativeSeparators(output));
}

QString HyperparameterPanel::problem() const {
  const QString name = adapterName();
  if (name.isEmpty()) return tr("Enter a name for the adapter.");
  for (QChar c : name)
    if (AdapterNameValidator::isForbiddenCharacter(c))
      return tr("An adapter name cannot contain any of: %1").arg(AdapterNameValidator::forbiddenCharacters());
  if (model_dir_->text().trimmed().isEmpty()) return tr("Choose the base model (load one on the Models page or browse).");
  if (!model_problem_.isEmpty()) return model_problem_;
  if (dataset_path_->text().trimmed().isEmpty()) return tr("Choose the training data.");
  if (!dataset_problem_.isEmpty()) return dataset_problem_;
  if (!all_linear_->isChecked()) {
    bool any = false;
    for (QCheckBox* box : target_boxes_) any = any || box->isChecked();
    if (!any) return tr("Choose at least one target module.");
  }
  if (!LearningRateValidator::parse(learning_rate_->text(), nullptr))
    return tr("The learning rate must be a number above 0 and at most 1, e.g. 3e-4.");
  if (batch_size_->value() % micro_batch_->value() != 0) return batch_hint_->text();
  if (format_->currentText().trimmed().isEmpty()) return tr("Choose the data format.");
  try {
    settings().validate();
  } catch (const lora::Error& e) {
    return engineMessage(e);
  }
  return {};
}

}  // namespace ui
