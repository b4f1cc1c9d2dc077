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
}
