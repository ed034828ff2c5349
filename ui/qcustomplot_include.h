#pragma once
// QCustomPlot for code built with QT_NO_KEYWORDS: its header is written with Qt's keyword macros
// (`signals:`, `foreach`), which that definition turns off, so they are lent to it for the one include.
#if defined(QT_NO_KEYWORDS) && !defined(signals)
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach
#else
#include <qcustomplot.h>
#endif
