"""User-visible messages in English. Keys are shared with the other language module."""

MESSAGES: dict[str, str] = {
    # --- general ---
    "error.internal": "Sorry, something went wrong while handling that. Please try again; if it keeps happening, tell the coordinator.",
    # --- end general ---
    # --- faq ---
    # --- end faq ---
    # --- when (time parsing, recurrence wording) ---
    # --- end when ---
    # --- reminders ---
    # --- end reminders ---
    # --- calendar ---
    "cal.export_caption": "This chat's agenda as a calendar file ({count} items). Google Calendar and Outlook can import it.",
    "cal.export_empty": "Nothing is scheduled yet. Add meetings with /meeting and you can export them here as a calendar file.",
    "cal.export_name": "Renkei {chat}",
    "cal.import_not_allowed": "Only this group's administrators can add events from a calendar file. Please ask one of them to send it.",
    "cal.import_done": "<b>Added {imported} meeting{s} from the calendar file.</b>",
    "cal.import_skipped": "{skipped} past or cancelled event{s2} left out.",
    "cal.import_nothing": "There was nothing to add: all {skipped} events in the file are past or cancelled.",
    "cal.import_line": "• {title} — {when}",
    "cal.import_more": "…and {count} more (see /agenda)",
    "cal.untitled": "(untitled)",
    "cal.error.intro": "Could not import the calendar file. Nothing was added.",
    "cal.error.download": "Could not receive the file. Please send it again.",
    "cal.error.too_large": "The file is too large ({size_kb} KB). The limit is {limit_kb} KB.",
    "cal.error.not_ical": "This is not an iCalendar (.ics) file. Export the calendar from your calendar app and send that .ics file.",
    "cal.error.no_events": "The file contains no events (VEVENT).",
    "cal.error.too_many": "Too many events ({count}). Up to {limit} can be imported at once; please split the file.",
    "cal.error.no_start": "The event “{title}” has no start time (DTSTART).",
    "cal.error.bad_start": "The start time (DTSTART) of the event “{title}” cannot be read.",
    "cal.error.unsupported_rrule": "The repeat rule <code>{rule}</code> of the event “{title}” is not supported. Daily, weekly, monthly and yearly repeats can be imported.",
    # --- end calendar ---
}
