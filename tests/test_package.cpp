// The Debian package: built with CPack from this build, installed into a clean root with dpkg,
// its programs started from the installed paths, then removed without leaving files behind.
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "test_support.h"

namespace {

struct Run {
  int exit_code = -1;
  QByteArray out;
  QByteArray err;
};

Run run(const QString& program, const QStringList& args, const QString& working_dir = {},
        const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(), int timeout_ms = 300000) {
  QProcess process;
  process.setProcessEnvironment(env);
  if (!working_dir.isEmpty()) process.setWorkingDirectory(working_dir);
  process.start(program, args);
  Run result;
  if (!process.waitForStarted()) {
    result.err = "could not start " + program.toUtf8();
    return result;
  }
  if (!process.waitForFinished(timeout_ms)) process.kill();
  result.exit_code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
  result.out = process.readAllStandardOutput();
  result.err = process.readAllStandardError();
  return result;
}

QStringList files_under(const QString& root, const QString& except) {
  QStringList files;
  QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
  while (it.hasNext()) {
    const QString path = it.next();
    if (!path.contains(except)) files << QDir(root).relativeFilePath(path);
  }
  return files;
}

}  // namespace

class TestPackage : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  QString deb_;
  QString root_;
  QProcessEnvironment env_ = QProcessEnvironment::systemEnvironment();

  // dpkg on a root of its own: no superuser, and the dependencies are the host's (already installed).
  QStringList dpkg_args(const QStringList& action) const {
    return QStringList{"--root=" + root_, "--force-not-root", "--force-depends", "--log=/dev/null"} + action;
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    // dpkg looks for ldconfig and friends on PATH even when it runs none of them.
    env_.insert("PATH", env_.value("PATH") + ":/usr/local/sbin:/usr/sbin:/sbin");
    const QString build_dir = QFileInfo(test_support::cli_path()).absoluteDir().absoluteFilePath("..");
    const Run cpack = run("cpack", {"-G", "DEB", "-B", tmp_.path() + "/out", "--config", build_dir + "/CPackConfig.cmake"});
    QVERIFY2(cpack.exit_code == 0, (cpack.out + cpack.err).constData());
    const QStringList debs = QDir(tmp_.path() + "/out").entryList({"lora-studio_*_amd64.deb"}, QDir::Files);
    QCOMPARE(debs.size(), 1);
    deb_ = tmp_.path() + "/out/" + debs.first();
    root_ = tmp_.path() + "/root";
    QVERIFY(QDir().mkpath(root_ + "/var/lib/dpkg/info") && QDir().mkpath(root_ + "/var/lib/dpkg/updates"));
    QFile status(root_ + "/var/lib/dpkg/status");
    QVERIFY(status.open(QIODevice::WriteOnly));
  }

  void dependencies_come_from_the_libraries_scan() {
    const Run depends = run("dpkg-deb", {"-f", deb_, "Depends"});
    QCOMPARE(depends.exit_code, 0);
    // What the binaries link, each named by dpkg-shlibdeps with a version.
    for (const char* package : {"libtorch", "libqt6widgets6", "libqcustomplot2.1-qt6", "libpcre2-8-0", "libutf8proc2", "libc6"})
      QVERIFY2(depends.out.contains(package), depends.out.constData());
    QVERIFY2(!depends.out.contains("lora-studio"), depends.out.constData());
  }

  void package_holds_what_a_desktop_program_needs() {
    const Run listing = run("dpkg-deb", {"-c", deb_});
    QCOMPARE(listing.exit_code, 0);
    for (const char* path :
         {"./usr/bin/lora-studio", "./usr/bin/lora-studio-cli",
          "./usr/share/applications/org.lorastudio.LoraStudio.desktop",
          "./usr/share/metainfo/org.lorastudio.LoraStudio.metainfo.xml",
          "./usr/share/icons/hicolor/48x48/apps/lora-studio.png", "./usr/share/icons/hicolor/256x256/apps/lora-studio.png",
          "./usr/share/icons/hicolor/scalable/apps/lora-studio.svg", "./usr/share/man/man1/lora-studio-cli.1.gz",
          "./usr/share/man/man1/lora-studio.1.gz", "./usr/share/lora-studio/demo/demo_dataset.json",
          "./usr/share/lora-studio/demo/tokenizer/tokenizer.json",
          "./usr/lib/lora-studio/plugins/liblora_spm_bridge.so"})
      QVERIFY2(listing.out.contains(QByteArray(path) + "\n"), path);
    // No maintainer scripts: installing runs nothing as root.
    const Run control = run("dpkg-deb", {"-I", deb_});
    QVERIFY2(!control.out.contains("postinst") && !control.out.contains("preinst"), control.out.constData());
  }

  void installs_runs_and_uninstalls_cleanly() {
    const Run install = run("dpkg", dpkg_args({"-i", deb_}), {}, env_);
    QVERIFY2(install.exit_code == 0, (install.out + install.err).constData());

    const QString bin = root_ + "/usr/bin/";
    const Run version = run(bin + "lora-studio-cli", {"--version"});
    QVERIFY2(version.exit_code == 0 && version.out.startsWith("lora-studio-cli "), (version.out + version.err).constData());
    QProcessEnvironment gui_env = env_;
    gui_env.insert("QT_QPA_PLATFORM", "offscreen");
    const Run help = run(bin + "lora-studio", {"--help"}, {}, gui_env, 60000);
    QVERIFY2(help.exit_code == 0 && (help.out + help.err).contains("Usage"), (help.out + help.err).constData());
    const Run gui_version = run(bin + "lora-studio", {"--version"}, {}, gui_env, 60000);
    QVERIFY2(gui_version.exit_code == 0 && (gui_version.out + gui_version.err).contains("0."),
             (gui_version.out + gui_version.err).constData());

    // The installed demo finds its dataset and tokenizer under the installed share/ (run from a folder
    // with no source tree above it, so nothing of the build is picked up).
    const Run demo = run(bin + "lora-studio-cli", {"demo", "--dir", tmp_.path() + "/demo", "--steps", "1", "--threads", "1", "--quiet"},
                         root_, env_);
    QVERIFY2(demo.exit_code == 0, (demo.out + demo.err).constData());
    QVERIFY2(demo.out.contains(QFileInfo(root_ + "/usr/share/lora-studio/demo/demo_dataset.json").canonicalFilePath().toUtf8()),
             demo.out.constData());

    const Run remove = run("dpkg", dpkg_args({"--purge", "lora-studio"}), {}, env_);
    QVERIFY2(remove.exit_code == 0, (remove.out + remove.err).constData());
    const QStringList left = files_under(root_, "/var/lib/dpkg/");
    QVERIFY2(left.isEmpty(), qPrintable(left.join(", ")));
  }
};

QTEST_GUILESS_MAIN(TestPackage)
#include "test_package.moc"
