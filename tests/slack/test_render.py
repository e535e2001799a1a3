"""Core replies as Block Kit: mrkdwn, escaping, Slack's limits, modals, the App Home."""

from __future__ import annotations

import json

from adapters.slack.render import (
    MESSAGE_BLOCKS,
    SECTION_LIMIT,
    VIEW_BLOCKS,
    mrkdwn,
    render_home,
    render_message,
    render_modal,
    split_text,
)
from adapters.slack.translate import submission_origin, submitted_action_id
from bot.buddies.packet import SEVEN_STEPS, STAR
from bot.envelope import Button, ChannelRef, Field, Form, FormInput, Item, Message, escape

CHANNEL = ChannelRef("slack", "T1", "C1", name="general")


def test_bold_becomes_slack_bold_and_bullets_become_dots() -> None:
    assert mrkdwn("**Key points**\n- one\n- two") == "*Key points*\n• one\n• two"


def test_italic_code_and_quotes_pass_through() -> None:
    assert mrkdwn("_maybe_ `code`\n> quoted") == "_maybe_ `code`\n>quoted"


def test_escaped_member_text_comes_out_literal_and_inert() -> None:
    member_text = escape("**not bold** <!here> <@U1> a & b > c")

    assert mrkdwn(member_text) == "**not bold** &lt;!here&gt; &lt;@U1&gt; a &amp; b &gt; c"


def test_a_member_line_starting_with_a_quote_marker_is_not_a_quote() -> None:
    assert mrkdwn(escape("> not a quote")) == "&gt; not a quote"


def test_split_text_cuts_at_lines_then_spaces_within_the_limit() -> None:
    text = "\n".join(["short line"] * 3 + ["word " * 1000])

    pieces = split_text(text, 100)

    assert all(len(piece) <= 100 for piece in pieces)
    assert pieces[0] == "short line\nshort line\nshort line"
    assert " ".join(pieces[1:]).split() == ["word"] * 1000


def test_split_text_never_cuts_an_entity() -> None:
    text = "a" * 97 + "&lt;" + "b" * 50

    pieces = split_text(text, 100)

    assert pieces[0] == "a" * 97
    assert pieces[1].startswith("&lt;")


def test_a_message_becomes_header_section_fields_buttons_and_context() -> None:
    message = Message(
        title="Practice question",
        text="Explain **bias**.",
        fields=(Field("Area", "statistics"), Field("Difficulty", "easy")),
        buttons=(Button("Answer", "sb:practice:q1", style="primary"),),
        footer="Hint: think of variance",
    )

    [rendered] = render_message(message)

    assert [block["type"] for block in rendered.blocks] == [
        "header",
        "section",
        "section",
        "actions",
        "context",
    ]
    assert rendered.blocks[1]["text"]["text"] == "Explain *bias*."
    assert len(rendered.blocks[2]["fields"]) == 2
    answer = rendered.blocks[3]["elements"][0]
    assert answer["value"] == "sb:practice:q1"
    assert answer["style"] == "primary"
    assert rendered.text == "Practice question"


def test_a_huge_text_is_split_into_sections_and_messages_within_limits() -> None:
    message = Message(text="\n".join(["x" * 2500] * 120))

    rendered = render_message(message)

    assert len(rendered) == 3
    assert all(len(part.blocks) <= MESSAGE_BLOCKS for part in rendered)
    assert all(len(b["text"]["text"]) <= SECTION_LIMIT for part in rendered for b in part.blocks)
    assert rendered[1].text.endswith("(continued)")


