"""Answer, reveal, vote, points: whole conversations through the in-memory adapter."""

from __future__ import annotations

from datetime import timedelta

from adapters.console.memory import MemoryAdapter
from bot.clock import FakeClock
from bot.envelope import ButtonPress, Form, FormSubmission, Message
from bot.registry import action_id
from tests.daily.helpers import (
    configure,
    post_now,
    posts,
    reply_text,
    reveal_now,
    reveals,
    tick_at,
    utc,
)


async def started(testbot: MemoryAdapter, clock: FakeClock) -> None:
    clock.set(utc(2026, 1, 6, 9, 0))
    await configure(testbot)
    await post_now(testbot)


async def test_the_daily_post_shows_question_area_difficulty_and_an_answer_button(
    testbot: MemoryAdapter, clock: FakeClock
) -> None:
    await started(testbot, clock)
    [post] = posts(testbot)
    assert not post.message.private
    assert {f.name for f in post.message.fields} >= {"Area", "Difficulty"}
    assert post.message.buttons[0].label == "Answer"


async def test_an_answer_where_nothing_can_be_answered_says_why_and_saves_nothing(
    testbot: MemoryAdapter, clock: FakeClock
) -> None:
    clock.set(utc(2026, 1, 6, 9, 0))
    assert "not set up in this channel" in reply_text(await testbot.command("alice", "/answer hi"))
    await configure(testbot)
    assert "No question has been posted in this channel yet" in reply_text(
        await testbot.command("alice", "/answer hi")
    )
    gone = FormSubmission(
        testbot.context("alice", "general"), action_id("daily-answer", 9999), {"answer": "hi"}
    )
    assert "That question no longer exists" in reply_text(await testbot.app.handle(gone))
    assert await testbot.app.db.fetchval("SELECT COUNT(*) FROM answers") == 0
    assert await testbot.app.db.fetchval("SELECT COUNT(*) FROM ledger") == 0


async def test_answers_stay_hidden_until_the_reveal(
    testbot: MemoryAdapter, clock: FakeClock
) -> None:
    await started(testbot, clock)
    await testbot.command("alice", "/answer Alice's secret reasoning")
    assert all("secret reasoning" not in d.text for d in testbot.visible_to("bob"))
    assert all("secret reasoning" not in d.text for d in testbot.public())
    await tick_at(testbot, clock, utc(2026, 1, 6, 20, 59))  # reveal is 12 h after 09:00
    assert reveals(testbot) == []
    await tick_at(testbot, clock, utc(2026, 1, 6, 21, 0))
    [reveal] = reveals(testbot)
    assert "secret reasoning" in reveal.text
    assert reveal.thread == posts(testbot)[0].ref  # in the question's thread


async def test_the_reveal_lists_key_points_and_an_upvote_button_per_answer(
    testbot: MemoryAdapter, clock: FakeClock
) -> None:
    await started(testbot, clock)
    await testbot.command("alice", "/answer one")
    await testbot.command("bob", "/answer two")
    await reveal_now(testbot)
    [reveal] = reveals(testbot)
    question_id = await testbot.app.db.fetchval("SELECT question_id FROM daily_posts")
    question = testbot.app.bank.get(question_id)
    assert question is not None
    assert all(point in reveal.message.text for point in question.key_points)
    assert [b.label for item in reveal.message.items for b in item.buttons] == ["Upvote"] * 2


async def test_answering_through_the_form_and_editing_until_the_reveal(
    testbot: MemoryAdapter, clock: FakeClock
) -> None:
    await started(testbot, clock)
    [form] = await testbot.press("alice", "Answer")
    assert isinstance(form, Form) and form.inputs[0].initial == ""
    await testbot.submit("alice", {"answer": "first draft"})
    assert "Saved your answer" in testbot.last("alice").text
    assert "Tue 06 Jan 21:00 (UTC)" in testbot.last("alice").text
    [form] = await testbot.press("alice", "Answer")
    assert isinstance(form, Form) and form.inputs[0].initial == "first draft"
    await testbot.submit("alice", {"answer": "final answer"})
    assert "Updated your answer" in testbot.last("alice").text
    await reveal_now(testbot)
    [reveal] = reveals(testbot)
    assert "final answer" in reveal.text and "first draft" not in reveal.text
    total = await testbot.app.db.fetchval("SELECT SUM(points) FROM ledger WHERE kind = 'answer'")
    assert total == 10  # an edit earns nothing more


async def test_the_confirmation_shows_the_reveal_time_in_the_members_zone(
    testbot: MemoryAdapter, clock: FakeClock
) -> None:
    await started(testbot, clock)
    await testbot.command("alice", "/stats timezone:Asia/Kolkata")
    await testbot.command("alice", "/answer hello")
    assert "Wed 07 Jan 02:30 (Asia/Kolkata)" in testbot.last("alice").text


