"""The schedule against reference implementations: the rules' starts against python-dateutil,
the calendar export against icalendar and recurring-ical-events.

    python reference.py CORPUS.json

CORPUS.json is what `cargo run -p worktogether-core --example schedule_corpus` prints. Each rule
is expanded by dateutil from a start zoned with zoneinfo (fold=0: a time the clocks skip is read
with the offset before the gap, a repeated one is the first, as RFC 5545 3.3.5 says), between
`from` (inclusive) and `to` (exclusive), and compared in UTC with the app's starts. The calendar
is parsed by icalendar and expanded by recurring-ical-events over the same year, and its
(uid, start, end) set compared with the app's occurrences; every line must end in CRLF and be at
most 75 octets. recurring-ical-events ends an instance with a clock change within one length of
its start in wall-clock time, where RFC 5545 3.8.5.3 gives every instance DTEND's exact length:
there the end is checked as start plus that length, and the instances are listed. The
VTIMEZONEs (the calendar's and a few more zones') are read on their own, without looking the
TZID up, and must change the offset when zoneinfo does. Exits non-zero on any difference.
`scripts/schedule-reference.sh` runs it (`make schedule-reference`).
"""

import json
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
from dateutil.rrule import rrulestr

RULES_MIN = 200
LINE_OCTETS_MAX = 75
UTC = timezone.utc


def instant(text):
    """An RFC 3339 UTC instant as the corpus writes it."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def utc(t):
    """A zoned (fold 0) or UTC datetime in UTC."""
    return t.astimezone(UTC)


def show(t):
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def expand(rule):
    """dateutil's starts for one corpus rule, in UTC."""
    zone = ZoneInfo(rule["zone"])
    start = datetime.strptime(rule["dtstart"], "%Y%m%dT%H%M%S").replace(tzinfo=zone, fold=0)
    start_from, start_to = instant(rule["from"]), instant(rule["to"])
    found = []
    dates = [start] if rule["rrule"] is None else rrulestr(rule["rrule"], dtstart=start)
    for t in dates:
        if t >= start_to:
            break
        if t >= start_from:
            found.append(t.astimezone(UTC))
    return found


def check_rules(rules):
    problems = 0
    for rule in rules:
        ours = [instant(t) for t in rule["starts"]]
        theirs = expand(rule)
        if ours == theirs:
            continue
        problems += 1
        index = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
        app = show(ours[index]) if index < len(ours) else "(none)"
        dateutil = show(theirs[index]) if index < len(theirs) else "(none)"
        print(
            f"MISMATCH {rule['label']}: DTSTART;TZID={rule['zone']}:{rule['dtstart']} RRULE:{rule['rrule']} "
            f"[{rule['from']}, {rule['to']}): start {index}: app {app}, dateutil {dateutil} "
            f"({len(ours)} vs {len(theirs)} starts)"
        )
    return problems


def check_lines(ics):
    problems = 0
    if not ics.endswith("\r\n") or "\n" in ics.replace("\r\n", "") or "\r" in ics.replace("\r\n", ""):
        print("MISMATCH calendar: a line does not end in CRLF")
        problems += 1
    for number, line in enumerate(ics.split("\r\n"), 1):
        if len(line.encode("utf-8")) > LINE_OCTETS_MAX:
            print(f"MISMATCH calendar: line {number} has {len(line.encode('utf-8'))} octets: {line!r}")
            problems += 1
    return problems


def changes(tz, start, end):
    """The instants in [start, end) where tz's UTC offset changes, to the second."""
    found = []
    t, offset = start, start.astimezone(tz).utcoffset()
    while t < end:
        step = min(t + timedelta(days=1), end)
        if step.astimezone(tz).utcoffset() == offset:
            t = step
            continue
        lo, hi = t, step
        while hi - lo > timedelta(seconds=1):
            mid = lo + (hi - lo) / 2
            lo, hi = (mid, hi) if mid.astimezone(tz).utcoffset() == offset else (lo, mid)
        found.append((hi, hi.astimezone(tz).utcoffset()))
        t, offset = hi, hi.astimezone(tz).utcoffset()
    return found


