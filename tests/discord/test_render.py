"""Rendering core replies within Discord's limits (pure, no client)."""

from __future__ import annotations

import discord

from adapters.discord.render import (
    BUTTONS_PER_MESSAGE,
    EMBED_TOTAL_LIMIT,
    render_form,
    render_message,
    split_text,
    thread_name,
)
from bot.envelope import Button, Field, Form, FormInput, Item, Message, escape


def test_a_short_sentence_is_plain_content() -> None:
    [part] = render_message(Message(text="Saved your answer."))
    assert (part.content, part.embeds) == ("Saved your answer.", ())


def test_a_titled_message_is_an_embed_with_fields_footer_and_buttons() -> None:
    message = Message(
        title="Practice question",
        text="What is **bias**?",
        fields=(Field("Area", "fundamentals"),),
        footer="Hint: `variance`",
        buttons=(Button("Answer", "sb:practice:q1", "primary"),),
    )
    [part] = render_message(message)
    [embed] = part.embeds
    assert (embed.title, embed.description) == ("Practice question", "What is **bias**?")
    assert embed.fields[0].value == "fundamentals"
    assert embed.footer.text == "Hint: variance"  # footers show no Markdown
    [[button]] = part.rows
    assert (button.custom_id, button.style) == ("sb:practice:q1", discord.ButtonStyle.primary)


def test_core_escapes_pass_through_untouched() -> None:
    text = escape("@everyone **not bold** <@123>")
    [part] = render_message(Message(title="t", text=text))
    assert part.embeds[0].description == text


def test_more_than_25_fields_continue_in_another_embed() -> None:
    fields = tuple(Field(f"f{n}", "v") for n in range(30))
    [part] = render_message(Message(title="Stats", fields=fields))
    assert [len(e.fields) for e in part.embeds] == [25, 5]


def test_a_very_long_text_is_cut_at_line_ends_across_embeds() -> None:
    text = "\n".join(f"line {n} " + "x" * 90 for n in range(100))
    parts = render_message(Message(title="Long", text=text))
    descriptions = [e.description or "" for p in parts for e in p.embeds]
    assert all(len(d) <= 4096 for d in descriptions)
    assert "\n".join(descriptions) == text
    assert all(sum(len(e) for e in p.embeds) <= EMBED_TOTAL_LIMIT for p in parts)


def test_item_buttons_are_numbered_like_their_answers() -> None:
    items = tuple(Item(f"answer {n}", (Button("Upvote", f"sb:vote:{n}"),)) for n in (1, 2))
    [part] = render_message(Message(title="Answers", items=items))
    assert [e.title for e in part.embeds[1:]] == ["#1", "#2"]
    assert [b.label for b in part.buttons] == ["Upvote #1", "Upvote #2"]


def test_more_buttons_than_a_message_holds_continue_in_the_next() -> None:
    items = tuple(Item(f"a{n}", (Button("Upvote", f"sb:vote:{n}"),)) for n in range(40))
    parts = render_message(Message(title="Answers", items=items))
    assert len(parts) > 1
    assert all(len(p.buttons) <= BUTTONS_PER_MESSAGE for p in parts)
    assert all(len(p.rows) <= 5 and all(len(r) <= 5 for r in p.rows) for p in parts)
    assert all(len(p.embeds) <= 10 for p in parts)
    assert [b.custom_id for p in parts for b in p.buttons] == [f"sb:vote:{n}" for n in range(40)]


def test_a_paragraph_form_becomes_a_modal_with_its_intro() -> None:
    form = Form(
        action_id="sb:daily-answer:3",
        title="A title far longer than Discord's forty-five character limit",
        intro="Why **scale** attention?",
        inputs=(FormInput("answer", "Your answer", style="paragraph", max_length=4000),),
    )
    modal = render_form(form)
    assert modal.custom_id == "sb:daily-answer:3"
    assert len(modal.title) <= 45
    assert modal.intro == "Why **scale** attention?"
    [field] = modal.inputs
    assert (field.style, field.max_length) == (discord.TextStyle.paragraph, 4000)