async def test_bad_answers_are_explained_and_nothing_saved_is_lost(
    testbot: MemoryAdapter, clock: FakeClock
) -> None:
    await started(testbot, clock)
    await testbot.command("alice", "/answer keep me")
    await testbot.press("alice", "Answer")
    await testbot.submit("alice", {"answer": "   "})
    assert "Your answer is empty" in testbot.last("alice").text
    await testbot.press("alice", "Answer")
    await testbot.submit("alice", {"answer": "x" * 4001})
    assert "4,001 characters; the limit is 4,000" in testbot.last("alice").text
    await reveal_now(testbot)
    assert "keep me" in reveals(testbot)[0].text


async def test_answering_after_the_reveal_is_closed(
    testbot: MemoryAdapter, clock: FakeClock
) -> None:
    await started(testbot, clock)
    await reveal_now(testbot)
    await testbot.command("alice", "/answer late")
    assert "Answering is closed" in testbot.last("alice").text
    replies = await testbot.press("alice", "Answer")
    assert "Answering is closed" in reply_text(replies)


async def test_an_answer_cannot_be_edited_after_the_reveal(
    testbot: MemoryAdapter, clock: FakeClock
) -> None:
    await started(testbot, clock)
    await testbot.command("alice", "/answer before the reveal")
    await testbot.command("alice", "/answer a second thought")
    await reveal_now(testbot)
    await testbot.command("alice", "/answer too late")
    assert "Answering is closed" in testbot.last("alice").text
    row = await testbot.app.db.fetchone("SELECT body, edits FROM answers")
    assert row is not None and tuple(row) == ("a second thought", 1)


async def answered_and_revealed(testbot: MemoryAdapter, clock: FakeClock) -> None:
    await started(testbot, clock)
    await testbot.command("alice", "/answer alice's take")
    await testbot.command("bob", "/answer bob's take")
    await reveal_now(testbot)


async def points(testbot: MemoryAdapter, member: str) -> int:
    return int(
        await testbot.app.db.fetchval(
            "SELECT COALESCE(SUM(l.points), 0) FROM ledger l JOIN members m ON m.id = l.member_id "
            "WHERE m.native_id = ?",
            (member,),
        )
    )


async def test_a_vote_counts_once_and_pressing_again_withdraws_it(
    testbot: MemoryAdapter, clock: FakeClock
) -> None:
    await answered_and_revealed(testbot, clock)
    await testbot.press("carol", "Upvote", containing="alice")
    assert testbot.last("carol").text.startswith("Upvoted alice")
    assert await points(testbot, "alice") == 12
    await testbot.press("carol", "Upvote", containing="alice")
    assert testbot.last("carol").text.startswith("Withdrew your vote")
    assert await points(testbot, "alice") == 10
    kinds = await testbot.app.db.fetchall("SELECT kind, points FROM ledger ORDER BY id")
    assert [tuple(k) for k in kinds][-2:] == [("upvote", 2), ("upvote_withdrawn", -2)]


async def test_nobody_votes_for_their_own_answer(testbot: MemoryAdapter, clock: FakeClock) -> None:
    await answered_and_revealed(testbot, clock)
    await testbot.press("alice", "Upvote", containing="alice")
    assert "can't vote for your own answer" in testbot.last("alice").text
    assert await points(testbot, "alice") == 10


async def test_no_vote_before_the_reveal(testbot: MemoryAdapter, clock: FakeClock) -> None:
    await started(testbot, clock)
    await testbot.command("alice", "/answer early")
    answer_id = await testbot.app.db.fetchval("SELECT id FROM answers")
    event = ButtonPress(testbot.context("bob", "general"), action_id("vote", answer_id))
    assert "Voting opens when the answers are revealed" in reply_text(
        await testbot.app.handle(event)
    )


async def test_a_vote_for_an_answer_that_is_gone_is_refused_and_saves_nothing(
    testbot: MemoryAdapter, clock: FakeClock
) -> None:
    await answered_and_revealed(testbot, clock)
    before = await testbot.app.db.fetchval("SELECT COUNT(*) FROM ledger")
    event = ButtonPress(testbot.context("carol", "general"), action_id("vote", 9999))
    assert "That answer no longer exists" in reply_text(await testbot.app.handle(event))
    assert await testbot.app.db.fetchval("SELECT COUNT(*) FROM votes") == 0
    assert await testbot.app.db.fetchval("SELECT COUNT(*) FROM ledger") == before


async def test_voting_closes_with_the_next_post_and_the_top_answer_earns_a_bonus(
    testbot: MemoryAdapter, clock: FakeClock
) -> None:
    await answered_and_revealed(testbot, clock)
    await testbot.press("carol", "Upvote", containing="bob")
    await tick_at(testbot, clock, utc(2026, 1, 7, 9, 0))  # the next question
    assert len(posts(testbot)) == 2
    assert await points(testbot, "bob") == 10 + 2 + 5
    assert await points(testbot, "alice") == 10
    await testbot.press("dave", "Upvote", containing="alice")
    assert "Voting on this question closed" in testbot.last("dave").text


