/* appui: the umbrella header of libappui. */
#ifndef APPUI_APPUI_H
#define APPUI_APPUI_H

#include "appui/atomic.h"
#include "appui/bundle.h"
#include "appui/calendar.h"
#include "appui/campaign.h"
#include "appui/case.h"
#include "appui/common.h"
#include "appui/config.h"
#include "appui/diag.h"
#include "appui/host.h"
#include "appui/i18n.h"
#include "appui/mission.h"
#include "appui/plan.h"
#include "appui/plugin.h"
#include "appui/pool.h"
#include "appui/reader.h"
#include "appui/report.h"
#include "appui/score.h"
#include "appui/status.h"
#include "appui/store.h"
#include "appui/text.h"
#include "appui/version.h"

#endif
