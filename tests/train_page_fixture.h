#pragma once
// What the Train page's tests start from: a tiny Llama with the real Llama 2 tokenizer (seed 7,
// weights wide enough to learn visibly), an alpaca file of 12 records, and a session whose runs use
// one thread (two wait on each other on a busy 2-core machine). Call from initTestCase; a failed
// write fails the test there.
#include "tiny_model.h"

#include <QDir>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>
#include <memory>

#include "app_session.h"
#include "hyperparameter_panel.h"
#include "test_support.h"

struct TrainPageFixture {
  QString model_dir, dataset_path;
  std::unique_ptr<QSettings> settings;
  std::unique_ptr<ui::AppSession> session;

  // record(i): the i-th line of the dataset (a JSON object).
  void setUp(const QTemporaryDir& tmp, const std::function<QString(int)>& record) {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(tmp.isValid());
    QDir(ui::HyperparameterPanel::adaptersRoot()).removeRecursively();
    model_dir = tmp.filePath("model");
    lora::TinyModelOptions options;
    options.tokenizer_path = test_support::npm_tokenizer_dir("tokenizer-llama2").toStdString();
    options.seed = 7;
    options.init_std = 0.3;
    lora::write_tiny_model(model_dir.toStdString(), options);
    dataset_path = tmp.filePath("data.jsonl");
    QFile data(dataset_path);
    QVERIFY(data.open(QIODevice::WriteOnly));
    for (int i = 0; i < 12; ++i) data.write((record(i) + '\n').toUtf8());
    data.close();
    settings = std::make_unique<QSettings>(tmp.filePath("settings.ini"), QSettings::IniFormat);
    settings->setValue("compute/threads", 1);
    session = std::make_unique<ui::AppSession>(settings.get());
  }
};