def test_five_inputs_leave_no_room_for_an_intro() -> None:
    inputs = tuple(FormInput(f"f{n}", f"Field {n}") for n in range(5))
    assert render_form(Form("sb:setup", "Setup", inputs, intro="hello")).intro == ""


def test_split_text_prefers_line_ends() -> None:
    assert split_text("aaa\nbbb\nccc", 8) == ["aaa\nbbb", "ccc"]


def test_thread_names_are_plain_text() -> None:
    assert thread_name(Message(title="The **answers** are in")) == "The answers are in"


def test_the_messages_own_buttons_get_a_row_above_the_answers_buttons() -> None:
    items = tuple(Item(f"a{n}", (Button("Upvote", f"sb:vote:{n}"),)) for n in range(3))
    review = Button("Add to my review", "sb:review-add:q")
    [part] = render_message(Message(title="Answers", items=items, buttons=(review,)))
    assert [[b.label for b in row] for row in part.rows] == [
        ["Add to my review"],
        ["Upvote #1", "Upvote #2", "Upvote #3"],
    ]


def packet(steps: int = 7, prompt_length: int = 80) -> Message:
    """A buddy introduction: fields, then items with numbered lines and quotes, no buttons."""
    numbered = "\n".join(f"{n}. step {n}" for n in range(1, steps + 1))
    design = Item(f"**Design question**: Alice asks Bob\n> {'p' * prompt_length}\n{numbered}")
    behaviour = Item("**Behavioural question**: Bob asks Alice\n> Tell me\n- **Situation**")
    return Message(
        title="Study buddies, round 1",
        text="Meet your study buddies: **Alice** and **Bob**.",
        fields=(Field("Shared areas", "llm"), Field("Levels", "Alice: mid, Bob: mid")),
        items=(design, behaviour),
        footer="Roles swap the next time you meet.",
        private=False,
        kind="buddy_intro",
    )


def test_an_introduction_keeps_numbered_lines_and_quotes_and_has_no_item_numbers() -> None:
    message = packet()
    [part] = render_message(message)
    head, design, behaviour = part.embeds
    assert head.title == "Study buddies, round 1" and head.footer.text.startswith("Roles swap")
    assert design.title is None and behaviour.title is None  # nothing to pair with buttons
    assert design.description == message.items[0].text  # "1. " lists and "> " quotes as is
    assert "\n1. step 1\n" in (design.description or "")
    assert "\n> Tell me\n" in (behaviour.description or "")


def test_a_long_packet_item_continues_in_a_second_embed_of_the_same_message() -> None:
    message = packet(steps=150, prompt_length=3000)
    item_text = message.items[0].text
    assert 4096 < len(item_text) < 6000
    parts = render_message(message)
    descriptions = [[e.description or "" for e in p.embeds] for p in parts]
    holding = [d for d in descriptions if any("Design question" in x for x in d)]
    [in_one_part] = holding  # never split across messages
    start = next(i for i, x in enumerate(in_one_part) if "Design question" in x)
    assert "\n".join(in_one_part[start : start + 2]) == item_text  # whole, cut at a line end
    for p in parts:
        assert len(p.embeds) <= 10 and sum(len(e) for e in p.embeds) <= EMBED_TOTAL_LIMIT
        assert all(len(e.description or "") <= 4096 for e in p.embeds)


def test_an_item_longer_than_a_message_is_cut_with_an_ellipsis() -> None:
    parts = render_message(Message(title="x", items=(Item("word " * 3000),)))
    for part in parts:
        assert sum(len(e) for e in part.embeds) <= EMBED_TOTAL_LIMIT
    assert (parts[-1].embeds[-1].description or "").endswith("…")


def test_each_feature_has_its_own_colour() -> None:
    def colour(kind: str) -> discord.Colour | None:
        return render_message(Message(title="t", text="x", kind=kind))[0].embeds[0].colour

    assert colour("buddy_intro") != colour("quiz") != colour("review")
    assert colour("quiz_race") == discord.Colour.orange()
