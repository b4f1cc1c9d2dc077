"""Answer FAQ questions: private chats, /faq, mentions and replies in groups, inline, buttons."""

from __future__ import annotations

import asyncio
import html
import logging
import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from config import Settings
from db.faq_repo import (
    SyncReport,
    mark_answered,
    record_feedback,
    record_question,
    stored_entries,
    sync_entries,
)
from faq.catalog import Catalog, build_catalog, short_key
from faq.match import MatchResult, match, warm_up
from faq.smalltalk import ACK, GREETING, has_words, introduces_self, small_talk
from faq.store import FaqEntry, StoreError, load_store
from handlers.common import (
    FAQ_CATALOG,
    SESSIONMAKER,
    SETTINGS,
    Context,
    sessions,
    settings_of,
    user_lang,
)
from handlers.reminders import agenda_reply, request_button
from scheduler import render, service
from scheduler.intent import (
    AgendaQuestion,
    ReminderRequest,
    agenda_question,
    names_title,
    reminder_request,
    request_body,
)
from texts import DEFAULT_LANG, LANGUAGES, split_text, t

logger = logging.getLogger(__name__)

QUERY_LIMIT = 500  # characters searched; longer messages are rambling, not extra signal
SUGGEST_FLOOR = 0.2  # below this confidence a candidate is noise, not a "did you mean"
SUGGESTIONS = 3
INLINE_RESULTS = 10
PAGE_SIZE = 8
BUTTON_LABEL = 60
ANSWER_CHUNK = 3800  # leaves room for the question header within Telegram's 4096

ANSWER_DATA = re.compile(r"^faq:a:([0-9a-f]{8})(?::(\d{1,12}))?$")
FEEDBACK_DATA = re.compile(r"^faq:f:(\d{1,12}):([01])$")
TAG_DATA = re.compile(r"^faq:g:([a-z0-9_-]{1,24}):(\d{1,3})$")
TOPICS_DATA = "faq:t"
# A named meeting (「次の情報交換会」) is looked for this far ahead; the reply's header says the
# smallest of these spans that holds what it lists.
NAMED_AGENDA_SPANS = (30, 90, 366)


def catalog_of(context: Context) -> Catalog | None:
    catalog: Catalog | None = context.bot_data.get(FAQ_CATALOG)
    return catalog


def label(text: str) -> str:
    return text if len(text) <= BUTTON_LABEL else text[: BUTTON_LABEL - 1] + "…"


def answer_pages(entry: FaqEntry, lang: str) -> list[str]:
    """The entry as HTML messages, split cleanly to fit Telegram's limit."""
    chunks = split_text(entry.answer, ANSWER_CHUNK)
    pages = [html.escape(chunk) for chunk in chunks]
    pages[0] = t(lang, "faq.answer", question=html.escape(entry.question), answer=pages[0])
    if entry.lang != lang:
        pages[-1] += "\n\n" + t(lang, "faq.other_language")
    return pages


def answer_keyboard(
    catalog: Catalog,
    entry: FaqEntry,
    lang: str,
    question_id: int | None,
    alternatives: list[FaqEntry],
) -> InlineKeyboardMarkup:
    """Buttons under an answer: close alternatives (or related entries), then feedback."""
    suffix = f":{question_id}" if alternatives and question_id is not None else ""
    others = alternatives or catalog.related(entry, lang)[:3]
    template = "faq.alternative" if alternatives else "faq.related"
    rows = [
        [
            InlineKeyboardButton(
                label(t(lang, template, question=catalog.twin(other, lang).question)),
                callback_data=f"faq:a:{short_key(other.id)}{suffix}",
            )
        ]
        for other in others
    ]
    if question_id is not None:
        rows.append(
            [
                InlineKeyboardButton(
                    t(lang, "faq.helpful"), callback_data=f"faq:f:{question_id}:1"
                ),
                InlineKeyboardButton(
                    t(lang, "faq.not_helpful"), callback_data=f"faq:f:{question_id}:0"
                ),
            ]
        )
    return InlineKeyboardMarkup(rows)


