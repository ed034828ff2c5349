#pragma once
// tests/reference/fake_hub.py as a child process, for one test: started with its repos and faults,
// stopped when it goes out of scope; its counters (bytes sent per file, every request) read back.
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QString>

#include "test_support.h"

namespace test_support {

class FakeHub {
 public:
  FakeHub(const QString& work_dir, const QJsonObject& repos, const QJsonObject& faults) {
    stats_path_ = work_dir + "/stats.json";
    QFile::remove(stats_path_);
    QJsonObject config{{"repos", repos},
                       {"tokens", QJsonArray{"hf_reader", "hf_granted"}},
                       {"granted", QJsonArray{"hf_granted"}},
                       {"faults", faults},
                       {"stats", stats_path_}};
    const QString config_path = work_dir + "/fake_hub.json";
    QFile config_file(config_path);
    if (!config_file.open(QIODevice::WriteOnly)) return;
    config_file.write(QJsonDocument(config).toJson());
    config_file.close();
    process_.start("python3", {test_support::reference_dir() + "/fake_hub.py", config_path});
    if (!process_.waitForStarted(10000)) return;
    QElapsedTimer timer;
    timer.start();
    while (!process_.canReadLine() && timer.elapsed() < 20000) process_.waitForReadyRead(200);
    const QJsonObject ports = QJsonDocument::fromJson(process_.readLine()).object();
    hub_port_ = ports["hub"].toInt();
  }
  ~FakeHub() {
    process_.kill();
    process_.waitForFinished(5000);
  }
  bool ok() const { return hub_port_ > 0; }
  QString endpoint() const { return QString("http://127.0.0.1:%1").arg(hub_port_); }
  QJsonObject stats() const {
    QFile file(stats_path_);
    return file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll()).object() : QJsonObject();
  }
  qint64 bytes_sent(const QString& path) const {
    return static_cast<qint64>(stats()["bytes_sent"].toObject()[path].toDouble());
  }
  QList<QJsonObject> requests(const QString& server, const QString& path_part = {}) const {
    QList<QJsonObject> found;
    for (const QJsonValue& value : stats()["requests"].toArray()) {
      const QJsonObject request = value.toObject();
      if (request["server"].toString() == server && request["path"].toString().contains(path_part)) found << request;
    }
    return found;
  }

 private:
  QProcess process_;
  QString stats_path_;
  int hub_port_ = 0;
};


}  // namespace test_support
