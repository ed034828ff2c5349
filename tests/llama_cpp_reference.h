#pragma once
// llama.cpp itself as a test reference: tests/reference/gguf_reference.mjs (node-llama-cpp's prebuilt
// CPU library, 1 thread, F32 KV cache, greedy) given a JSON request on stdin; its input and output
// are documented at the top of that file.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QtTest>

#include "test_support.h"

namespace test_support {

// The parsed answer to `request`; a failed check (and an empty object) when node or the script fails.
inline QJsonObject llama_cpp_reference(const QJsonObject& request) {
  const QString node = QStandardPaths::findExecutable("node");
  if (node.isEmpty()) {
    QTest::qFail("node is not installed: the llama.cpp reference needs it (scripts/setup.sh installs it)", __FILE__,
                 __LINE__);
    return {};
  }
  QProcess process;
  process.setWorkingDirectory(test_support::reference_dir());
  process.start(node, {test_support::reference_dir() + "/gguf_reference.mjs"});
  if (!process.waitForStarted()) {
    QTest::qFail("cannot start node", __FILE__, __LINE__);
    return {};
  }
  process.write(QJsonDocument(request).toJson(QJsonDocument::Compact));
  process.closeWriteChannel();
  process.waitForFinished(300000);
  const QByteArray out = process.readAllStandardOutput();
  if (process.exitCode() != 0 || out.isEmpty()) {
    QTest::qFail(qPrintable("gguf_reference.mjs failed: " +
                            QString::fromUtf8(process.readAllStandardError().right(2000))),
                 __FILE__, __LINE__);
    return {};
  }
  return QJsonDocument::fromJson(out).object();
}

}  // namespace test_support