def choices_keyboard(
    catalog: Catalog, entries: list[FaqEntry], lang: str, question_id: int
) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label(catalog.twin(entry, lang).question),
                    callback_data=f"faq:a:{short_key(entry.id)}:{question_id}",
                )
            ]
            for entry in entries
        ]
    )


async def send_answer(
    message: Message,
    catalog: Catalog,
    entry: FaqEntry,
    lang: str,
    question_id: int | None,
    prefix: str = "",
    alternatives: list[FaqEntry] | None = None,
) -> None:
    pages = answer_pages(entry, lang)
    pages[0] = prefix + pages[0]
    for page in pages[:-1]:
        await message.reply_text(page)
    keyboard = answer_keyboard(catalog, entry, lang, question_id, alternatives or [])
    await message.reply_text(pages[-1], reply_markup=keyboard)


def suggestions(result: MatchResult) -> list[FaqEntry]:
    return [c.entry for c in result.candidates if c.score >= SUGGEST_FLOOR][:SUGGESTIONS]


async def respond(update: Update, context: Context, question: str) -> None:
    """Match ``question`` and reply: the answer, a choice between close ones, or "I don't know"."""
    message = update.effective_message
    if message is None:
        return
    lang = await user_lang(update, context)
    catalog = catalog_of(context)
    if catalog is None:
        await message.reply_text(t(lang, "faq.loading"))
        return
    chat = update.effective_chat
    private = chat is not None and chat.type == Chat.PRIVATE
    chatter = small_talk(question)
    if chatter == ACK:
        # 「了解です」, 👍: nothing to answer; in a group not even a word, in private a short one.
        if private:
            await message.reply_text(t(lang, "faq.smalltalk_ack"))
        return
    if chatter is not None:
        # A greeting or a thank-you on its own is not a question the store failed to answer.
        markup = topics_keyboard(catalog, lang) if chatter == GREETING else None
        await message.reply_text(t(lang, f"faq.smalltalk_{chatter}"), reply_markup=markup)
        return
    if introduces_self(question):  # 「はじめまして。今年から公民館の担当になりました」
        welcome = "faq.smalltalk_introduction" if private else "faq.smalltalk_introduction_group"
        await message.reply_text(
            t(lang, welcome, bot=context.bot.username),
            reply_markup=topics_keyboard(catalog, lang),
        )
        return
    if not has_words(question):  # 😀😀😀 or ？ alone: nothing to look up or record
        await message.reply_text(t(lang, "faq.not_text"))
        return
    asked = agenda_question(question)
    if asked is not None and chat is not None:
        # 「次の会議はいつ？」 in a chat with reminders: its agenda, not the FAQ on /agenda
        agenda = await agenda_answer(context, chat.id, lang, asked)
        if agenda is not None:
            for page in agenda:
                await message.reply_text(page)
            return
    request = await reminder_request_in(update, context, question)
    if request is not None:
        command = html.escape(f"/{request.command} {request.text}")
        button = request_button(context, lang, request.command, request.text)
        hint = "faq.reminder_hint_private" if private else "faq.reminder_hint"
        await message.reply_text(t(lang, hint, command=command), reply_markup=button)
        return
    prefix = ""
    if len(question) > QUERY_LIMIT:
        question = question[:QUERY_LIMIT]
        prefix = t(lang, "faq.truncated", limit=QUERY_LIMIT) + "\n\n"
    result = await asyncio.to_thread(match, catalog.index, question, lang)
    chosen = result.best
    chat_id = update.effective_chat.id if update.effective_chat else 0
    user_id = update.effective_user.id if update.effective_user else None
    async with sessions(context).begin() as session:
        question_id = await record_question(
            session,
            chat_id=chat_id,
            user_id=user_id,
            text=question,
            lang=lang,
            entry_id=chosen.id if chosen else None,
            score=result.score,
        )
    if chosen is not None:
        alternatives = (
            [e for e in suggestions(result) if e.id != chosen.id] if result.close_call else []
        )
        await send_answer(message, catalog, chosen, lang, question_id, prefix, alternatives)
        return
    contact = settings_of(context).coordinator_contact
    text = (
        prefix
        + t(lang, "faq.unknown")
        + "\n"
        + (
            t(lang, "faq.contact", contact=html.escape(contact))
            if contact
            else t(lang, "faq.contact_default")
        )
    )
    offered = suggestions(result)
    if offered:
        text += "\n\n" + t(lang, "faq.did_you_mean")
    await message.reply_text(
        text,
        reply_markup=choices_keyboard(catalog, offered, lang, question_id) if offered else None,
    )