def test_an_item_with_several_buttons_keeps_them_with_its_text() -> None:
    item = Item("q", (Button("Again", "sb:rate:1"), Button("Good", "sb:rate:3")))
    message = Message(items=(item,) * 30)

    parts = render_message(message)

    for part in parts:
        kinds = [block["type"] for block in part.blocks]
        assert kinds == ["section", "actions"] * (len(kinds) // 2)
        ids = [e["action_id"] for b in part.blocks if b["type"] == "actions" for e in b["elements"]]
        assert len(ids) == len(set(ids))  # Slack refuses duplicate action ids


def test_a_modal_carries_the_action_and_channel_and_respects_slack_limits() -> None:
    form = Form(
        action_id="sb:daily-answer:7",
        title="A title that is much longer than Slack allows",
        intro="Explain **dropout**.",
        inputs=(FormInput("answer", "Your answer", style="paragraph", max_length=4000),),
    )

    view = render_modal(form, CHANNEL)

    assert len(view["title"]["text"]) <= 24
    [intro, answer] = view["blocks"]
    assert intro["text"]["text"] == "Explain *dropout*."
    assert answer["block_id"] == "answer"
    assert answer["element"]["multiline"] is True
    assert answer["element"]["max_length"] == 3000
    submitted = {"type": "view_submission", "user": {"id": "U1", "team_id": "T1"}, "view": view}
    assert submitted_action_id(view) == "sb:daily-answer:7"
    assert submission_origin(submitted).channel == CHANNEL
    assert json.loads(view["private_metadata"])["c"] == "C1"


def test_the_home_view_stays_within_100_blocks() -> None:
    many = Message(items=tuple(Item(f"line {n}") for n in range(80)))

    view = render_home([Message(title="Stats"), many, many])

    assert view["type"] == "home"
    assert len(view["blocks"]) <= VIEW_BLOCKS
    assert view["blocks"][0]["type"] == "header"


def test_fields_keep_their_order_ten_inline_per_section() -> None:
    inline = tuple(Field(f"n{i}", "v") for i in range(14))
    wide = Field("Notes", "a long note", inline=False)

    [rendered] = render_message(Message(fields=(*inline[:3], wide, *inline[3:])))

    sizes = [len(b["fields"]) if "fields" in b else "wide" for b in rendered.blocks]
    assert sizes == [3, "wide", 10, 1]


def introduction(prompt: str) -> Message:
    """Shaped like the core's buddy introduction: a quoted prompt, a numbered frame, STAR."""
    steps = "\n".join(f"{n}. {step}" for n, step in enumerate(SEVEN_STEPS, start=1))
    star = "\n".join(f"- {part}" for part in STAR)
    return Message(
        title="Study buddies, round 1",
        text="Meet your study buddies: **alice** and **bob**.",
        fields=(Field("Shared areas", "llm"),),
        items=(
            Item(
                f"**Design question** (llm): alice asks bob\n> {prompt}\n"
                f"**Seven-step frame**\n{steps}"
            ),
            Item(f"**Behavioural question**: bob asks alice\n> {prompt}\n**STAR frame**\n{star}"),
        ),
        private=False,
        kind="buddy_intro",
    )


def test_an_introduction_keeps_numbered_lines_and_quotes() -> None:
    [rendered] = render_message(introduction("Design a feed ranker for 10M users & <1s latency."))

    design = rendered.blocks[4]["text"]["text"]
    assert design.split("\n")[:3] == [
        "*Design question* (llm): alice asks bob",
        ">Design a feed ranker for 10M users &amp; &lt;1s latency.",
        "*Seven-step frame*",
    ]
    assert design.split("\n")[3:] == [f"{n}. {mrkdwn(s)}" for n, s in enumerate(SEVEN_STEPS, 1)]
    behavioural = rendered.blocks[5]["text"]["text"]
    assert "\n>Design a feed" in behavioural and "\n• *Situation*: " in behavioural
    assert rendered.text == "Study buddies, round 1"


def test_a_long_packet_splits_within_limits_and_quotes_stay_quotes() -> None:
    prompt = "Design the whole system end to end, " * 200  # far beyond one section
    packets = Message(
        title="Study buddies, round 1",
        items=introduction(prompt).items * 12,
        private=False,
        kind="buddy_intro",
    )

    parts = render_message(packets)

    assert len(parts) > 1
    assert all(len(part.blocks) <= MESSAGE_BLOCKS for part in parts)
    texts = [b["text"]["text"] for part in parts for b in part.blocks if b["type"] == "section"]
    assert all(len(text) <= SECTION_LIMIT for text in texts)
    quoted = [text for text in texts if "Design the whole" in text.split("\n")[0]]
    assert quoted and all(text.startswith(">") for text in quoted)  # continued quotes
    numbered = [line for text in texts for line in text.split("\n") if line[:2] == "1."]
    assert len(numbered) == 12  # every frame whole, each once
