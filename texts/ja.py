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
    # --- calendar ---
    "cal.export_caption": "このチャットの予定 {count}件のカレンダーファイルです。Googleカレンダーや Outlook に読み込めます。",
    "cal.export_empty": "登録されている予定はまだありません。/meeting などで追加すると、ここからカレンダーファイルとして書き出せます。",
    "cal.export_name": "Renkei {chat}",
    "cal.import_not_allowed": "カレンダーファイルから予定を登録できるのは、このグループの管理者だけです。管理者の方に送っていただくようお願いします。",
    "cal.import_done": "<b>カレンダーファイルから会議を {imported}件 登録しました。</b>",
    "cal.import_skipped": "過去の予定・中止された予定など {skipped}件は取り込みませんでした。",
    "cal.import_nothing": "取り込める予定はありませんでした。ファイルの {skipped}件はすべて過去の予定か中止された予定です。",
    "cal.import_line": "・{title} — {when}",
    "cal.import_more": "…ほか {count}件（/agenda で確認できます）",
    "cal.untitled": "（無題）",
    "cal.error.intro": "カレンダーファイルを取り込めませんでした。何も登録していません。",
    "cal.error.download": "ファイルを受け取れませんでした。もう一度送ってください。",
    "cal.error.too_large": "ファイルが大きすぎます（{size_kb} KB）。{limit_kb} KB 以下にしてください。",
    "cal.error.not_ical": "iCalendar（.ics）形式として読めませんでした。カレンダーアプリで「書き出し／エクスポート」した .ics ファイルを送ってください。",
    "cal.error.no_events": "ファイルに予定（VEVENT）がひとつも含まれていません。",
    "cal.error.too_many": "予定が多すぎます（{count}件）。一度に取り込めるのは {limit}件までです。ファイルを分けて送ってください。",
    "cal.error.no_start": "予定「{title}」に開始日時（DTSTART）がありません。",
    "cal.error.bad_start": "予定「{title}」の開始日時（DTSTART）が読み取れません。",
    "cal.error.unsupported_rrule": "予定「{title}」の繰り返し設定 <code>{rule}</code> には対応していません。取り込めるのは日・週・月・年単位の繰り返しです。",
    # --- end calendar ---
}