def check_vtimezone(cal, zone_name):
    """The VTIMEZONE, read on its own (not looked up by TZID), changes the offset when zoneinfo
    does, to the same offsets, over the years it covers."""
    zones = cal.walk("VTIMEZONE")
    if len(zones) != 1 or str(zones[0]["TZID"]) != zone_name:
        print(f"MISMATCH calendar: expected one VTIMEZONE for {zone_name}, found {len(zones)}")
        return 1
    own = zones[0].to_tz(lookup_tzid=False)
    reference = ZoneInfo(zone_name)
    starts = [c["DTSTART"].dt for c in zones[0].walk() if c.name in ("STANDARD", "DAYLIGHT")]
    # From an hour past the first observance's start to a day past the last change.
    start = min(starts).replace(tzinfo=reference).astimezone(UTC) + timedelta(hours=1)
    end = max(starts).replace(tzinfo=reference).astimezone(UTC) + timedelta(days=1)
    ours, theirs = changes(own, start, end), changes(reference, start, end)
    first_own, first_reference = start.astimezone(own).utcoffset(), start.astimezone(reference).utcoffset()
    if first_own != first_reference:
        print(f"MISMATCH VTIMEZONE at {show(start)}: {first_own}, zoneinfo {first_reference}")
        return 1
    if ours != theirs:
        index = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
        mine = "{} to {}".format(show(ours[index][0]), ours[index][1]) if index < len(ours) else "(none)"
        zoneinfo = "{} to {}".format(show(theirs[index][0]), theirs[index][1]) if index < len(theirs) else "(none)"
        print(f"MISMATCH VTIMEZONE: change {index}: {mine}, zoneinfo {zoneinfo}")
        return 1
    if len(starts) > 1 and not ours:
        print("MISMATCH VTIMEZONE: its observances change nothing")
        return 1
    return 0


def check_calendar(calendar):
    ics = calendar["ics"]
    problems = check_lines(ics)
    cal = icalendar.Calendar.from_ical(ics)
    problems += check_vtimezone(cal, calendar["zone"])
    zone = ZoneInfo(calendar["zone"])
    # RFC 5545 3.8.5.3: with DTEND, every instance lasts the same exact time as the first.
    # recurring-ical-events adds DTEND - DTSTART in wall-clock time (Python's arithmetic on
    # zoned datetimes), so an instance with a clock change within one length of its start
    # ends an hour early or late there; its start is checked as it comes, its end as the RFC says.
    exact = {}
    moved = set()
    for event in cal.walk("VEVENT"):
        uid, span = str(event["UID"]), (utc(event["DTSTART"].dt), utc(event["DTEND"].dt))
        if "RECURRENCE-ID" in event:
            moved.add((uid, span[0]))
        else:
            exact[uid] = span[1] - span[0]
    wall_clock = []
    theirs = set()
    for event in recurring_ical_events.of(cal).between(instant(calendar["from"]), instant(calendar["to"])):
        uid, start, end = str(event["UID"]), utc(event["DTSTART"].dt), utc(event["DTEND"].dt)
        if (uid, start) not in moved and end != start + exact[uid]:
            length = exact[uid]
            if (start - length).astimezone(zone).utcoffset() == (start + length).astimezone(zone).utcoffset():
                print(f"MISMATCH calendar: {uid} {show(start)} ends {show(end)}, not after {length}")
                problems += 1
            wall_clock.append(f"{show(start)} ends {show(end)} (exact: {show(start + length)})")
            end = start + length
        theirs.add((uid, show(start), show(end)))
    if wall_clock:
        print(f"note: recurring-ical-events ends {len(wall_clock)} instances at a clock change in wall-clock time:")
        for text in wall_clock:
            print(f"  {text}")
    ours = {(o["uid"], o["start"], o["end"]) for o in calendar["occurrences"]}
    for uid, s, e in sorted(ours - theirs):
        print(f"MISMATCH calendar: the app has {uid} {s}–{e}, recurring-ical-events does not")
        problems += 1
    for uid, s, e in sorted(theirs - ours):
        print(f"MISMATCH calendar: recurring-ical-events has {uid} {s}–{e}, the app does not")
        problems += 1
    uids = {uid for uid, _, _ in ours}
    if len(uids) < calendar["blocks"] - 1:  # the skipped one-off has no occurrence
        print(f"MISMATCH calendar: only {len(uids)} of {calendar['blocks']} blocks have occurrences")
        problems += 1
    return problems, len(ours), len(wall_clock)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        corpus = json.load(f)
    rules = corpus["rules"]
    problems = check_rules(rules)
    if len(rules) < RULES_MIN:
        print(f"MISMATCH: only {len(rules)} rules, expected at least {RULES_MIN}")
        problems += 1
    calendar_problems, occurrences, wall_clock = check_calendar(corpus["calendar"])
    problems += calendar_problems
    for other in corpus["zones"]:
        problems += check_lines(other["ics"])
        problems += check_vtimezone(icalendar.Calendar.from_ical(other["ics"]), other["zone"])
    if problems:
        print(f"schedule reference: {problems} differences")
        sys.exit(1)
    print(
        f"schedule reference: {len(rules)} rules and {corpus['calendar']['blocks']} calendar blocks "
        f"({occurrences} occurrences) agree with python-dateutil and recurring-ical-events, "
        f"the VTIMEZONEs of {len(corpus['zones']) + 1} zones with zoneinfo"
        + (f" ({wall_clock} ends at a clock change taken as RFC 5545's exact length)" if wall_clock else "")
    )


if __name__ == "__main__":
    main()
