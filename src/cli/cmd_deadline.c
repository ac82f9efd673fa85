/* cmd_deadline.c: ereje deadline --from T --add D [--pack ID]
 * [--pause T1/T2]... */
#include "cli.h"

#include <string.h>

const char cmd_deadline_usage[] =
    "usage: ereje deadline --from ISO8601 --add DURATION [--pack ID]\n"
    "                      [--pause START/END]...\n"
    "\n"
    "Print, as JSON, when a legal period that starts at --from ends.\n"
    "\n"
    "  --from T    start instant, ISO 8601 with an offset or Z, e.g.\n"
    "              2026-03-19T10:00:00+05:00\n"
    "  --add D     24h, 90min, 30s: exact clock time, no calendar shift;\n"
    "              10d: calendar days counted from the next day, a last day\n"
    "              that is not a working day moves to the next working day;\n"
    "              5wd: working days counted from the next day.\n"
    "              Days end at 24:00 local time in the pack's zone.\n"
    "  --pack ID   the pack whose zone and calendar apply (default: the\n"
    "              first in-force pack)\n"
    "  --pause A/B the clock stood still from A to B (repeatable, in order);\n"
    "              an exact period's due instant moves by the time paused;\n"
    "              a d or wd period is counted from --from plus the time\n"
    "              paused, so that it still ends at 24:00 of its last day\n"
    "\n"
    "Output fields: from, from_local (in the zone), add, unit, pack, zone,\n"
    "calendar, due (UTC),\n"
    "due_local (in the zone), last_day and moved (d and wd only), paused_s.\n"
    "The period ends at the instant 'due': an act before it is in time.\n";

#define MAX_PAUSES 32

static const char *unit_name(enum ej_duration_unit u)
{
    switch (u) {
    case EJ_DUR_SECONDS:
        return "seconds";
    case EJ_DUR_MINUTES:
        return "minutes";
    case EJ_DUR_HOURS:
        return "hours";
    case EJ_DUR_DAYS:
        return "calendar_days";
    case EJ_DUR_WORKING_DAYS:
        return "working_days";
    }
    return "?";
}

static bool parse_instant(const char *what, const char *s, int64_t *ms)
{
    enum ej_err rc = ej_instant_parse(s, strlen(s), ms, NULL);
    if (rc != EJ_OK) {
        cli_err("deadline: %s '%s': %s [%s]", what, s, ej_strerror(rc),
                ej_errname(rc));
        return false;
    }
    return true;
}