async def agenda_answer(
    context: Context, chat_id: int, lang: str, asked: AgendaQuestion
) -> list[str] | None:
    """The chat's agenda for a question about what is coming: the meetings it names by a word
    of their title (「次の情報交換会」), else everything when it asks in general; None when the
    chat has nothing to show (the FAQ answers then)."""
    if asked.name:
        now = datetime.now(UTC)
        async with sessions(context)() as session:
            tz = await service.chat_zone(session, chat_id, settings_of(context).timezone)
            items = await service.agenda(session, chat_id, now, NAMED_AGENDA_SPANS[-1])
        named = [item for item in items if names_title(asked.name, item.reminder.title)]
        if named:
            latest = max((item.next_at for item in named if item.next_at is not None), default=now)
            days = next(
                (span for span in NAMED_AGENDA_SPANS if latest <= now + timedelta(days=span)),
                NAMED_AGENDA_SPANS[-1],
            )
            return render.agenda_pages(named, days, tz, lang, now)
    if not asked.general:
        return None
    agenda, listed = await agenda_reply(context, chat_id, lang)
    return agenda if listed else None


async def reminder_request_in(
    update: Update, context: Context, question: str
) -> ReminderRequest | None:
    """The reminder command a question like 「明日10時に会議をリマインドして」 asks for, if any."""
    chat = update.effective_chat
    body = request_body(question) if len(question) <= QUERY_LIMIT else None
    if chat is None or body is None:
        return None
    async with sessions(context)() as session:
        tz = await service.chat_zone(session, chat.id, settings_of(context).timezone)
    return reminder_request(body, datetime.now(UTC), tz)


async def answer_private(update: Update, context: Context) -> None:
    """Answer any text sent in a private chat."""
    if update.effective_message and update.effective_message.text:
        await respond(update, context, update.effective_message.text.strip())


async def answer_command(update: Update, context: Context) -> None:
    """Answer /faq <question>, or open the topic browser when no question follows."""
    message = update.effective_message
    question = " ".join(context.args or []).strip()
    if message is None:
        return
    if not question:
        await show_topics(update, context)
        return
    await respond(update, context, question)


def addressed_text(message: Message, bot_username: str, bot_id: int) -> str | None:
    """The question in a group message if it mentions or replies to the bot, else None."""
    text = message.text or ""
    mention = f"@{bot_username}".lower()
    mentioned = any(
        entity.type == MessageEntity.MENTION and value.lower() == mention
        for entity, value in message.parse_entities([MessageEntity.MENTION]).items()
    )
    replied = bool(
        message.reply_to_message
        and message.reply_to_message.from_user
        and message.reply_to_message.from_user.id == bot_id
    )
    if not (mentioned or replied):
        return None
    return re.sub(re.escape(mention), " ", text, flags=re.IGNORECASE).strip()


async def answer_mention(update: Update, context: Context) -> None:
    """Answer a group message that mentions the bot or replies to it; ignore other chatter."""
    message = update.effective_message
    if message is None:
        return
    question = addressed_text(message, context.bot.username, context.bot.id)
    if question is None:
        return
    if not question:  # the mention alone
        lang = await user_lang(update, context)
        await message.reply_text(t(lang, "faq.mention_usage", bot=context.bot.username))
        return
    await respond(update, context, question)


