"""The real discord.py client against the local fake: login, commands, buttons, modals."""

from __future__ import annotations

from adapters.discord.client import StudyClient
from tests.discord import payloads
from tests.discord.conftest import Discord
from tests.discord.fake_discord import GUILD_ID, FakeDiscord


async def test_client_logs_in_and_becomes_ready(client: StudyClient, fake: FakeDiscord) -> None:
    assert client.is_ready()
    assert client.get_guild(GUILD_ID) is not None
    assert fake.identifies[0]["token"] == "fake-bot-token"


async def test_help_answers_privately(driver: Discord) -> None:
    callback = await driver.interact(payloads.slash("help"))
    assert callback.body["type"] == 4
    data = callback.body["data"]
    assert data["flags"] & 64
    assert "/question" in data["embeds"][0]["description"]


async def test_question_takes_typed_options_and_shows_an_answer_button(driver: Discord) -> None:
    payload = payloads.slash(
        "question", payloads.option("area", "llm"), payloads.option("difficulty", "easy")
    )
    callback = await driver.interact(payload)
    embed = callback.body["data"]["embeds"][0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Area"] == "llm"
    assert fields["Difficulty"] == "easy"
    button = payloads.buttons_of(callback.body["data"])[0]
    assert button["label"] == "Answer"
    assert button["custom_id"].startswith("sb:practice:")


async def test_answer_button_opens_a_modal_and_its_submission_is_answered(
    driver: Discord,
) -> None:
    asking = payloads.slash("question", payloads.option("area", "llm"))
    await driver.interact(asking)
    message = driver.original(asking)
    answer_id = payloads.custom_id_of(message, "Answer")

    opened = await driver.interact(payloads.click(message, answer_id))
    assert opened.body["type"] == 9  # MODAL
    modal = opened.body["data"]
    assert modal["custom_id"] == answer_id
    text_input = next(c["component"] for c in modal["components"] if c["type"] == 18)
    assert text_input["style"] == 2  # paragraph
    assert text_input["max_length"] == 4000

    submitted = await driver.interact(
        payloads.submit(answer_id, {"answer": "Attention weighs @everyone"}, message=message)
    )
    reply = submitted.body["data"]
    assert submitted.body["type"] == 4
    assert reply["flags"] & 64
    assert "Key points" in reply["embeds"][0]["description"]
    assert "\\@everyone" in reply["embeds"][0]["description"]


async def test_after_a_dropped_gateway_connection_the_client_resumes_and_serves(
    driver: Discord, fake: FakeDiscord
) -> None:
    await fake.drop_connections(code=4000)
    await fake.wait_resumed()
    assert fake.resumes[0]["session_id"] == "fake-session"
    callback = await driver.interact(payloads.slash("help"))
    assert callback.body["type"] == 4