int cmd_deadline(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *from = NULL, *add = NULL, *pack_id = NULL;
    const char *pauses[MAX_PAUSES];
    size_t n_pauses = 0;

    for (int i = 1; i < argc; i++) {
        bool missing = false;
        const char *v;
        if ((v = cli_opt(argc, argv, &i, "--from", &missing)))
            from = v;
        else if ((v = cli_opt(argc, argv, &i, "--add", &missing)))
            add = v;
        else if ((v = cli_opt(argc, argv, &i, "--pack", &missing)))
            pack_id = v;
        else if ((v = cli_opt(argc, argv, &i, "--pause", &missing))) {
            if (n_pauses == MAX_PAUSES) {
                cli_err("deadline: at most %d --pause options", MAX_PAUSES);
                return EXIT_BADINPUT;
            }
            pauses[n_pauses++] = v;
        } else {
            cli_err(missing ? "deadline: %s needs a value"
                            : "deadline: unexpected '%s' (see --help)",
                    argv[i]);
            return EXIT_BADINPUT;
        }
    }
    if (!from || !add) {
        cli_err("deadline: --from and --add are required (see --help)");
        return EXIT_BADINPUT;
    }

    int64_t from_ms;
    struct ej_duration dur;
    if (!parse_instant("--from", from, &from_ms))
        return EXIT_BADINPUT;
    enum ej_err rc = ej_duration_parse(add, strlen(add), &dur);
    if (rc != EJ_OK) {
        cli_err("deadline: --add '%s': %s [%s]", add,
                rc == EJ_RANGE ? "count out of range (1 up to ten years)"
                               : ej_strerror(rc),
                ej_errname(rc == EJ_RANGE ? EJ_RANGE : rc));
        return EXIT_BADINPUT;
    }

    struct ej_policy *p;
    int st = cli_load_policy(ctx, NULL, 0, &p);
    if (st != EXIT_OK)
        return st;
    st = EXIT_BADINPUT;
    const struct ej_pack *k = cli_pick_pack(p, pack_id);
    if (!k)
        goto out;
    const struct ej_tz *tz = ej_pack_tz(p, k);
    const struct ej_calendar *cal = ej_pack_calendar(k);

    struct ej_clock clock;
    rc = ej_clock_start(from_ms, dur, tz, cal, &clock);
    if (rc != EJ_OK) {
        struct ej_date a, b;
        ej_calendar_range(cal, &a, &b);
        if (rc == EJ_CALENDAR_RANGE)
            cli_err("deadline: the count runs outside calendar '%s', which "
                    "covers %04d-%02d-%02d..%04d-%02d-%02d; add that year's "
                    "non-working days to the policy [%s]",
                    ej_calendar_id(cal), a.year, a.month, a.day, b.year,
                    b.month, b.day, ej_errname(rc));
        else
            cli_err("deadline: %s [%s]", ej_strerror(rc), ej_errname(rc));
        goto out;
    }
    int64_t last = from_ms;
    for (size_t i = 0; i < n_pauses; i++) {
        const char *slash = strchr(pauses[i], '/');
        char a[EJ_INSTANT_TEXT_MAX * 2];
        int64_t pa, pb;
        size_t alen = slash ? (size_t)(slash - pauses[i]) : 0;
        if (!slash || alen >= sizeof a) {
            cli_err("deadline: --pause '%s': expected START/END", pauses[i]);
            goto out;
        }
        memcpy(a, pauses[i], alen);
        a[alen] = '\0';
        if (!parse_instant("--pause start", a, &pa) ||
            !parse_instant("--pause end", slash + 1, &pb))
            goto out;
        if (pa < last || pb < pa) {
            cli_err("deadline: --pause '%s': pauses must follow --from and "
                    "each other, each ending after it starts", pauses[i]);
            goto out;
        }
        if (ej_clock_pause(&clock, pa) != EJ_OK ||
            ej_clock_resume(&clock, pb) != EJ_OK) {
            cli_err("deadline: --pause '%s' is out of order", pauses[i]);
            goto out;
        }
        last = pb;
    }
    int64_t due;
    rc = ej_clock_due(&clock, last, &due);
    if (rc != EJ_OK) {
        cli_err("deadline: %s", ej_strerror(rc));
        goto out;
    }
    /* Days are counted whole: a paused d or wd period is counted again
     * from its start moved by the time paused. Adding the paused time to
     * the due instant would end it mid-day, after a last_day that no
     * longer matches. */
    struct ej_deadline dl = clock.base;
    if (!ej_duration_is_exact(dur) && clock.paused_ms > 0) {
        rc = ej_deadline_compute(from_ms + clock.paused_ms, dur, tz, cal, &dl);
        if (rc != EJ_OK) {
            cli_err("deadline: %s [%s]", ej_strerror(rc), ej_errname(rc));
            goto out;
        }
        due = dl.due_ms;
    }

    char addbuf[EJ_DURATION_TEXT_MAX];
    ej_duration_format(dur, addbuf);
    json_t *o = json_object();
    json_object_set_new(o, "from", cli_json_instant(from_ms, 0));
    json_object_set_new(o, "from_local",
                        cli_json_instant(from_ms,
                                         ej_tz_offset_at(tz, from_ms)));
    json_object_set_new(o, "add", json_string(addbuf));
    json_object_set_new(o, "unit", json_string(unit_name(dur.unit)));
    json_object_set_new(o, "pack", json_string(ej_pack_id(k)));
    json_object_set_new(o, "zone", json_string(ej_tz_name(tz)));
    json_object_set_new(o, "calendar", json_string(ej_calendar_id(cal)));
    json_object_set_new(o, "due", cli_json_instant(due, 0));
    json_object_set_new(o, "due_local",
                        cli_json_instant(due, ej_tz_offset_at(tz, due)));
    if (dl.has_last_day) {
        json_object_set_new(o, "last_day", cli_json_date(dl.last_day));
        json_object_set_new(o, "moved", json_boolean(dl.moved));
    }
    json_object_set_new(o, "paused_s",
                        json_integer(clock.paused_ms / EJ_MS_PER_SEC));
    st = cli_json_println(o) ? EXIT_OK : EXIT_ENV;
out:
    ej_policy_free(p);
    return st;
}
