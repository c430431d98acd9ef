#!/usr/bin/env python3
"""Parses an iCalendar file with the independent python3-icalendar library and prints one line
per VEVENT: "<DTSTART UTC ISO> <DTEND UTC ISO> <SUMMARY>", then "events=<n>". Exit 1 on parse error.
Used by src/oncall/ical_export_test.cc."""
import sys
from datetime import timezone

import icalendar

def main():
    with open(sys.argv[1], "rb") as handle:
        data = handle.read()
    calendar = icalendar.Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    for event in events:
        start = event.decoded("DTSTART").astimezone(timezone.utc)
        end = event.decoded("DTEND").astimezone(timezone.utc)
        print(start.strftime("%Y-%m-%dT%H:%M:%SZ"), end.strftime("%Y-%m-%dT%H:%M:%SZ"),
              str(event.get("SUMMARY")), str(event.get("UID")))
    print("events=%d" % len(events))

if __name__ == "__main__":
    main()
