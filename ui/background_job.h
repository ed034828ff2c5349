#pragma once
// Engine work off the GUI thread. A BackgroundJob runs each piece of work on a thread of its own and
// brings what the work posts back to the GUI thread, where it runs only while it is still wanted:
//   - the receiver (the QObject the results are for) still exists, and
//   - the work is the job's latest: start() again, drop() or the job's end make an older run's posts stale.
// Each run has a cancel flag the work may poll (engine loops stop early); cancel() sets it and still
// delivers (the work reports "cancelled" itself), drop() sets it and discards whatever comes after.
// A thread deletes itself when its work returns. A job made with Ending::Wait joins every thread it
// started when it ends (for work that must not outlive its owner: files half written, a tokenizer in use);
// with Ending::Detach a dropped run finishes in the background and is forgotten.
//
//   job_.run([dir] { return scan(dir); },                     // worker thread
//            [this](const ScanResult& result) { show(result); });  // GUI thread, if still current
//
// Lives on the GUI thread; every member is called there. Work and posted functions must be copyable.
#include <atomic>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include <QObject>
#include <QPointer>
#include <QThread>

namespace ui {

class BackgroundJob {
 public:
  enum class Ending { Detach, Wait };

  // What the work sees of its run: a way back to the GUI thread, and its cancel flag.
  class Run {
   public:
    // Queues `deliver` to the GUI thread; it runs there unless the run went stale meanwhile.
    void post(std::function<void()> deliver) const;
    bool cancelled() const { return cancelled_->load(); }
    const std::atomic_bool* cancelFlag() const { return cancelled_.get(); }  // for engine loops that take one

   private:
    friend class BackgroundJob;
    QPointer<QObject> receiver_;
    std::shared_ptr<const quint64> latest_;  // the job's current stamp (read on the GUI thread only)
    quint64 stamp_ = 0;
    std::shared_ptr<std::atomic_bool> cancelled_;
  };

  explicit BackgroundJob(QObject* receiver, Ending ending = Ending::Detach);
  ~BackgroundJob();  // drops the running work; with Ending::Wait, joins its threads
  BackgroundJob(const BackgroundJob&) = delete;
  BackgroundJob& operator=(const BackgroundJob&) = delete;

  // Starts `work` on a new thread; the run before it is dropped.
  void start(std::function<void(const Run&)> work, QThread::Priority priority = QThread::InheritPriority);
  // One result: `work()` on a new thread, then `deliver(result)` on the GUI thread unless stale.
  template <typename Work, typename Deliver>
  void run(Work work, Deliver deliver) {
    start([work = std::move(work), deliver = std::move(deliver)](const Run& run) {
      auto result = work();
      run.post([deliver, result = std::move(result)] { deliver(result); });
    });
  }

  void cancel();  // sets the running work's cancel flag; what it posts still arrives
  void drop();    // sets the flag and discards what the running work posts from now on
  void wait();    // blocks until every thread this job started has ended

 private:
  QPointer<QObject> receiver_;
  Ending ending_;
  std::shared_ptr<quint64> latest_ = std::make_shared<quint64>(0);
  std::shared_ptr<std::atomic_bool> cancelled_;  // of the latest run
  std::vector<QPointer<QThread>> threads_;       // started and not yet deleted
};

}  // namespace ui
