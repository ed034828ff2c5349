#pragma once
// The mouse wheel scrolls a page, not the value under the pointer: over a spin box, combo box or
// slider that does not have the keyboard focus, inside a scrolling area, the wheel scrolls that area
// instead of changing the value (rolling through the Train settings turned the rank from 32 to 42).
// Click a field (or tab to it) and the wheel changes it as before.
class QCoreApplication;

namespace ui {

// Installs the guard on the whole application, once; later calls do nothing.
void installWheelGuard(QCoreApplication* app);

}  // namespace ui
