/* ereje.h: the public API of ereje, the compliance engine for
 * Kazakhstan's online-platform law. Include this one header.
 *
 * The library is pure: no I/O, no clock, no locale, no globals. Callers
 * read files (policy YAML, tzdata) and pass bytes; "now" is a parameter.
 */
#ifndef EREJE_EREJE_H
#define EREJE_EREJE_H

#define EJ_VERSION_STRING "0.1.0"

#include "ereje/err.h"
#include "ereje/date.h"
#include "ereje/tz.h"
#include "ereje/calendar.h"
#include "ereje/deadline.h"
#include "ereje/idnum.h"
#include "ereje/policy.h"
#include "ereje/registration.h"
#include "ereje/anon.h"
#include "ereje/order.h"
#include "ereje/fingerprint.h"
#include "ereje/content.h"

#endif