async def reject_non_text(update: Update, context: Context) -> None:
    """Explain, in a private chat, that only text questions can be answered."""
    if update.effective_message:
        lang = await user_lang(update, context)
        await update.effective_message.reply_text(t(lang, "faq.not_text"))


async def answer_inline(update: Update, context: Context) -> None:
    """Offer up to ten matching entries for an inline query."""
    inline = update.inline_query
    catalog = catalog_of(context)
    if inline is None or catalog is None:
        return
    lang = await user_lang(update, context)
    query = inline.query.strip()[:QUERY_LIMIT]
    if query:
        result = await asyncio.to_thread(match, catalog.index, query, lang, INLINE_RESULTS)
        entries = [c.entry for c in result.candidates if c.score >= SUGGEST_FLOOR]
    else:
        entries = [e for e in catalog.entries.values() if e.lang == lang][:INLINE_RESULTS]
    articles = [
        InlineQueryResultArticle(
            id=short_key(entry.id),
            title=label(entry.question),
            description=label(entry.answer.replace("\n", " ")),
            input_message_content=InputTextMessageContent(answer_pages(entry, lang)[0]),
        )
        for entry in entries[:INLINE_RESULTS]
    ]
    if not articles:
        articles = [
            InlineQueryResultArticle(
                id="none",
                title=t(lang, "faq.inline_none"),
                input_message_content=InputTextMessageContent(t(lang, "faq.inline_none_text")),
            )
        ]
    await inline.answer(articles, cache_time=30, is_personal=True)


def topics_keyboard(catalog: Catalog, lang: str) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(tag_name(tag, lang), callback_data=f"faq:g:{tag}:1")
        for tag in catalog.tags()
        if TAG_DATA.match(f"faq:g:{tag}:1")
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def tag_name(tag: str, lang: str) -> str:
    """The tag's display name; a tag the texts don't know is shown as written in the store."""
    key = f"tag.{tag}"
    return t(lang, key) if key in LANGUAGES[DEFAULT_LANG] else tag


async def show_topics(update: Update, context: Context) -> None:
    """Show the topic browser."""
    message = update.effective_message
    catalog = catalog_of(context)
    if message is None:
        return
    lang = await user_lang(update, context)
    if catalog is None:
        await message.reply_text(t(lang, "faq.loading"))
        return
    await message.reply_text(t(lang, "faq.browse"), reply_markup=topics_keyboard(catalog, lang))


