// The Train page's memory pre-flight and the settings of issue 16, as a user meets them: the
// expected peak shown under Start as the settings change, red with what would make it fit when the
// machine has too little (LORA_STUDIO_RAM_LIMIT), Start asking first then; and the panel's Quantize
// base / double quantization / DoRA / LoRA+ controls mapped to the run's settings.
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

#include <memory>

#include "app_session.h"
#include "hyperparameter_panel.h"
#include "memory_preflight_view.h"
#include "test_support.h"
#include "tiny_model.h"
#include "train_page.h"

using test_support::child;
using ui::TrainPage;

class TestUiPreflight : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  QString model_dir_, dataset_path_;
  std::unique_ptr<QSettings> settings_;
  std::unique_ptr<ui::AppSession> session_;

  void fillPanel(TrainPage* page) {
    child<QLineEdit>(page, "adapterName")->setText("preflight");
    child<QLineEdit>(page, "modelDir")->setText(model_dir_);
    child<QLineEdit>(page, "datasetPath")->setText(dataset_path_);
    child<QSpinBox>(page, "microBatchSize")->setValue(4);
    child<QSpinBox>(page, "batchSize")->setValue(16);
    child<QSpinBox>(page, "cutoffLen")->setValue(512);
    child<QCheckBox>(page, "gradientCheckpointing")->setChecked(false);
  }

  static QString shown(TrainPage* page) {
    page->preflight()->refreshNow();
    return child<QLabel>(page, "memoryEstimate")->text();
  }

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(tmp_.isValid());
    model_dir_ = tmp_.filePath("model");
    lora::TinyModelOptions options;
    options.tokenizer_path = test_support::npm_tokenizer_dir("tokenizer-llama2").toStdString();
    options.num_layers = 4;  // enough layers for checkpointing to save (it keeps two layers' worth)
    lora::write_tiny_model(model_dir_.toStdString(), options);
    dataset_path_ = tmp_.filePath("data.jsonl");
    QFile data(dataset_path_);
    QVERIFY(data.open(QIODevice::WriteOnly));
    for (int i = 0; i < 8; ++i) data.write("{\"instruction\": \"Say hi.\", \"output\": \"Hi.\"}\n");
    data.close();
    settings_ = std::make_unique<QSettings>(tmp_.filePath("settings.ini"), QSettings::IniFormat);
    session_ = std::make_unique<ui::AppSession>(settings_.get());
  }

  void cleanup() { qunsetenv("LORA_STUDIO_RAM_LIMIT"); }

  void the_estimate_follows_the_settings() {
    TrainPage page(session_.get());
    child<QLineEdit>(&page, "modelDir")->setText("");
    QVERIFY2(shown(&page).contains("Choose a base model"), qPrintable(shown(&page)));
    fillPanel(&page);
    const QString first = shown(&page);
    QVERIFY2(first.contains("expected peak RAM use") && first.contains("it fits"), qPrintable(first));
    QVERIFY(page.preflight()->estimate().has_value());
    const uint64_t at_four = page.preflight()->estimate()->peak();
    // The breakdown is one click away (and in the tooltip).
    auto* details = child<QLabel>(&page, "memoryDetails");
    QVERIFY(details->isHidden());
    child<QToolButton>(&page, "memoryDetailsButton")->click();
    QVERIFY(!details->isHidden());
    for (const char* part : {"frozen weights", "LoRA parameters", "activations for micro-batch 4 x 512 tokens",
                             "logits and loss"})
      QVERIFY2(details->text().contains(part), qPrintable(details->text()));
    QVERIFY(child<QLabel>(&page, "memoryEstimate")->toolTip().contains("frozen weights"));

    // A smaller micro-batch and gradient checkpointing each lower it, at once.
    child<QSpinBox>(&page, "microBatchSize")->setValue(1);
    shown(&page);
    const uint64_t at_one = page.preflight()->estimate()->peak();
    const uint64_t activations_at_one = page.preflight()->estimate()->parts.activations;
    QVERIFY(at_one < at_four);
    child<QCheckBox>(&page, "gradientCheckpointing")->setChecked(true);
    shown(&page);
    // The activations shrink; the peak does not grow (on this tiny model loading may be the peak now).
    QVERIFY(page.preflight()->estimate()->parts.activations < activations_at_one);
    QVERIFY(page.preflight()->estimate()->peak() <= at_one);
    QVERIFY(page.preflight()->estimate()->gradient_checkpointing);
    // The panel's quantization reaches the estimate.
    auto* quantize = child<QComboBox>(&page, "quantize");
    quantize->setCurrentIndex(quantize->findData("nf4"));
    shown(&page);
    QCOMPARE(page.preflight()->estimate()->quantize, std::string("nf4"));
    QVERIFY(details->text().contains("nf4"));
  }

  void too_little_memory_turns_it_red_and_start_asks_first() {
    TrainPage page(session_.get());
    fillPanel(&page);
    shown(&page);
    const uint64_t peak = page.preflight()->estimate()->peak();
    // What checkpointing and micro-batch 1 would need: the limit goes between the two.
    child<QCheckBox>(&page, "gradientCheckpointing")->setChecked(true);
    child<QSpinBox>(&page, "microBatchSize")->setValue(1);
    shown(&page);
    const uint64_t smaller = page.preflight()->estimate()->peak();
    QVERIFY(smaller < peak);
    fillPanel(&page);
    shown(&page);
    qputenv("LORA_STUDIO_RAM_LIMIT", QByteArray::number(static_cast<qulonglong>((peak + smaller) / 2)));
    const QString text = shown(&page);
    QVERIFY2(text.contains("it does not fit") && text.contains("LORA_STUDIO_RAM_LIMIT"), qPrintable(text));
    QVERIFY(page.preflight()->doesNotFit());
    QVERIFY(child<QLabel>(&page, "memoryEstimate")->styleSheet().contains("#c0392b"));
    // What would make it fit is shown without asking.
    auto* details = child<QLabel>(&page, "memoryDetails");
    QVERIFY(!details->isHidden());
    QVERIFY2(details->text().contains("to make it fit") && details->text().contains("gradient checkpointing") &&
                 details->text().contains("micro-batch size"),
             qPrintable(details->text()));

    // Start asks before a run that will not fit; Cancel starts nothing.
    auto* start = child<QPushButton>(&page, "startButton");
    QVERIFY(start->isEnabled());
    start->click();
    auto* question = page.findChild<QMessageBox*>("memoryQuestion");
    QVERIFY(question);
    QVERIFY(question->text().contains("does not fit"));
    QVERIFY(question->detailedText().contains("to make it fit"));
    question->button(QMessageBox::Cancel)->click();
    QTRY_VERIFY(!page.findChild<QMessageBox*>("memoryQuestion"));
    QVERIFY(!page.isRunning());

    // Following a suggestion (checkpointing and micro-batch 1) turns it back.
    child<QCheckBox>(&page, "gradientCheckpointing")->setChecked(true);
    child<QSpinBox>(&page, "microBatchSize")->setValue(1);
    const QString fixed = shown(&page);
    QVERIFY2(fixed.contains("it fits"), qPrintable(fixed));
    QVERIFY(!child<QLabel>(&page, "memoryEstimate")->styleSheet().contains("#c0392b"));
  }

  void new_settings_map_to_the_run() {
    ui::HyperparameterPanel panel;
    auto* quantize = child<QComboBox>(&panel, "quantize");
    auto* double_quant = child<QCheckBox>(&panel, "doubleQuant");
    auto* dora = child<QCheckBox>(&panel, "useDora");
    auto* ratio = child<QDoubleSpinBox>(&panel, "loraPlusRatio");
    // Defaults: plain LoRA on unquantized weights.
    QCOMPARE(panel.settings().quantize, std::string("none"));
    QVERIFY(!double_quant->isEnabled());
    QVERIFY(!panel.settings().use_dora);
    QCOMPARE(panel.settings().lora_plus_ratio, 1.0);
    for (QWidget* w : std::initializer_list<QWidget*>{quantize, double_quant, dora, ratio})
      QVERIFY2(!w->toolTip().isEmpty(), qPrintable(w->objectName()));

    quantize->setCurrentIndex(quantize->findData("nf4"));
    QVERIFY(double_quant->isEnabled());
    double_quant->setChecked(true);
    dora->setChecked(true);
    ratio->setValue(16);
    lora::TrainingSettings s = panel.settings();
    QCOMPARE(s.quantize, std::string("nf4"));
    QVERIFY(s.double_quant);
    QVERIFY(s.use_dora);
    QCOMPARE(s.lora_plus_ratio, 16.0);
    s.validate();  // a combination the engine accepts

    // Double quantization is NF4's: int8 turns it off in the settings.
    quantize->setCurrentIndex(quantize->findData("int8"));
    QVERIFY(!double_quant->isEnabled());
    QCOMPARE(panel.settings().quantize, std::string("int8"));
    QVERIFY(!panel.settings().double_quant);
    panel.settings().validate();

    // Settings read back (a preset, an earlier run) show in the controls.
    lora::TrainingSettings loaded;
    loaded.quantize = "nf4";
    loaded.double_quant = true;
    loaded.use_dora = true;
    loaded.lora_plus_ratio = 8;
    panel.setSettings(loaded);
    QCOMPARE(quantize->currentData().toString(), QString("nf4"));
    QVERIFY(double_quant->isChecked() && double_quant->isEnabled());
    QVERIFY(dora->isChecked());
    QCOMPARE(ratio->value(), 8.0);
    const lora::TrainingSettings back = panel.settings();
    QCOMPARE(back.quantize, loaded.quantize);
    QCOMPARE(back.double_quant, loaded.double_quant);
    QCOMPARE(back.use_dora, loaded.use_dora);
    QCOMPARE(back.lora_plus_ratio, loaded.lora_plus_ratio);
  }
};

QTEST_MAIN(TestUiPreflight)
#include "test_ui_preflight.moc"
