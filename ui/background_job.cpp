#include "background_job.h"

#include <algorithm>

#include <QCoreApplication>

namespace ui {

void BackgroundJob::Run::post(std::function<void()> deliver) const {
  // The application object as the context: the receiver may be destroyed before the call runs, and the
  // QPointer says so then.
  QMetaObject::invokeMethod(
      qApp,
      [receiver = receiver_, latest = latest_, stamp = stamp_, deliver = std::move(deliver)] {
        if (!receiver || *latest != stamp) return;  // gone, superseded or dropped
        deliver();
      },
      Qt::QueuedConnection);
}

BackgroundJob::BackgroundJob(QObject* receiver, Ending ending) : receiver_(receiver), ending_(ending) {}

BackgroundJob::~BackgroundJob() {
  drop();
  if (ending_ == Ending::Wait) wait();
}

void BackgroundJob::start(std::function<void(const Run&)> work, QThread::Priority priority) {
  drop();
  Run run;
  run.receiver_ = receiver_;
  run.latest_ = latest_;
  run.stamp_ = *latest_;
  run.cancelled_ = cancelled_ = std::make_shared<std::atomic_bool>(false);
  QThread* thread = QThread::create([work = std::move(work), run] { work(run); });
  QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
  threads_.erase(std::remove_if(threads_.begin(), threads_.end(), [](const QPointer<QThread>& t) { return t.isNull(); }),
                 threads_.end());
  threads_.emplace_back(thread);
  thread->start(priority);
}

void BackgroundJob::cancel() {
  if (cancelled_) cancelled_->store(true);
}

void BackgroundJob::drop() {
  cancel();
  ++*latest_;
}

void BackgroundJob::wait() {
  for (const QPointer<QThread>& thread : threads_) {
    if (!thread) continue;
    thread->wait();
    delete thread.data();  // its queued deleteLater goes with it
  }
  threads_.clear();
}

}  // namespace ui
