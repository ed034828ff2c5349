// `lora-studio-cli download` against a fake hub on 127.0.0.1 (tests/reference/fake_hub.py), which
// serves a tiny model made here in the Hugging Face Hub's and ModelScope's API shapes and misbehaves
// on demand. What a user would notice: the files arrive byte for byte, only those a model needs;
// a second run downloads nothing; a dropped or stalled connection is resumed, not restarted; a
// damaged file is fetched once more, then refused by name; and each failure says what to do. The
// fake's counters (bytes sent per file, each request's Range and Authorization) are the reference.
#include <QDirIterator>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include <atomic>
#include <memory>
#include <thread>

#include "download_messages.h"
#include "error.h"
#include "file_selection.h"
#include "hub_search.h"
#include "model_download.h"
#include "fake_hub_process.h"
#include "test_support.h"

namespace {

using test_support::FakeHub;

const QString kShard1 = "model-00001-of-00002.safetensors";
const QString kShard2 = "model-00002-of-00002.safetensors";
const QString kCommit = "0123456789abcdef0123456789abcdef01234567";

QByteArray read(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return file.readAll();
}

void write(const QString& path, const QByteArray& bytes) {
  QDir().mkpath(QFileInfo(path).path());
  QFile file(path);
  QVERIFY(file.open(QIODevice::WriteOnly));
  file.write(bytes);
}

QByteArray random_bytes(int size, int seed) {
  QByteArray bytes(size, 0);
  quint32 state = 2654435761u * static_cast<quint32>(seed + 1);
  for (int i = 0; i < size; ++i) {
    state = state * 1664525u + 1013904223u;
    bytes[i] = static_cast<char>(state >> 24);
  }
  return bytes;
}

// Every file under `folder`, relative, sorted.
QStringList files_under(const QString& folder) {
  QStringList files;
  QDirIterator it(folder, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
  while (it.hasNext()) files << QDir(folder).relativeFilePath(it.next());
  files.sort();
  return files;
}

struct Run {
  int exit_code = -1;
  QByteArray out, err;
  qint64 elapsed_ms = 0;
  QJsonObject summary() const { return QJsonDocument::fromJson(out.trimmed()).object(); }
};

}  // namespace

class TestDownload : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  QString source_;     // the tiny model the fake serves
  QString home_;       // HOME, HF_HOME, XDG dirs of the CLI: no saved token, no real models folder
  int case_ = 0;
  // The files a default download brings, and those it leaves out.
  const QStringList expected_ = {"LICENSE", "README.md", "chat_template.jinja", "config.json",
                                 "generation_config.json", kShard1, kShard2, "model.safetensors.index.json",
                                 "tokenizer_config.json"};

  QJsonObject repos() const {
    return {{"org/tiny", QJsonObject{{"dir", source_}, {"commit", kCommit}}},
            {"org/gated", QJsonObject{{"dir", source_}, {"commit", kCommit}, {"gated", true}}}};
  }
  QString fresh_dir() { return tmp_.path() + QString("/case-%1").arg(++case_); }

