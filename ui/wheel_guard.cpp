#include "wheel_guard.h"

#include <QAbstractScrollArea>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QPointer>
#include <QSlider>
#include <QWheelEvent>

namespace ui {

namespace {

bool takes_value_from_wheel(const QWidget* widget) {
  // Not QAbstractSlider: scroll bars are sliders too, and must keep scrolling.
  return qobject_cast<const QAbstractSpinBox*>(widget) || qobject_cast<const QComboBox*>(widget) ||
         qobject_cast<const QSlider*>(widget);
}

QAbstractScrollArea* enclosing_scroll_area(QWidget* widget) {
  for (QWidget* parent = widget->parentWidget(); parent; parent = parent->parentWidget())
    if (auto* area = qobject_cast<QAbstractScrollArea*>(parent)) return area;
  return nullptr;
}

class WheelGuard : public QObject {
 public:
  using QObject::QObject;

  bool eventFilter(QObject* watched, QEvent* event) override {
    if (event->type() != QEvent::Wheel || !watched->isWidgetType()) return false;
    auto* widget = static_cast<QWidget*>(watched);
    if (!takes_value_from_wheel(widget) || widget->hasFocus()) return false;
    QAbstractScrollArea* area = enclosing_scroll_area(widget);
    if (!area) return false;  // nothing to scroll: the wheel keeps its usual meaning
    auto* wheel = static_cast<QWheelEvent*>(event);
    QWidget* viewport = area->viewport();
    const QPointF at = viewport->mapFromGlobal(wheel->globalPosition());
    QWheelEvent forwarded(at, wheel->globalPosition(), wheel->pixelDelta(), wheel->angleDelta(), wheel->buttons(),
                          wheel->modifiers(), wheel->phase(), wheel->inverted(), wheel->source());
    QCoreApplication::sendEvent(viewport, &forwarded);
    event->accept();  // handled: Qt must not pass it on up to the scroll area a second time
    return true;      // and the value stays as it was
  }
};

QPointer<WheelGuard> installed_guard;

}  // namespace

void installWheelGuard(QCoreApplication* app) {
  if (!app || installed_guard) return;
  installed_guard = new WheelGuard(app);
  app->installEventFilter(installed_guard);
}

}  // namespace ui
