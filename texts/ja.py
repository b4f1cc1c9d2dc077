"""User-visible messages in Japanese. Keys are shared with the other language module."""

MESSAGES: dict[str, str] = {
    # --- general ---
    "error.internal": "申し訳ありません。処理中に問題が起きました。もう一度お試しください。続く場合は事務局（コーディネーター）にお知らせください。",
    # --- end general ---
    # --- faq ---
    # --- end faq ---
    # --- when (time parsing, recurrence wording) ---
    # --- end when ---
    # --- reminders ---
    # --- end reminders ---
}