async def test_leaderboard_windows_read_the_ledger(
    testbot: MemoryAdapter, clock: FakeClock
) -> None:
    await configure(testbot, options="time:09:00 timezone:UTC reveal:1h")
    # Tue 2025-12-30 (last month, and last week), then Tue 2026-01-06 and Wed 2026-01-07.
    schedule = [
        (utc(2025, 12, 30, 9, 0), ["bob", "carol"]),
        (utc(2026, 1, 6, 9, 0), ["alice"]),
        (utc(2026, 1, 7, 9, 0), ["alice", "carol"]),
    ]
    for when, members in schedule:
        await tick_at(testbot, clock, when)
        for member in members:
            await testbot.command(member, "/answer my answer")
        await tick_at(testbot, clock, when + timedelta(hours=1))
    await testbot.press("alice", "Upvote", containing="carol")  # Wed's reveal: carol +2
    clock.set(utc(2026, 1, 8, 12, 0))

    async def board(period: str) -> str:
        return reply_text(await testbot.command("alice", f"/leaderboard {period}"))

    assert (await board("week")).splitlines() == ["1. **alice** 20 pts", "2. **carol** 12 pts"]
    assert (await board("month")).splitlines() == ["1. **alice** 20 pts", "2. **carol** 12 pts"]
    assert (await board("all")).splitlines() == [
        "1. **carol** 22 pts",
        "2. **alice** 20 pts",
        "3. **bob** 10 pts",
    ]
    [reply] = await testbot.command("bob", "/leaderboard all")
    assert isinstance(reply, Message) and reply.footer == "You are #3 with 10 pts."


async def test_leaderboard_by_area(testbot: MemoryAdapter, clock: FakeClock) -> None:
    await started(testbot, clock)
    await testbot.command("alice", "/answer mine")
    area = await testbot.app.db.fetchval("SELECT area FROM ledger")
    other = "trees" if area != "trees" else "llm"
    assert "alice" in reply_text(await testbot.command("bob", f"/leaderboard all {area}"))
    assert "No points" in reply_text(await testbot.command("bob", f"/leaderboard all {other}"))


async def test_a_streak_counts_local_days_in_the_members_zone(
    testbot: MemoryAdapter, clock: FakeClock
) -> None:
    # Both answers fall on 6 Jan in the channel's zone (UTC), but on 6 and 7 Jan in Tokyo.
    await configure(testbot, "a", "time:13:00 timezone:UTC")
    await configure(testbot, "b", "time:15:00 timezone:UTC")
    await testbot.command("alice", "/stats timezone:Asia/Tokyo")
    await tick_at(testbot, clock, utc(2026, 1, 6, 14, 0))  # 23:00 in Tokyo
    await testbot.command("alice", "/answer one", "a")
    await tick_at(testbot, clock, utc(2026, 1, 6, 16, 0))  # 01:00 the next day in Tokyo
    await testbot.command("alice", "/answer two", "b")
    [mine] = await testbot.command("alice", "/stats", "a")
    assert isinstance(mine, Message)
    assert dict((f.name, f.value) for f in mine.fields)["Streak"] == "2 days (best 2)"
    await testbot.command("bob", "/answer one", "a")
    await testbot.command("bob", "/answer two", "b")
    [his] = await testbot.command("bob", "/stats", "a")  # bob keeps the channel's zone
    assert isinstance(his, Message)
    assert dict((f.name, f.value) for f in his.fields)["Streak"] == "1 day (best 1)"


async def test_stats_show_points_answers_and_upvotes(
    testbot: MemoryAdapter, clock: FakeClock
) -> None:
    await answered_and_revealed(testbot, clock)
    await testbot.press("bob", "Upvote", containing="alice")
    [reply] = await testbot.command("bob", "/stats alice")
    assert isinstance(reply, Message)
    fields = {f.name: f.value for f in reply.fields}
    assert fields["All time"] == "12 pts"
    assert fields["Answers"] == "1" and fields["Upvotes received"] == "1"
    assert "I have no record of" in reply_text(await testbot.command("bob", "/stats nobody"))


async def test_the_weekly_leaderboard_is_posted_on_monday(
    testbot: MemoryAdapter, clock: FakeClock
) -> None:
    await configure(testbot, options="time:09:00 timezone:UTC reveal:1h")
    await tick_at(testbot, clock, utc(2026, 1, 6, 9, 0))
    await testbot.command("alice", "/answer a")
    await tick_at(testbot, clock, utc(2026, 1, 12, 9, 0))  # Monday
    await tick_at(testbot, clock, utc(2026, 1, 12, 9, 30))
    boards = [d for d in testbot.public() if d.message.kind == "leaderboard"]
    assert len(boards) == 1 and "alice" in boards[0].text
    await testbot.command("admin", "/studybot setup weekly:off", admin=True)
    await tick_at(testbot, clock, utc(2026, 1, 19, 9, 0))
    assert len([d for d in testbot.public() if d.message.kind == "leaderboard"]) == 1