def tag_page(catalog: Catalog, tag: str, page: int, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    entries = catalog.in_tag(tag, lang)
    pages = max(1, math.ceil(len(entries) / PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    rows = [
        [InlineKeyboardButton(label(e.question), callback_data=f"faq:a:{short_key(e.id)}")]
        for e in shown
    ]
    nav = []
    if page > 1:
        nav.append(
            InlineKeyboardButton(t(lang, "faq.prev"), callback_data=f"faq:g:{tag}:{page - 1}")
        )
    if page < pages:
        nav.append(
            InlineKeyboardButton(t(lang, "faq.next"), callback_data=f"faq:g:{tag}:{page + 1}")
        )
    if nav:
        rows.append(nav)
    rows.append([InlineKeyboardButton(t(lang, "faq.back"), callback_data=TOPICS_DATA)])
    title = t(lang, "faq.browse_tag", tag=html.escape(tag_name(tag, lang)), page=page, pages=pages)
    return title, InlineKeyboardMarkup(rows)


async def press_button(update: Update, context: Context) -> None:
    """Handle an FAQ button: show an answer, record feedback, or page the topic browser."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    lang = await user_lang(update, context)
    catalog = catalog_of(context)
    if catalog is None:
        await query.answer(t(lang, "faq.loading"))
        return
    data = query.data
    if (found := ANSWER_DATA.match(data)) is not None:
        await show_chosen_answer(update, context, catalog, lang, found)
    elif (found := FEEDBACK_DATA.match(data)) is not None:
        helpful = found.group(2) == "1"
        async with sessions(context).begin() as session:
            recorded = await record_feedback(
                session, int(found.group(1)), query.from_user.id, helpful
            )
        if not recorded:
            await query.answer(t(lang, "faq.feedback_not_yours"), show_alert=True)
            return
        await query.answer(t(lang, "faq.feedback_thanks" if helpful else "faq.feedback_sorry"))
        if isinstance(query.message, Message):
            # the rating is given: its buttons go, the related questions stay for everyone
            await query.edit_message_reply_markup(reply_markup=_without_rating(query.message))
    elif (found := TAG_DATA.match(data)) is not None:
        text, keyboard = tag_page(catalog, found.group(1), int(found.group(2)), lang)
        await query.answer()
        await query.edit_message_text(text, reply_markup=keyboard)
    elif data == TOPICS_DATA:
        await query.answer()
        await query.edit_message_text(
            t(lang, "faq.browse"), reply_markup=topics_keyboard(catalog, lang)
        )
    else:
        await query.answer(t(lang, "faq.stale_button"), show_alert=True)


def _without_rating(message: Message) -> InlineKeyboardMarkup | None:
    """The message's buttons less the 👍 / 👎 row; None when nothing else is left."""
    markup = message.reply_markup
    rows = [
        [button for button in row if not FEEDBACK_DATA.match(str(button.callback_data or ""))]
        for row in (markup.inline_keyboard if markup else ())
    ]
    kept = [row for row in rows if row]
    return InlineKeyboardMarkup(kept) if kept else None


async def show_chosen_answer(
    update: Update, context: Context, catalog: Catalog, lang: str, found: re.Match[str]
) -> None:
    query = update.callback_query
    assert query is not None
    entry = catalog.by_key.get(found.group(1))
    if entry is None:
        await query.answer(t(lang, "faq.stale_button"), show_alert=True)
        return
    entry = catalog.twin(entry, lang)
    question_id = int(found.group(2)) if found.group(2) else None
    if question_id is not None:
        async with sessions(context).begin() as session:
            await mark_answered(session, question_id, query.from_user.id, entry.id)
    await query.answer()
    if isinstance(query.message, Message):
        await send_answer(query.message, catalog, entry, lang, question_id)


async def install_catalog(
    app: Application[Any, Any, Any, Any, Any, Any], entries: list[FaqEntry]
) -> SyncReport:
    """Index ``entries``, store them, and swap them in as the store the bot answers from."""
    settings: Settings = app.bot_data[SETTINGS]
    catalog = await asyncio.to_thread(build_catalog, entries, settings.cache_dir)
    async with app.bot_data[SESSIONMAKER].begin() as session:
        report: SyncReport = await sync_entries(session, entries)
    app.bot_data[FAQ_CATALOG] = catalog
    return report


async def on_startup(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    settings: Settings = app.bot_data[SETTINGS]
    try:
        entries = await asyncio.to_thread(load_store, settings.faq_store)
    except StoreError as error:
        async with app.bot_data[SESSIONMAKER]() as session:
            entries = await stored_entries(session)
        if not entries:
            raise
        logger.error("FAQ store is broken; answering from the stored entries:\n%s", error)
    report = await install_catalog(app, entries)
    logger.info("FAQ ready: %d entries (%s)", len(entries), report)
    # In the background: polling starts now, and a question arriving meanwhile just waits.
    asyncio.get_running_loop().run_in_executor(None, warm_up)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("faq", answer_command))
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, answer_private)
    )
    app.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS
            & filters.TEXT
            & ~filters.COMMAND
            & (filters.Entity(MessageEntity.MENTION) | filters.REPLY),
            answer_mention,
        )
    )
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE
            & ~filters.TEXT
            & ~filters.COMMAND
            & ~filters.StatusUpdate.ALL
            & ~filters.Document.FileExtension("ics"),
            reject_non_text,
        )
    )
    app.add_handler(InlineQueryHandler(answer_inline))
    app.add_handler(CallbackQueryHandler(press_button, pattern=r"^faq:"))
