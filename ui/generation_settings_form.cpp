#include "generation_settings_form.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QRandomGenerator>
#include <QSettings>
#include <QSpinBox>
#include <QToolButton>
#include <QHBoxLayout>

#include <limits>

namespace ui {

GenerationSettingsForm::GenerationSettingsForm(QSettings* settings, QWidget* parent)
    : QWidget(parent), settings_(settings) {
  const ChatSamplingOptions defaults;
  auto* form = new QFormLayout(this);
  form->setContentsMargins(0, 0, 0, 0);

  max_new_tokens_ = new QSpinBox(this);
  max_new_tokens_->setObjectName("max_new_tokens");
  max_new_tokens_->setRange(1, 32768);
  max_new_tokens_->setValue(settings_->value("chat/max_new_tokens", defaults.max_new_tokens).toInt());
  max_new_tokens_->setToolTip(tr("The longest answer, in tokens. Generation also ends earlier when the model "
                                 "writes its end-of-answer token."));
  form->addRow(tr("Max new tokens"), max_new_tokens_);

  temperature_ = new QDoubleSpinBox(this);
  temperature_->setObjectName("temperature");
  temperature_->setRange(0.0, 5.0);
  temperature_->setSingleStep(0.05);
  temperature_->setDecimals(2);
  temperature_->setValue(settings_->value("chat/temperature", defaults.temperature).toDouble());
  temperature_->setSpecialValueText(tr("0 (greedy)"));
  temperature_->setToolTip(tr("How random the answer is. 0 always takes the likeliest token (greedy: the same "
                              "answer every time); 0.7 is a common choice; above 1 the text gets erratic."));
  form->addRow(tr("Temperature"), temperature_);

  top_p_ = new QDoubleSpinBox(this);
  top_p_->setObjectName("top_p");
  top_p_->setRange(0.01, 1.0);
  top_p_->setSingleStep(0.05);
  top_p_->setDecimals(2);
  top_p_->setValue(settings_->value("chat/top_p", defaults.top_p).toDouble());
  top_p_->setToolTip(tr("Nucleus sampling: draw only from the likeliest tokens whose probabilities add up to "
                        "this share. 1 turns it off; 0.9 cuts the unlikely tail. Ignored at temperature 0."));
  form->addRow(tr("Top-p"), top_p_);

  top_k_ = new QSpinBox(this);
  top_k_->setObjectName("top_k");
  top_k_->setRange(0, 100000);
  top_k_->setValue(settings_->value("chat/top_k", defaults.top_k).toInt());
  top_k_->setSpecialValueText(tr("0 (off)"));
  top_k_->setToolTip(tr("Draw only from this many likeliest tokens. 0 turns it off; 40 is a common choice. "
                        "Ignored at temperature 0."));
  form->addRow(tr("Top-k"), top_k_);

  repetition_penalty_ = new QDoubleSpinBox(this);
  repetition_penalty_->setObjectName("repetition_penalty");
  repetition_penalty_->setRange(0.5, 3.0);
  repetition_penalty_->setSingleStep(0.05);
  repetition_penalty_->setDecimals(2);
  repetition_penalty_->setValue(settings_->value("chat/repetition_penalty", defaults.repetition_penalty).toDouble());
  repetition_penalty_->setToolTip(tr("Makes tokens already in the conversation less likely. 1 turns it off; "
                                     "1.1 to 1.2 helps against loops; much more distorts the answer."));
  form->addRow(tr("Repetition penalty"), repetition_penalty_);

  seed_ = new QSpinBox(this);
  seed_->setObjectName("seed");
  seed_->setRange(0, std::numeric_limits<int>::max());
  seed_->setValue(settings_->value("chat/seed", int(defaults.seed)).toInt());
  seed_->setToolTip(tr("The random seed of sampling. Both panes use it, so their answers differ only by the "
                       "adapter; the same seed gives the same answers again."));
  auto* seed_row = new QHBoxLayout;
  seed_row->addWidget(seed_, 1);
  auto* new_seed = new QToolButton(this);
  new_seed->setObjectName("new_seed_button");
  new_seed->setText(tr("New"));
  new_seed->setToolTip(tr("Pick a new random seed"));
  connect(new_seed, &QToolButton::clicked, this,
          [this] { seed_->setValue(int(QRandomGenerator::global()->bounded(std::numeric_limits<int>::max()))); });
  seed_row->addWidget(new_seed);
  form->addRow(tr("Seed"), seed_row);

  for (QSpinBox* box : {max_new_tokens_, top_k_, seed_})
    connect(box, qOverload<int>(&QSpinBox::valueChanged), this, &GenerationSettingsForm::save);
  for (QDoubleSpinBox* box : {temperature_, top_p_, repetition_penalty_})
    connect(box, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &GenerationSettingsForm::save);
}

ChatSamplingOptions GenerationSettingsForm::options() const {
  ChatSamplingOptions options;
  options.max_new_tokens = max_new_tokens_->value();
  options.temperature = temperature_->value();
  options.top_p = top_p_->value();
  options.top_k = top_k_->value();
  options.repetition_penalty = repetition_penalty_->value();
  options.seed = quint64(seed_->value());
  return options;
}

void GenerationSettingsForm::save() {
  const ChatSamplingOptions current = options();
  settings_->setValue("chat/max_new_tokens", current.max_new_tokens);
  settings_->setValue("chat/temperature", current.temperature);
  settings_->setValue("chat/top_p", current.top_p);
  settings_->setValue("chat/top_k", current.top_k);
  settings_->setValue("chat/repetition_penalty", current.repetition_penalty);
  settings_->setValue("chat/seed", int(current.seed));
}

}  // namespace ui