  // The CLI with a clean environment (no proxy, no HF_* / MODELSCOPE_* from the machine) plus `env`.
  QProcessEnvironment cli_environment(const QStringList& env = {}) const {
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString& name : environment.keys())
      if (name.startsWith("HF_") || name.startsWith("MODELSCOPE_") || name.toLower().endsWith("_proxy") ||
          name.startsWith("XDG_") || name == "HUGGING_FACE_HUB_TOKEN")
        environment.remove(name);
    environment.insert("HOME", home_);
    environment.insert("HF_HOME", home_ + "/hf");
    for (const QString& pair : env) environment.insert(pair.section('=', 0, 0), pair.section('=', 1));
    return environment;
  }

  Run download(const QStringList& args, const QStringList& env = {}) {
    QProcess process;
    process.setProcessEnvironment(cli_environment(env));
    QElapsedTimer timer;
    timer.start();
    process.start(test_support::cli_path(), QStringList{"download"} + args);
    Run run;
    if (!process.waitForStarted()) return run;
    process.waitForFinished(120000);
    run.elapsed_ms = timer.elapsed();
    run.exit_code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
  }

  void verify_complete_copy(const QString& folder) {
    QStringList files = files_under(folder);
    files.removeAll(".lora-studio-download.json");  // which files were checked, for the next run
    files.removeAll(".lora-studio-download.lock");  // one download per folder at a time
    QVERIFY2(files == expected_, qPrintable(files.join(", ")));
    for (const QString& name : expected_)
      QVERIFY2(read(folder + "/" + name) == read(source_ + "/" + name), qPrintable(name));
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    home_ = tmp_.path() + "/home";
    QDir().mkpath(home_);
    source_ = tmp_.path() + "/source";
    const auto made = test_support::run_cli({"make-tiny", source_, "--arch", "llama", "--shards", "2"});
    QVERIFY2(made.exit_code == 0, made.err.constData());
    write(source_ + "/README.md", "# tiny\n");
    write(source_ + "/LICENSE", "MIT\n");
    write(source_ + "/tokenizer_config.json", "{\"model_max_length\": 2048}\n");
    write(source_ + "/chat_template.jinja", "{% for m in messages %}{{ m.content }}{% endfor %}");
    // Other copies of the weights, which a default download leaves out.
    write(source_ + "/pytorch_model.bin", random_bytes(3000, 1));
    write(source_ + "/model.gguf", random_bytes(2000, 2));
    write(source_ + "/onnx/model.onnx", random_bytes(2000, 3));
    write(source_ + "/original/consolidated.00.pth", random_bytes(2000, 4));
    QVERIFY(QFileInfo(source_ + "/" + kShard1).size() > 100000);
  }

  void help_names_the_options() {
    const auto help = test_support::run_cli({"download", "--help"});
    QCOMPARE(help.exit_code, 0);
    for (const char* option : {"--revision", "--output", "--endpoint", "--source", "--token", "--include", "HF_ENDPOINT",
                               "HF_TOKEN", "MODELSCOPE_DOMAIN", "MODELSCOPE_API_TOKEN"})
      QVERIFY2(help.out.contains(option), option);
  }

  // The files a model needs, byte for byte; the weights' other formats are left out; the token goes
  // to the hub and not to the CDN the hub redirects to.
  void downloads_the_model_files_byte_for_byte() {
    FakeHub hub(tmp_.path(), repos(), {});
    QVERIFY(hub.ok());
    const QString out = fresh_dir();
    const Run run = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", out, "--token", "hf_reader"});
    QVERIFY2(run.exit_code == 0, run.err.constData());
    verify_complete_copy(out);
    QCOMPARE(run.summary()["files_downloaded"].toInt(), expected_.size());
    QCOMPARE(run.summary()["commit"].toString(), kCommit);
    // Each file sent once, whole.
    for (const QString& name : expected_) QCOMPARE(hub.bytes_sent(name), QFileInfo(source_ + "/" + name).size());
    QVERIFY(hub.bytes_sent("pytorch_model.bin") == 0 && hub.bytes_sent("model.gguf") == 0);
    // The weights came from the CDN (another host name and port) without the token; the hub got it.
    const auto cdn = hub.requests("cdn");
    QCOMPARE(cdn.size(), 2);
    for (const QJsonObject& request : cdn) QVERIFY(!request["authorization"].toBool());
    for (const QJsonObject& request : hub.requests("hub")) QVERIFY(request["authorization"].toBool());
    QVERIFY(!hub.requests("hub", "/resolve/" + kCommit + "/config.json").isEmpty());  // files of the listed commit
    QVERIFY(run.err.contains("[9/9]"));
  }

  void a_second_run_downloads_nothing() {
    const QString out = fresh_dir();
    {
      FakeHub hub(tmp_.path(), repos(), {});
      QVERIFY(hub.ok());
      const Run first = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", out});
      QVERIFY2(first.exit_code == 0, first.err.constData());
    }
    FakeHub hub(tmp_.path(), repos(), {});
    QVERIFY(hub.ok());
    const Run again = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", out});
    QVERIFY2(again.exit_code == 0, again.err.constData());
    QCOMPARE(again.summary()["bytes_received"].toInt(), 0);
    QCOMPARE(again.summary()["files_already_present"].toInt(), expected_.size());
    QVERIFY(hub.stats()["bytes_sent"].toObject().isEmpty());
    QCOMPARE(hub.requests("hub", "/resolve/").size(), 0);
    QCOMPARE(hub.requests("cdn").size(), 0);
    verify_complete_copy(out);
  }

  // A connection dropped halfway: the rest is asked for with a Range request, nothing is sent twice.
  void resumes_after_a_dropped_connection() {
    FakeHub hub(tmp_.path(), repos(), {{"drop", QJsonObject{{kShard1, 2}}}});
    QVERIFY(hub.ok());
    const QString out = fresh_dir();
    const Run run = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", out});
    QVERIFY2(run.exit_code == 0, run.err.constData());
    verify_complete_copy(out);
    const qint64 size = QFileInfo(source_ + "/" + kShard1).size();
    QCOMPARE(hub.bytes_sent(kShard1), size);
    const auto requests = hub.requests("cdn", kShard1);
    QCOMPARE(requests.size(), 3);
    QCOMPARE(requests[1]["range"].toString(), QString("bytes=%1-").arg(size / 2));
    QVERIFY(run.err.contains("the connection dropped"));
  }

  // The same after the program stopped: the .part left behind is continued by the next run.
  void resumes_a_part_file_from_an_earlier_run() {
    FakeHub hub(tmp_.path(), repos(), {{"drop", QJsonObject{{kShard1, 1}}}});
    QVERIFY(hub.ok());
    const QString out = fresh_dir();
    const Run failed = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", out, "--retries", "0"});
    QCOMPARE(failed.exit_code, 1);
    QVERIFY2(failed.err.contains("dropped while downloading " + kShard1.toUtf8()), failed.err.constData());
    const qint64 size = QFileInfo(source_ + "/" + kShard1).size();
    QCOMPARE(QFileInfo(out + "/" + kShard1 + ".part").size(), size / 2);
    QVERIFY(!QFile::exists(out + "/" + kShard1));  // the folder does not look complete

    const Run resumed = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", out});
    QVERIFY2(resumed.exit_code == 0, resumed.err.constData());
    verify_complete_copy(out);
    QCOMPARE(hub.bytes_sent(kShard1), size);
    QCOMPARE(hub.requests("cdn", kShard1).last()["range"].toString(), QString("bytes=%1-").arg(size / 2));
  }

  // A connection that goes silent is given up after --timeout and resumed.
  void a_stalled_connection_is_resumed() {
    FakeHub hub(tmp_.path(), repos(), {{"stall", QJsonObject{{kShard2, QJsonArray{1, 60}}}}});
    QVERIFY(hub.ok());
    const QString out = fresh_dir();
    const Run run = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", out, "--timeout", "1"});
    QVERIFY2(run.exit_code == 0, run.err.constData());
    verify_complete_copy(out);
    QVERIFY2(run.elapsed_ms < 30000, qPrintable(QString::number(run.elapsed_ms)));
    QVERIFY2(run.err.contains("no data for 1 s"), run.err.constData());
    QCOMPARE(hub.bytes_sent(kShard2), QFileInfo(source_ + "/" + kShard2).size());
  }

  // A file that arrives damaged once is removed and fetched again.
  void a_damaged_file_is_downloaded_again() {
    FakeHub hub(tmp_.path(), repos(), {{"corrupt", QJsonObject{{kShard1, 1}}}});
    QVERIFY(hub.ok());
    const QString out = fresh_dir();
    const Run run = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", out});
    QVERIFY2(run.exit_code == 0, run.err.constData());
    verify_complete_copy(out);
    QVERIFY2(run.err.contains(kShard1.toUtf8() + ": the sha256 does not match"), run.err.constData());
    QCOMPARE(hub.bytes_sent(kShard1), 2 * QFileInfo(source_ + "/" + kShard1).size());
  }

  // Twice damaged: an error naming the file, and neither the file nor its .part is left.
  void a_file_that_never_matches_its_checksum_is_an_error() {
    FakeHub hub(tmp_.path(), repos(), {{"wrong_sha256", QJsonArray{kShard1}}});
    QVERIFY(hub.ok());
    const QString out = fresh_dir();
    const Run run = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", out});
    QCOMPARE(run.exit_code, 1);
    QVERIFY2(run.err.contains("error: " + kShard1.toUtf8() + ": the file downloaded twice does not match the sha256"),
             run.err.constData());
    QVERIFY(!QFile::exists(out + "/" + kShard1));
    QVERIFY(!QFile::exists(out + "/" + kShard1 + ".part"));
    QCOMPARE(hub.requests("cdn", kShard1).size(), 2);
  }

  // The free space is checked before anything is downloaded (here the hub lists a 2 PB file).
  void not_enough_free_space_is_said_before_downloading() {
    FakeHub hub(tmp_.path(), repos(), {{"listed_size", QJsonObject{{kShard1, 2e15}}}});
    QVERIFY(hub.ok());
    const QString out = fresh_dir();
    const Run run = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", out});
    QCOMPARE(run.exit_code, 1);
    QVERIFY2(run.err.contains("not enough free space in " + out.toUtf8() + ": the download needs 2000.0 TB more"),
             run.err.constData());
    QCOMPARE(hub.requests("hub", "/resolve/").size(), 0);
  }

  // A file whose size differs from the listed one is fetched again, then refused by name.
  void a_file_of_the_wrong_size_is_an_error() {
    FakeHub hub(tmp_.path(), repos(), {{"listed_size", QJsonObject{{"config.json", 5}}}});
    QVERIFY(hub.ok());
    const QString out = fresh_dir();
    const Run run = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", out});
    QCOMPARE(run.exit_code, 1);
    QVERIFY2(run.err.contains(QString("config.json: the file downloaded has %1 bytes, Hugging Face lists 5")
                                  .arg(QFileInfo(source_ + "/config.json").size())
                                  .toUtf8()),
             run.err.constData());
    QVERIFY(!QFile::exists(out + "/config.json") && !QFile::exists(out + "/config.json.part"));
  }

  void an_unknown_model_says_so() {
    FakeHub hub(tmp_.path(), repos(), {});
    QVERIFY(hub.ok());
    // The Hub answers 401 without a token: the message still says the model is not there.
    const Run anonymous = download({"org/missing", "--endpoint", hub.endpoint(), "--output", fresh_dir()});
    QCOMPARE(anonymous.exit_code, 1);
    QVERIFY2(anonymous.err.contains("has no model org/missing. Check the id"), anonymous.err.constData());
    QVERIFY(anonymous.err.contains("HF_TOKEN"));
    const Run with_token =
        download({"org/missing", "--endpoint", hub.endpoint(), "--output", fresh_dir(), "--token", "hf_reader"});
    QCOMPARE(with_token.exit_code, 1);
    QVERIFY2(with_token.err.contains("has no model org/missing, or the account of the token"), with_token.err.constData());
    const Run bad_token = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", fresh_dir(), "--token", "hf_typo"});
    QCOMPARE(bad_token.exit_code, 1);
    QVERIFY2(bad_token.err.contains("refused the access token"), bad_token.err.constData());
    const Run bad_revision = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", fresh_dir(), "--revision", "v9"});
    QCOMPARE(bad_revision.exit_code, 1);
    QVERIFY2(bad_revision.err.contains("has no revision 'v9' of org/tiny"), bad_revision.err.constData());
    const Run bad_id = download({"not a repo", "--endpoint", hub.endpoint(), "--output", fresh_dir()});
    QCOMPARE(bad_id.exit_code, 1);
    QVERIFY2(bad_id.err.contains("is not a model id"), bad_id.err.constData());
  }

  // A gated model shows itself only when a file is fetched (401/403 with X-Error-Code GatedRepo).
  void a_gated_model_says_how_to_get_access() {
    FakeHub hub(tmp_.path(), repos(), {});
    QVERIFY(hub.ok());
    const QString out = fresh_dir();
    const Run anonymous = download({"org/gated", "--endpoint", hub.endpoint(), "--output", out});
    QCOMPARE(anonymous.exit_code, 1);
    QVERIFY2(anonymous.err.contains("org/gated is a gated model"), anonymous.err.constData());
    QVERIFY(anonymous.err.contains(hub.endpoint().toUtf8() + "/org/gated"));  // where to ask for access
    QVERIFY(anonymous.err.contains("--token or HF_TOKEN"));                  // where the token goes
    QVERIFY(!QFile::exists(out + "/config.json"));
    const Run not_granted = download({"org/gated", "--endpoint", hub.endpoint(), "--output", out, "--token", "hf_reader"});
    QCOMPARE(not_granted.exit_code, 1);
    QVERIFY2(not_granted.err.contains("the account of the token given has no access yet"), not_granted.err.constData());
    // HF_TOKEN is the token when --token is not given.
    const Run granted = download({"org/gated", "--endpoint", hub.endpoint(), "--output", out}, {"HF_TOKEN=hf_granted"});
    QVERIFY2(granted.exit_code == 0, granted.err.constData());
    verify_complete_copy(out);
    // Without either, the token `hf auth login` saved in $HF_HOME/token.
    const QString hf_home = fresh_dir();
    write(hf_home + "/token", "hf_granted\n");
    const QString saved_out = fresh_dir();
    const Run saved = download({"org/gated", "--endpoint", hub.endpoint(), "--output", saved_out}, {"HF_HOME=" + hf_home});
    QVERIFY2(saved.exit_code == 0, saved.err.constData());
    verify_complete_copy(saved_out);
  }

  void rate_limiting_is_waited_out() {
    FakeHub hub(tmp_.path(), repos(),
                {{"listing_status", QJsonObject{{"status", 429}, {"count", 2}, {"headers", QJsonObject{{"Retry-After", "1"}}}}}});
    QVERIFY(hub.ok());
    const QString out = fresh_dir();
    const Run run = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", out});
    QVERIFY2(run.exit_code == 0, run.err.constData());
    verify_complete_copy(out);
    QCOMPARE(run.err.count("is limiting the rate of requests (HTTP 429); trying again in 1 s"), 2);
    QVERIFY(run.elapsed_ms >= 2000);  // Retry-After honoured
    QCOMPARE(hub.requests("hub", "/api/models/").size(), 3);
  }

  void rate_limiting_that_goes_on_is_an_error() {
    FakeHub hub(tmp_.path(), repos(),
                {{"listing_status", QJsonObject{{"status", 429}, {"headers", QJsonObject{{"Retry-After", "1"}}}}}});
    QVERIFY(hub.ok());
    const Run run = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", fresh_dir(), "--retries", "1"});
    QCOMPARE(run.exit_code, 1);
    QVERIFY2(run.err.contains("is limiting the rate of requests (HTTP 429, attempts: 2); wait a few minutes"),
             run.err.constData());
  }

  void server_errors_forbidden_and_missing_files_are_named() {
    {
      FakeHub hub(tmp_.path(), repos(), {{"file_status", QJsonObject{{"config.json", QJsonObject{{"status", 500}}}}}});
      QVERIFY(hub.ok());
      const Run run = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", fresh_dir(), "--retries", "1"});
      QCOMPARE(run.exit_code, 1);
      QVERIFY2(run.err.contains("answered HTTP 500 for config.json (attempts: 2)"), run.err.constData());
      QCOMPARE(hub.requests("hub", "/config.json").size(), 2);
    }
    {
      FakeHub hub(tmp_.path(), repos(),
                  {{"listing_status", QJsonObject{{"status", 403},
                                                  {"headers", QJsonObject{{"X-Error-Message", "Access to this resource is disabled."}}}}}});
      QVERIFY(hub.ok());
      const Run run = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", fresh_dir()});
      QCOMPARE(run.exit_code, 1);
      QVERIFY2(run.err.contains("refused access to org/tiny (HTTP 403): Access to this resource is disabled."),
               run.err.constData());
      QCOMPARE(hub.requests("hub").size(), 1);  // a refusal is not tried again
    }
    {
      FakeHub hub(tmp_.path(), repos(),
                  {{"file_status", QJsonObject{{"README.md", QJsonObject{{"status", 404},
                                                                          {"headers", QJsonObject{{"X-Error-Code", "EntryNotFound"}}}}}}}});
      QVERIFY(hub.ok());
      const Run run = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", fresh_dir()});
      QCOMPARE(run.exit_code, 1);
      QVERIFY2(run.err.contains("the file README.md of org/tiny is not in revision main"), run.err.constData());
    }
  }

  void no_network_is_said_plainly() {
    // Port 1 on this machine: nothing listens, the connection is refused.
    const Run run = download({"org/tiny", "--endpoint", "http://127.0.0.1:1", "--output", fresh_dir(), "--retries", "1"});
    QCOMPARE(run.exit_code, 1);
    QVERIFY2(run.err.contains("error: cannot reach 127.0.0.1:1"), run.err.constData());
    QVERIFY(run.err.contains("attempts: 2"));
    QVERIFY(run.err.contains("proxy"));
  }

  // Two downloads into one folder would write the same .part files: the second is refused.
  void one_download_per_folder_at_a_time() {
    FakeHub hub(tmp_.path(), repos(), {{"stall", QJsonObject{{kShard1, QJsonArray{1, 60}}}}});
    QVERIFY(hub.ok());
    const QString out = fresh_dir();
    QProcess first;
    first.setProcessEnvironment(cli_environment());
    first.start(test_support::cli_path(), {"download", "org/tiny", "--endpoint", hub.endpoint(), "--output", out,
                                           "--timeout", "60"});
    QVERIFY(first.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(out + "/" + kShard1 + ".part").size() > 0, 30000);
    const Run second = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", out});
    first.kill();
    first.waitForFinished();
    QCOMPARE(second.exit_code, 1);
    QVERIFY2(second.err.contains("another download into " + out.toUtf8() + " is under way"), second.err.constData());
    // Once the first one is gone, the folder is free again and the download completes.
    FakeHub healthy(tmp_.path(), repos(), {});
    const Run third = download({"org/tiny", "--endpoint", healthy.endpoint(), "--output", out});
    QVERIFY2(third.exit_code == 0, third.err.constData());
    verify_complete_copy(out);
  }

  void a_token_with_a_line_break_is_refused() {
    const Run run = download({"org/tiny", "--endpoint", "http://127.0.0.1:1", "--output", fresh_dir(), "--token",
                              "hf_reader\r\nX-Injected: 1"});
    QCOMPARE(run.exit_code, 1);
    QVERIFY2(run.err.contains("the access token contains a space, line break"), run.err.constData());
  }

  // HF_ENDPOINT picks the hub (a mirror); --endpoint wins over it, as in huggingface_hub.
  void hf_endpoint_and_endpoint_option() {
    FakeHub hub(tmp_.path(), repos(), {});
    QVERIFY(hub.ok());
    const QString by_env = fresh_dir();
    const Run env = download({"org/tiny", "--output", by_env}, {"HF_ENDPOINT=" + hub.endpoint() + "/"});
    QVERIFY2(env.exit_code == 0, env.err.constData());
    verify_complete_copy(by_env);
    QCOMPARE(env.summary()["endpoint"].toString(), hub.endpoint());
    const QString by_option = fresh_dir();
    const Run option = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", by_option},
                                {"HF_ENDPOINT=http://127.0.0.1:1", "HF_TOKEN=hf_typo"});
    QVERIFY2(option.exit_code != 0, option.err.constData());  // HF_TOKEN is used: the fake refuses hf_typo
    QVERIFY(option.err.contains("refused the access token"));
    const Run both = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", by_option, "--token", "hf_reader"},
                              {"HF_ENDPOINT=http://127.0.0.1:1", "HF_TOKEN=hf_typo"});
    QVERIFY2(both.exit_code == 0, both.err.constData());
    verify_complete_copy(by_option);
  }

  // Without --output: ORG/NAME in the window's models folder ($XDG_DATA_HOME/lora-studio/models).
  void the_default_folder_is_in_the_models_folder() {
    FakeHub hub(tmp_.path(), repos(), {});
    QVERIFY(hub.ok());
    const QString data_home = fresh_dir();
    const Run run = download({"org/tiny", "--endpoint", hub.endpoint()}, {"XDG_DATA_HOME=" + data_home});
    QVERIFY2(run.exit_code == 0, run.err.constData());
    verify_complete_copy(data_home + "/lora-studio/models/org/tiny");
  }

  void include_adds_files() {
    FakeHub hub(tmp_.path(), repos(), {});
    QVERIFY(hub.ok());
    const QString out = fresh_dir();
    const Run run = download({"org/tiny", "--endpoint", hub.endpoint(), "--output", out, "--include", "*.gguf, onnx/"});
    QVERIFY2(run.exit_code == 0, run.err.constData());
    QVERIFY(read(out + "/model.gguf") == read(source_ + "/model.gguf"));
    QVERIFY(read(out + "/onnx/model.onnx") == read(source_ + "/onnx/model.onnx"));
    QVERIFY(!QFile::exists(out + "/pytorch_model.bin"));
    QVERIFY(!QFile::exists(out + "/original/consolidated.00.pth"));
    QVERIFY(read(out + "/" + kShard1) == read(source_ + "/" + kShard1));
  }

  // ModelScope's API: its file list and file URLs, revision master, every file checked by sha256.
  void modelscope_source() {
    FakeHub hub(tmp_.path(), repos(), {});
    QVERIFY(hub.ok());
    const QString out = fresh_dir();
    const Run run = download({"org/tiny", "--source", "modelscope", "--endpoint", hub.endpoint(), "--output", out});
    QVERIFY2(run.exit_code == 0, run.err.constData());
    verify_complete_copy(out);
    QCOMPARE(run.summary()["revision"].toString(), QString("master"));
    QCOMPARE(hub.requests("hub", "/api/v1/models/org/tiny/repo/files?Revision=master&Recursive=True").size(), 1);
    QCOMPARE(hub.requests("hub", "/api/v1/models/org/tiny/repo?Revision=master&FilePath=").size(), expected_.size());
    const Run again = download({"org/tiny", "--source", "modelscope", "--output", out},
                               {"MODELSCOPE_DOMAIN=" + hub.endpoint()});
    QVERIFY2(again.exit_code == 0, again.err.constData());
    QCOMPARE(again.summary()["bytes_received"].toInt(), 0);
    const Run missing = download({"org/missing", "--source", "modelscope", "--endpoint", hub.endpoint(), "--output", fresh_dir()});
    QCOMPARE(missing.exit_code, 1);
    QVERIFY2(missing.err.contains("ModelScope (127.0.0.1:"), missing.err.constData());
    QVERIFY(missing.err.contains("has no model org/missing at revision 'master'"));
  }

  // A private ModelScope model: refused without a token, with a message saying where it goes;
  // MODELSCOPE_API_TOKEN is the token when --token is not given.
  void modelscope_private_model_needs_a_token() {
    QJsonObject with_private = repos();
    with_private["org/private"] = QJsonObject{{"dir", source_}, {"commit", kCommit}, {"private", true}};
    FakeHub hub(tmp_.path(), with_private, {});
    QVERIFY(hub.ok());
    const QString out = fresh_dir();
    const Run refused = download({"org/private", "--source", "modelscope", "--endpoint", hub.endpoint(), "--output", out});
    QCOMPARE(refused.exit_code, 1);
    QVERIFY2(refused.err.contains("refused access to org/private (HTTP 401): a private model needs an access token "
                                  "(MODELSCOPE_API_TOKEN"),
             refused.err.constData());
    const Run granted = download({"org/private", "--source", "modelscope", "--endpoint", hub.endpoint(), "--output", out},
                                 {"MODELSCOPE_API_TOKEN=hf_reader"});
    QVERIFY2(granted.exit_code == 0, granted.err.constData());
    verify_complete_copy(out);
  }

  void modelscope_checks_every_file_sha256() {
    // config.json is a small file: the Hub lists no sha256 for it, ModelScope does.
    FakeHub hub(tmp_.path(), repos(), {{"wrong_sha256", QJsonArray{"config.json"}}});
    QVERIFY(hub.ok());
    const QString out = fresh_dir();
    const Run run = download({"org/tiny", "--source", "modelscope", "--endpoint", hub.endpoint(), "--output", out});
    QCOMPARE(run.exit_code, 1);
    QVERIFY2(run.err.contains("config.json: the file downloaded twice does not match the sha256 ModelScope lists"),
             run.err.constData());
    QVERIFY(!QFile::exists(out + "/config.json") && !QFile::exists(out + "/config.json.part"));
  }

  // --include and the default choice match like huggingface_hub's filter_repo_objects: Python's
  // fnmatch.fnmatchcase on the whole path, "dir/" meaning "dir/*". Python is the reference.
  void patterns_match_like_fnmatchcase() {
    const QStringList patterns = {"*.safetensors", "config.json", "onnx/", "onnx/*", "*/*.bin", "**/*.gguf",
                                  "model-0000[1-2]-of-*.safetensors", "[!m]*.json", "?onfig.json", "README*",
                                  "*[", "[]]x", "[a-c]", "*.[jt]son", "original/*.pth", "*", "*/", "tokenizer.*"};
    const QStringList paths = {"config.json", "generation_config.json", "model.safetensors", "sub/model.safetensors",
                               "model-00001-of-00002.safetensors", "model-00003-of-00003.safetensors",
                               "onnx/model.onnx", "onnx/sub/x.bin", "original/consolidated.00.pth", "a.gguf",
                               "deep/er/a.gguf", "README.md", "x[", "]x", "b", "d", "tokenizer.json", "tokenizer.model",
                               "conf.tson", "Config.json", "pytorch_model.bin"};
    QProcess python;
    python.start("python3", {"-c",
                             "import sys, json, fnmatch\n"
                             "data = json.load(sys.stdin)\n"
                             "fix = lambda p: p + '*' if p.endswith('/') else p\n"
                             "print(json.dumps([[fnmatch.fnmatchcase(path, fix(p)) for path in data['paths']]"
                             " for p in data['patterns']]))"});
    QVERIFY(python.waitForStarted());
    python.write(QJsonDocument(QJsonObject{{"patterns", QJsonArray::fromStringList(patterns)},
                                           {"paths", QJsonArray::fromStringList(paths)}})
                     .toJson());
    python.closeWriteChannel();
    QVERIFY(python.waitForFinished(30000));
    const QJsonArray expected = QJsonDocument::fromJson(python.readAllStandardOutput()).array();
    QCOMPARE(expected.size(), patterns.size());
    for (int p = 0; p < patterns.size(); ++p)
      for (int f = 0; f < paths.size(); ++f)
        QVERIFY2(lora::download::glob_match(patterns[p].toStdString(), paths[f].toStdString()) ==
                     expected[p].toArray()[f].toBool(),
                 qPrintable(patterns[p] + " ~ " + paths[f]));
  }

  // The default choice on the listings of real repositories (file names as on the Hub).
  void the_default_choice_takes_what_a_model_needs() {
    auto chosen = [](const std::vector<std::string>& paths, const std::vector<std::string>& include = {}) {
      QStringList names;
      for (size_t i : lora::download::select_files(paths, include)) names << QString::fromStdString(paths[i]);
      return names;
    };
    // meta-llama/Llama-3.2-1B-Instruct: safetensors, plus the original/ checkpoint.
    const std::vector<std::string> llama = {".gitattributes", "LICENSE.txt", "README.md", "USE_POLICY.md", "config.json",
                                            "generation_config.json", "model.safetensors", "original/consolidated.00.pth",
                                            "original/params.json", "original/tokenizer.model", "special_tokens_map.json",
                                            "tokenizer.json", "tokenizer_config.json"};
    QCOMPARE(chosen(llama), (QStringList{"LICENSE.txt", "README.md", "config.json", "generation_config.json",
                                         "model.safetensors", "special_tokens_map.json", "tokenizer.json",
                                         "tokenizer_config.json"}));
    QCOMPARE(chosen(llama, {"original/"}).size(), 11);
    // Qwen/Qwen2.5-0.5B-Instruct-style: sharded safetensors, a .bin copy, onnx/ and a gguf.
    const std::vector<std::string> qwen = {"config.json", "merges.txt", "vocab.json", "tokenizer.json",
                                           "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                                           "model.safetensors.index.json", "pytorch_model.bin", "onnx/model.onnx",
                                           "onnx/model.safetensors", "qwen.Q4_K_M.gguf", "chat_template.jinja"};
    QCOMPARE(chosen(qwen), (QStringList{"config.json", "merges.txt", "vocab.json", "tokenizer.json",
                                        "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                                        "model.safetensors.index.json", "chat_template.jinja"}));
    // No safetensors at all: the PyTorch weights are the model.
    const std::vector<std::string> old_repo = {"config.json", "pytorch_model-00001-of-00002.bin",
                                               "pytorch_model-00002-of-00002.bin", "pytorch_model.bin.index.json",
                                               "tf_model.h5", "vocab.json", "merges.txt"};
    QCOMPARE(chosen(old_repo), (QStringList{"config.json", "pytorch_model-00001-of-00002.bin",
                                            "pytorch_model-00002-of-00002.bin", "pytorch_model.bin.index.json",
                                            "vocab.json", "merges.txt"}));
    QCOMPARE(lora::download::split_patterns(" *.gguf, onnx/ ,,x"), (std::vector<std::string>{"*.gguf", "onnx/", "x"}));
  }

  // The engine API as the window drives it from a worker thread: progress per file and overall.
  void progress_reports_each_file_and_the_total() {
    FakeHub hub(tmp_.path(), repos(), {});
    QVERIFY(hub.ok());
    lora::download::DownloadRequest request;
    request.repo_id = "org/tiny";
    request.endpoint = hub.endpoint().toStdString();
    request.output_dir = fresh_dir().toStdString();
    std::vector<lora::download::DownloadProgress> reports;
    request.on_progress = [&](const lora::download::DownloadProgress& progress) { reports.push_back(progress); };
    const lora::download::DownloadResult result = lora::download::download_model(request);
    QVERIFY(reports.size() >= 2);
    qint64 total = 0;
    for (const QString& name : expected_) total += QFileInfo(source_ + "/" + name).size();
    QCOMPARE(static_cast<qint64>(result.total_bytes), total);
    QCOMPARE(static_cast<qint64>(result.bytes_received), total);
    // The first report is the plan; done_bytes only grows; the last one is complete.
    QCOMPARE(reports.front().files_total, expected_.size());
    QCOMPARE(static_cast<qint64>(reports.front().total_bytes), total);
    for (size_t i = 1; i < reports.size(); ++i) QVERIFY(reports[i].done_bytes >= reports[i - 1].done_bytes);
    const auto& last = reports.back();
    QCOMPARE(last.files_done, expected_.size());
    QCOMPARE(static_cast<qint64>(last.done_bytes), total);
    for (const auto& file : last.files) {
      QCOMPARE(static_cast<int>(file.state), static_cast<int>(lora::download::FileProgress::State::done));
      QCOMPARE(file.done_bytes, file.total_bytes);
      QCOMPARE(static_cast<qint64>(file.total_bytes), QFileInfo(source_ + "/" + QString::fromStdString(file.path)).size());
    }
    int done_events = 0;
    for (const auto& report : reports)
      done_events += report.changed_file < report.files.size() &&
                     report.files[report.changed_file].state == lora::download::FileProgress::State::done;
    QCOMPARE(done_events, expected_.size());
  }

  // Cancel: the download stops within moments, with the cancelled message, and keeps its .part.
  void cancel_stops_and_keeps_the_part_file() {
    FakeHub hub(tmp_.path(), repos(), {{"stall", QJsonObject{{kShard2, QJsonArray{1, 60}}}}});
    QVERIFY(hub.ok());
    lora::download::DownloadRequest request;
    request.repo_id = "org/tiny";
    request.endpoint = hub.endpoint().toStdString();
    const QString out = fresh_dir();
    request.output_dir = out.toStdString();
    std::atomic_bool cancel{false};
    request.cancel = &cancel;
    std::thread canceller([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      cancel = true;
    });
    QElapsedTimer timer;
    timer.start();
    bool cancelled = false;
    try {
      lora::download::download_model(request);
    } catch (const lora::Error& e) {
      cancelled = e.message().id() == lora::Message(lora::msg::Download::cancelled).id();
    }
    canceller.join();
    QVERIFY(cancelled);
    QVERIFY2(timer.elapsed() < 10000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(QFileInfo(out + "/" + kShard2 + ".part").size(), QFileInfo(source_ + "/" + kShard2).size() / 2);
    QVERIFY(!QFile::exists(out + "/" + kShard2));
  }

  // The Download dialog's search: text-generation models by name, most downloaded first, with size.
  void search_finds_models_by_name() {
    QJsonObject many = repos();
    many["org/tiny"] = QJsonObject{{"dir", source_}, {"commit", kCommit}, {"downloads", 50}, {"parameters", 123456}};
    many["other/tiny-chat"] = QJsonObject{{"dir", source_}, {"commit", kCommit}, {"downloads", 900}};
    many["other/unrelated"] = QJsonObject{{"dir", source_}, {"commit", kCommit}, {"downloads", 5000}};
    FakeHub hub(tmp_.path(), many, {});
    QVERIFY(hub.ok());
    lora::download::SearchRequest request;
    request.endpoint = hub.endpoint().toStdString();
    request.query = "TINY";
    const auto models = lora::download::search_models(request);
    QCOMPARE(models.size(), size_t(2));
    QCOMPARE(QString::fromStdString(models[0].id), QString("other/tiny-chat"));
    QCOMPARE(models[0].downloads, 900);
    QCOMPARE(models[0].parameters, -1);
    QCOMPARE(QString::fromStdString(models[1].id), QString("org/tiny"));
    QCOMPARE(models[1].parameters, 123456);
    qint64 storage = 0;
    for (const QString& name : files_under(source_)) storage += QFileInfo(source_ + "/" + name).size();
    QCOMPARE(models[1].storage_bytes, storage);
    QVERIFY(!models[1].gated);
    const auto request_path = hub.requests("hub", "/api/models?").value(0)["path"].toString();
    QVERIFY2(request_path.contains("search=TINY") && request_path.contains("pipeline_tag=text-generation") &&
                 request_path.contains("sort=downloads"),
             qPrintable(request_path));
  }
};

QTEST_GUILESS_MAIN(TestDownload)
#include "test_download.moc"
