"""A whole daily cycle through Slack: setup, post, answers in the modal, reveal, votes, board."""

from __future__ import annotations

from adapters.slack.app import SlackAdapter
from tests.slack.driver import SlackDriver, find_button, shown_text, user_id
from tests.slack.fake_slack import Call, FakeSlack


async def command(slack: SlackDriver, fake: FakeSlack, user: str, line: str) -> Call:
    """Run a command and return its one private reply (through the response_url)."""
    status, key = await slack.command(user, line)
    assert status == 200
    [reply] = await fake.wait_for("response_url", where=lambda call: call.target == key)
    assert reply.args["response_type"] == "ephemeral"
    return reply


async def answer_in_modal(slack: SlackDriver, fake: FakeSlack, user: str, text: str) -> Call:
    [daily_post, *_] = await fake.wait_for("chat.postMessage")
    _, key = await slack.press(user, find_button([daily_post], "Answer"))
    [opened] = await fake.wait_for(
        "views.open", where=lambda call: call.args["trigger_id"] == f"trigger-{key}"
    )
    assert await slack.submit(user, opened.args["view"], {"answer": text}) == 200
    [saved] = await fake.wait_for(
        "chat.postEphemeral", where=lambda call: call.args["user"] == user_id(user)
    )
    return saved


async def vote(slack: SlackDriver, fake: FakeSlack, user: str, author: str) -> str:
    reveal = fake.of("chat.postMessage")[-1]  # (a short reveal is one message)
    _, key = await slack.press(user, find_button([reveal], "Upvote", containing=f"*{author}*"))
    [reply] = await fake.wait_for("response_url", where=lambda call: call.target == key)
    return shown_text(reply)


async def test_a_whole_daily_cycle(
    slack: SlackDriver, fake_slack: FakeSlack, adapter: SlackAdapter
) -> None:
    fake_slack.admins.add(user_id("admin"))

    setup = await command(slack, fake_slack, "admin", "/studybot setup time:09:00 timezone:UTC")
    assert "Saved" in setup.texts()
    await command(slack, fake_slack, "admin", "/studybot post-now")
    [daily_post] = fake_slack.of("chat.postMessage")
    assert daily_post.args["channel"] == "C0GENERAL"
    assert "Question of the day" in daily_post.texts()

    saved = await answer_in_modal(slack, fake_slack, "alice", "Use <!channel> a holdout set")
    assert "Saved your answer" in shown_text(saved)
    await answer_in_modal(slack, fake_slack, "bob", "Cross-validate & compare")

    await command(slack, fake_slack, "admin", "/studybot reveal-now")
    reveal = fake_slack.of("chat.postMessage")[-1]
    assert reveal.args["thread_ts"] == daily_post.result["ts"]
    assert "Use &lt;!channel&gt; a holdout set" in shown_text(reveal)
    assert "<!channel>" not in reveal.texts()
    assert "Cross-validate &amp; compare" in shown_text(reveal)

    assert "Upvoted alice" in await vote(slack, fake_slack, "bob", "alice")
    assert "can't vote for your own answer" in await vote(slack, fake_slack, "alice", "alice")

    board = shown_text(await command(slack, fake_slack, "carol", "/leaderboard all"))
    assert board.index("alice") < board.index("bob")
    assert "12 pts" in board and "10 pts" in board
    await adapter.drain()


async def test_the_app_home_shows_stats_and_the_channel_leaderboard(
    slack: SlackDriver, fake_slack: FakeSlack, adapter: SlackAdapter
) -> None:
    fake_slack.admins.add(user_id("admin"))
    await command(slack, fake_slack, "admin", "/studybot setup time:09:00 timezone:UTC")
    await command(slack, fake_slack, "admin", "/studybot post-now")
    await command(slack, fake_slack, "alice", "/answer Regularise & validate")
    home = {"type": "app_home_opened", "user": user_id("alice"), "channel": "D1", "tab": "home"}

    assert await slack.event(home, "Ev0100") == 200

    [published] = await fake_slack.wait_for("views.publish")
    shown = shown_text(published)
    assert "Stats for alice" in shown
    assert "#general · Leaderboard" in shown
    assert "*alice* 10 pts" in shown
    assert published.args["user_id"] == "UALICE"
